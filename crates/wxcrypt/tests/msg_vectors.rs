//! Message-push crypto against the shared `msg_crypt` vectors, byte for byte in both directions,
//! round trips in both formats, and tampering with each field giving its code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use aes::cipher::{block_padding::NoPadding, BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use serde_json::Value;
use wxcrypt::{Error, Format, MsgCrypt};

mod common;
use common::envelope;

fn vectors() -> Vec<Value> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/wechat-vectors.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["msg_crypt"].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k}"))
}

fn crypt(v: &Value) -> MsgCrypt {
    MsgCrypt::new(s(v, "token"), s(v, "encodingAESKey"), s(v, "appid")).unwrap()
}

fn random(v: &Value) -> [u8; 16] {
    s(v, "random").as_bytes().try_into().unwrap()
}

fn json_body(encrypt: &str) -> String {
    format!(
        r#"{{"ToUserName":"gh_97417a04a28d","Encrypt":{}}}"#,
        serde_json::to_string(encrypt).unwrap()
    )
}

fn xml_body(encrypt: &str) -> String {
    format!("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>")
}

#[test]
fn every_vector_decrypts_in_its_format() {
    let all = vectors();
    assert_eq!(all.len(), 4);
    for v in &all {
        let mc = crypt(v);
        let body = if s(v, "id").contains("xml") {
            xml_body(s(v, "encrypt"))
        } else {
            json_body(s(v, "encrypt"))
        };
        let got = mc
            .decrypt_msg(
                s(v, "msg_signature"),
                s(v, "timestamp"),
                s(v, "nonce"),
                &body,
            )
            .unwrap();
        assert_eq!(got, s(v, "msg"), "{}", s(v, "id"));
        // The field alone, and upper-case signatures, work too.
        let sig = s(v, "msg_signature").to_uppercase();
        assert_eq!(
            mc.decrypt_encrypt(&sig, s(v, "timestamp"), s(v, "nonce"), s(v, "encrypt"))
                .unwrap(),
            s(v, "msg")
        );
    }
}

#[test]
fn every_vector_encrypts_byte_for_byte() {
    for v in &vectors() {
        let mc = crypt(v);
        for format in [Format::Json, Format::Xml, Format::WecomJson] {
            let reply = mc
                .encrypt_msg_with_random(
                    s(v, "msg"),
                    s(v, "timestamp"),
                    s(v, "nonce"),
                    format,
                    &random(v),
                )
                .unwrap();
            let [encrypt, sig, ts, nonce] = envelope(&reply, format);
            assert_eq!(encrypt, s(v, "encrypt"), "{} {format:?}", s(v, "id"));
            assert_eq!(sig, s(v, "msg_signature"), "{} {format:?}", s(v, "id"));
            assert_eq!(
                (ts.as_str(), nonce.as_str()),
                (s(v, "timestamp"), s(v, "nonce"))
            );
            // The padding the vector names.
            let ct = base64::engine::general_purpose::STANDARD
                .decode(&encrypt)
                .unwrap();
            let body = 20 + s(v, "msg").len() + s(v, "appid").len();
            assert_eq!(ct.len() - body, v["pad"].as_u64().unwrap() as usize);
        }
    }
}

#[test]
fn round_trips_with_fresh_randomness() {
    let v = &vectors()[0];
    let mc = crypt(v);
    for format in [Format::Json, Format::Xml, Format::WecomJson] {
        for msg in ["", "x", "你好，世界 😀", &"<xml>".repeat(500)] {
            let a = mc
                .encrypt_msg(msg, "1714112445", "415670741", format)
                .unwrap();
            let b = mc
                .encrypt_msg(msg, "1714112445", "415670741", format)
                .unwrap();
            assert_ne!(a, b, "fresh random prefix each call");
            let [_, sig, ts, nonce] = envelope(&a, format);
            assert_eq!(mc.decrypt_msg(&sig, &ts, &nonce, &a).unwrap(), msg);
        }
    }
}

#[test]
fn url_verification() {
    let v = &vectors()[0];
    let mc = crypt(v);
    // The mini-program doc's GET example uses the same token.
    let (ts, nonce, echostr) = ("1714036504", "1514711492", "4375120948345356249");
    assert_eq!(
        mc.verify_url(
            "f464b24fc39322e44b38aa78f5edd27bd1441696",
            ts,
            nonce,
            echostr
        )
        .unwrap(),
        echostr
    );
    assert_eq!(
        mc.verify_url(
            "f464b24fc39322e44b38aa78f5edd27bd1441697",
            ts,
            nonce,
            echostr
        ),
        Err(Error::ValidateSignature)
    );
}

