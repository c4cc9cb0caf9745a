//! What the diagnose suites share: the official Band vector's app id, key and iv, and its
//! `encryptedData` read from the shared vectors file.
#![allow(dead_code)] // each suite uses its own subset

pub const APP: &str = "wx4f4bc4dec97d474b";
pub const KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
pub const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";

/// The official vector's `encryptedData`.
pub fn band() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/wechat-vectors.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["data_crypt"][0]["encryptedData"]
        .as_str()
        .unwrap()
        .to_owned()
}
