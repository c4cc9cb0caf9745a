//! What the suites share: the official Band vector's app id, key and iv, and its
//! `encryptedData` read from the shared vectors file (diagnose suites); the fields of a reply
//! envelope (message-push suites).
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

/// `(Encrypt, MsgSignature, TimeStamp, Nonce)` of a reply envelope in any format.
pub fn envelope(reply: &str, format: wxcrypt::Format) -> [String; 4] {
    let json = |keys: [&str; 4]| {
        let v: serde_json::Value = serde_json::from_str(reply).unwrap();
        keys.map(|k| match &v[k] {
            serde_json::Value::String(x) => x.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            other => panic!("{k}: {other}"),
        })
    };
    match format {
        wxcrypt::Format::Json => json(["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]),
        wxcrypt::Format::WecomJson => json(["encrypt", "msgsignature", "timestamp", "nonce"]),
        wxcrypt::Format::Xml => ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"].map(|name| {
            let start = reply.find(&format!("<{name}>")).unwrap() + name.len() + 2;
            let end = reply.find(&format!("</{name}>")).unwrap();
            reply[start..end]
                .trim_start_matches("<![CDATA[")
                .trim_end_matches("]]>")
                .to_owned()
        }),
    }
}