/// AES-256-CBC of a raw plaintext under the vector's key (for buffers `encrypt_msg` won't make).
fn raw_encrypt(v: &Value, plain: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(format!("{}=", s(v, "encodingAESKey")))
        .unwrap();
    let pad = 32 - plain.len() % 32;
    let mut buf = plain.to_vec();
    buf.resize(plain.len() + pad, pad as u8);
    let len = buf.len();
    cbc::Encryptor::<aes::Aes256>::new_from_slices(&key[..], &key[..16])
        .unwrap()
        .encrypt_padded::<NoPadding>(&mut buf, len)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(buf)
}

#[test]
fn fail_tampering_gives_each_code() {
    let v = &vectors()[0];
    let mc = crypt(v);
    let (tok, ts, nonce, enc, sig) = (
        s(v, "token"),
        s(v, "timestamp"),
        s(v, "nonce"),
        s(v, "encrypt"),
        s(v, "msg_signature"),
    );
    let code = |r: wxcrypt::Result<String>| r.unwrap_err().code();
    // Signature first: any changed field fails -40001 before anything is decrypted.
    assert_eq!(
        code(mc.decrypt_encrypt(&sig.replace('0', "1"), ts, nonce, enc)),
        -40001
    );
    assert_eq!(
        code(mc.decrypt_encrypt(sig, "1714112446", nonce, enc)),
        -40001
    );
    assert_eq!(code(mc.decrypt_encrypt(sig, ts, "415670742", enc)), -40001);
    assert_eq!(code(mc.decrypt_encrypt(sig, ts, nonce, &enc[4..])), -40001);
    assert_eq!(code(mc.decrypt_encrypt("", ts, nonce, enc)), -40001);
    // With a valid signature over the damaged field (someone holding the token):
    let signed =
        |e: &str| mc.decrypt_encrypt(&wxcrypt::msg_signature(tok, ts, nonce, e), ts, nonce, e);
    assert_eq!(code(signed(&format!("{}!", &enc[..enc.len() - 1]))), -40010);
    let mut flipped = base64::engine::general_purpose::STANDARD
        .decode(enc)
        .unwrap();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    assert_eq!(
        code(signed(
            &base64::engine::general_purpose::STANDARD.encode(&flipped)
        )),
        -40007
    );
    assert_eq!(
        code(signed(
            &base64::engine::general_purpose::STANDARD.encode(&flipped[..last])
        )),
        -40007
    );
    assert_eq!(code(signed("")), -40007);
    // Lengths: a plaintext shorter than its header, and a length field past the end.
    assert_eq!(
        code(signed(&raw_encrypt(v, b"0123456789abcdef\0\0"))),
        -40008
    );
    let mut long = b"0123456789abcdef".to_vec();
    long.extend_from_slice(&1000u32.to_be_bytes());
    long.extend_from_slice(b"hi wxba5fad812f8e6fb9");
    assert_eq!(code(signed(&raw_encrypt(v, &long))), -40008);
    let mut max = b"0123456789abcdef".to_vec();
    max.extend_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(code(signed(&raw_encrypt(v, &max))), -40008);
    // Another appid under the same key.
    let other = MsgCrypt::new(tok, s(v, "encodingAESKey"), "wx0000000000000000").unwrap();
    let reply = other.encrypt_msg("hi", ts, nonce, Format::Json).unwrap();
    let [e, sig2, _, _] = envelope(&reply, Format::Json);
    assert_eq!(code(mc.decrypt_encrypt(&sig2, ts, nonce, &e)), -40005);
    // An appid that is a prefix or an extension of ours.
    for app in ["wxba5fad812f8e6fb", "wxba5fad812f8e6fb9x"] {
        let other = MsgCrypt::new(tok, s(v, "encodingAESKey"), app).unwrap();
        let [e, sig2, _, _] = envelope(
            &other.encrypt_msg("hi", ts, nonce, Format::Json).unwrap(),
            Format::Json,
        );
        assert_eq!(
            code(mc.decrypt_encrypt(&sig2, ts, nonce, &e)),
            -40005,
            "{app}"
        );
    }
    // Bodies without an Encrypt field.
    for body in [
        "",
        "hello",
        "{}",
        r#"{"Encrypt":1}"#,
        "<xml></xml>",
        "<xml><Encrypt>x</Encrypt>",
        "[1]",
    ] {
        assert_eq!(code(mc.decrypt_msg(sig, ts, nonce, body)), -40002, "{body}");
    }
    // A nonce that would break the CDATA of an XML reply.
    assert_eq!(
        mc.encrypt_msg("x", ts, "a]]>b", Format::Xml)
            .unwrap_err()
            .code(),
        -40011
    );
}
