//! What the suites share: the official Band vector's app id, key and iv, and its
//! `encryptedData` read from the shared vectors file (diagnose suites); the fields of a reply
//! envelope (message-push suites); a 1024-bit RSA key, refused everywhere (key-size suites).
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

/// A 1024-bit RSA private key (PKCS#1): below every RSA key-size floor.
pub const K1024: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICWQIBAAKBgQDCKUQebe54+XJjtxBrhMdF1Ly2ERLUAiBDvjvnebMzTJsP+Y+Q
0o04AV3KlYXmdAk8rzOkH4DzbNdvZd1d7bFifRjhSAxKqHXVXRnR6V6W+qCM9Ij3
HGSlmbtpiy4R+zfNWfwYj0D7Nt79RYpEsStKr8uw0siuvrFFbXVGZHyebQIDAQAB
An8l6+liCBaLiizNTPPoDAbfnK0+4hbLUZ77nCwXCa32Vv/yHsvrfTQXvCyVZJ7C
Y+dp8s4jQAPvh1KMb1jM/5+lRbCQjsP2WzIL24SxFE658riJbbFNjeKKihLJmAXs
ASzpdPVBZucuTsyZ0xdyhxeUzwn4AO7CBK0TSQn6lfk5AkEA4jQiP8lVrllO7O0k
5RlQpEdqbDa6+xbEvbhDG30gGzJs5ZNJVAx8ZeTWrrNjhoKocuKbVJJlvLS8pUBv
qOBJJwJBANu8nwuw7zvdBiq5OVETEdQO+M7TnCV2WZEvjopCyMXsNEHgCtP+T6ge
dVC74x2oE2Kx5zHqtMdx0Kjmr7GdUEsCQFJ0MHvR1wKbmVJxyv4bsTKAucFCXfwC
u6pwTT3q6VYglmNEwfj6KCo4NS0vRLsWS3K9OWOljaIwu4b9KvaC8wcCQDzwN29n
l0ETz8UDbyjT0AruSAQb3V7qTnacKLyhPsrc8bUfLAGUsoSeRcyo/phX52BklAhc
3du97a8ZornwNbcCQFHpQLkkl0ajBbiinuefXNqiBpExHraDvIIASEQY2tgLMKfD
2SHfHDtrLQBQdGPgymYaowJjX65kDf0LiMC6c3s=
-----END RSA PRIVATE KEY-----";
