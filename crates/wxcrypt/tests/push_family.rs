//! Message push for every Tencent sender, against `vectors/push-family.json`: official accounts,
//! the open platform and WeCom (XML, lower-case JSON, encrypted `echostr`), each vector from a
//! cited public source or derived from one. Body shapes, exact receiver ids, URL verification
//! per sender, and replies in the request's format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde_json::Value;
use wxcrypt::{Error, Format, MsgCrypt, PushBody};

mod common;
use common::envelope;

fn file() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/push-family.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn list(key: &str) -> Vec<Value> {
    file()[key].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("field {k} of {}", v["id"]))
}

fn crypt(v: &Value) -> MsgCrypt {
    MsgCrypt::new(s(v, "token"), s(v, "encodingAESKey"), s(v, "receiver_id")).unwrap()
}

fn format(v: &Value) -> Format {
    Format::from_name(s(v, "format")).unwrap()
}

fn random(v: &Value) -> [u8; 16] {
    s(v, "random").as_bytes().try_into().unwrap()
}

#[test]
fn every_sender_covered_and_sourced() {
    let messages = list("messages");
    let senders: Vec<&str> = messages.iter().map(|v| s(v, "sender")).collect();
    for want in [
        "official_account",
        "open_platform",
        "wecom",
        "wecom_robot",
        "wecom_third_party",
    ] {
        assert!(senders.contains(&want), "{want}");
    }
    for v in messages
        .iter()
        .chain(&list("url_verification"))
        .chain(&list("replies"))
    {
        let src = &v["source"];
        let cited = src["repo"].is_string() && src["path"].is_string() && src["commit"].is_string();
        let derived = v["derived"] == Value::Bool(true) || src["derived_from"].is_string();
        assert!(cited || derived, "{} names no source", v["id"]);
        if v["derived"] == Value::Bool(true) {
            assert!(src["derived_from"].is_string(), "{}", v["id"]);
        }
    }
    // WeCom's lower-case JSON from Tencent's own samples, not only derived ones.
    assert!(messages
        .iter()
        .any(|v| s(v, "format") == "wecom-json" && v["derived"] == Value::Bool(false)));
}

#[test]
fn every_message_decrypts_and_names_its_format() {
    let messages = list("messages");
    assert_eq!(messages.len(), 10);
    for v in &messages {
        let id = s(v, "id");
        let mc = crypt(v);
        let (sig, ts, nonce) = (s(v, "msg_signature"), s(v, "timestamp"), s(v, "nonce"));
        let got = mc.decrypt_body(sig, ts, nonce, s(v, "body")).unwrap();
        assert_eq!(got.message, s(v, "msg"), "{id}");
        assert_eq!(got.format, format(v), "{id}");
        assert!(got.message.contains(s(v, "msg_contains")), "{id}");
        assert_eq!(
            mc.decrypt_msg(sig, ts, nonce, s(v, "body")).unwrap(),
            got.message
        );
        assert_eq!(
            PushBody::parse(s(v, "body")).unwrap(),
            PushBody {
                encrypt: s(v, "encrypt").into(),
                format: format(v)
            },
            "{id}"
        );
        assert_eq!(
            mc.decrypt_encrypt(sig, ts, nonce, s(v, "encrypt")).unwrap(),
            got.message
        );
        // Official-account and open-platform pushes also carry the plain URL signature.
        if let Some(url_sig) = v["signature"].as_str() {
            assert!(
                wxcrypt::verify_url_signature(s(v, "token"), ts, nonce, url_sig),
                "{id}"
            );
        }
    }
}

#[test]
fn derived_messages_encrypt_byte_for_byte() {
    let derived: Vec<Value> = list("messages")
        .into_iter()
        .filter(|v| v["derived"] == Value::Bool(true))
        .collect();
    assert_eq!(derived.len(), 2);
    for v in &derived {
        let mc = crypt(v);
        let (ts, nonce) = (s(v, "timestamp"), s(v, "nonce"));
        let reply = mc
            .encrypt_msg_with_random(s(v, "msg"), ts, nonce, format(v), &random(v))
            .unwrap();
        let [encrypt, sig, ts2, nonce2] = envelope(&reply, format(v));
        assert_eq!(encrypt, s(v, "encrypt"), "{}", v["id"]);
        assert_eq!(sig, s(v, "msg_signature"), "{}", v["id"]);
        assert_eq!((ts2.as_str(), nonce2.as_str()), (ts, nonce));
    }
}

#[test]
fn fail_receiver_id_is_exact() {
    for v in &list("messages") {
        let rid = s(v, "receiver_id");
        let others: Vec<String> = if rid.is_empty() {
            // Tencent's Go JSON sample skips the check when its receiver id is empty; an empty
            // receiver id here means "the message carries none", and nothing else matches it.
            vec!["wx5823bf96d3bd56c7".into(), " ".into()]
        } else {
            vec![
                String::new(),
                format!("{rid}x"),
                rid[..rid.len() - 1].to_owned(),
                rid.to_uppercase(),
            ]
        };
        for other in others {
            let mc = MsgCrypt::new(s(v, "token"), s(v, "encodingAESKey"), &other).unwrap();
            let err = mc
                .decrypt_msg(
                    s(v, "msg_signature"),
                    s(v, "timestamp"),
                    s(v, "nonce"),
                    s(v, "body"),
                )
                .unwrap_err();
            assert_eq!(err, Error::ValidateAppid, "{} with {other:?}", v["id"]);
        }
    }
}

#[test]
fn url_verification_per_sender() {
    let all = list("url_verification");
    assert_eq!(all.len(), 3);
    for v in &all {
        let id = s(v, "id");
        let (ts, nonce, echostr, reply) = (
            s(v, "timestamp"),
            s(v, "nonce"),
            s(v, "echostr"),
            s(v, "reply"),
        );
        match s(v, "mode") {
            "plain" => {
                let mc = MsgCrypt::new(
                    s(v, "token"),
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    "any",
                )
                .unwrap();
                let sig = s(v, "signature");
                assert_eq!(mc.verify_url(sig, ts, nonce, echostr).unwrap(), reply);
                assert_eq!(
                    mc.verify_url_query(Some(sig), None, ts, nonce, echostr)
                        .unwrap(),
                    reply
                );
            }
            "encrypted" => {
                let mc = crypt(v);
                let msig = s(v, "msg_signature");
                assert_eq!(
                    mc.verify_url_encrypted(msig, ts, nonce, echostr).unwrap(),
                    reply,
                    "{id}"
                );
                assert!(reply.bytes().all(|b| b.is_ascii_digit()), "{id}");
                assert_eq!(
                    mc.verify_url_query(None, Some(msig), ts, nonce, echostr)
                        .unwrap(),
                    reply
                );
                // msg_signature decides, whatever else the query holds.
                assert_eq!(
                    mc.verify_url_query(Some("0000"), Some(msig), ts, nonce, echostr)
                        .unwrap(),
                    reply
                );
                // The plain check does not accept WeCom's request: its signature covers echostr.
                assert_eq!(
                    mc.verify_url(msig, ts, nonce, echostr),
                    Err(Error::ValidateSignature)
                );
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn fail_url_verification() {
    let all = list("url_verification");
    let v = all
        .iter()
        .find(|v| s(v, "id") == "wecom_encrypted_echostr_wechatpy")
        .unwrap();
    let mc = crypt(v);
    let (msig, ts, echostr) = (s(v, "msg_signature"), s(v, "timestamp"), s(v, "echostr"));
    // wechatpy's test_check_signature_should_fail: the nonce off by one.
    assert_eq!(
        mc.verify_url_encrypted(msig, ts, "437374424", echostr),
        Err(Error::ValidateSignature)
    );
    assert_eq!(
        mc.verify_url_query(None, None, ts, s(v, "nonce"), echostr),
        Err(Error::ValidateSignature)
    );
    // The right signature for another corp's MsgCrypt: the receiver id is checked exactly.
    let other = MsgCrypt::new(s(v, "token"), s(v, "encodingAESKey"), "wx49f0ab532d5d035").unwrap();
    assert_eq!(
        other.verify_url_encrypted(msig, ts, s(v, "nonce"), echostr),
        Err(Error::ValidateAppid)
    );
    let empty = MsgCrypt::new(s(v, "token"), s(v, "encodingAESKey"), "").unwrap();
    assert_eq!(
        empty.verify_url_encrypted(msig, ts, s(v, "nonce"), echostr),
        Err(Error::ValidateAppid)
    );
}

#[test]
fn replies_byte_for_byte_and_back() {
    let all = list("replies");
    assert_eq!(all.len(), 4);
    for v in &all {
        let id = s(v, "id");
        let mc = crypt(v);
        let (ts, nonce, f) = (s(v, "timestamp"), s(v, "nonce"), format(v));
        let reply = mc
            .encrypt_msg_with_random(s(v, "msg"), ts, nonce, f, &random(v))
            .unwrap();
        if let Some(want) = v["envelope"].as_str() {
            assert_eq!(reply, want, "{id}");
        }
        let [encrypt, sig, ts2, nonce2] = envelope(&reply, f);
        assert_eq!(encrypt, s(v, "encrypt"), "{id}");
        assert_eq!(sig, s(v, "msg_signature"), "{id}");
        assert_eq!((ts2.as_str(), nonce2.as_str()), (ts, nonce));
        let back = mc.decrypt_body(&sig, ts, nonce, &reply).unwrap();
        assert_eq!((back.message.as_str(), back.format), (s(v, "msg"), f));
    }
}

#[test]
fn reply_follows_the_request_format() {
    // Each message's reply, written in the format its request came in, reads back in it.
    for v in &list("messages") {
        let mc = crypt(v);
        let req = mc
            .decrypt_body(
                s(v, "msg_signature"),
                s(v, "timestamp"),
                s(v, "nonce"),
                s(v, "body"),
            )
            .unwrap();
        let reply = mc
            .encrypt_msg("success", "1700000000", "n0nce", req.format)
            .unwrap();
        let back = mc
            .decrypt_body(
                &envelope(&reply, req.format)[1],
                "1700000000",
                "n0nce",
                &reply,
            )
            .unwrap();
        assert_eq!(
            (back.message.as_str(), back.format),
            ("success", req.format)
        );
    }
}

#[test]
fn wecom_json_reply_shape() {
    let mc = MsgCrypt::new(
        "QDG6eK",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        "wx5823bf96d3bd56c7",
    )
    .unwrap();
    for (ts, nonce) in [
        ("1409659813", "1372623149"),
        ("0123", "quote\"back\\slash"),
        ("", "你好\u{1}"),
    ] {
        let reply = mc.encrypt_msg("{}", ts, nonce, Format::WecomJson).unwrap();
        let v: Value = serde_json::from_str(&reply).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        // serde_json's map is sorted; the text keeps the samples' order.
        assert_eq!(keys, ["encrypt", "msgsignature", "nonce", "timestamp"]);
        assert!(reply.starts_with(r#"{"encrypt":""#), "{reply}");
        // Every value a string, the timestamp too (as the Go, C++ and Python samples write it).
        assert!(v.as_object().unwrap().values().all(Value::is_string));
        assert_eq!((s(&v, "timestamp"), s(&v, "nonce")), (ts, nonce));
        assert_eq!(
            s(&v, "msgsignature"),
            wxcrypt::msg_signature("QDG6eK", ts, nonce, s(&v, "encrypt"))
        );
        assert_eq!(
            mc.decrypt_body(s(&v, "msgsignature"), ts, nonce, &reply)
                .unwrap()
                .format,
            Format::WecomJson
        );
    }
}

#[test]
fn format_names() {
    for (name, f) in [
        ("json", Format::Json),
        ("xml", Format::Xml),
        ("wecom-json", Format::WecomJson),
    ] {
        assert_eq!(Format::from_name(name), Some(f));
        assert_eq!(f.name(), name);
    }
    for bad in ["", "JSON", "wecom_json", "wecomjson", "json-lower", "Xml"] {
        assert_eq!(Format::from_name(bad), None, "{bad}");
    }
}

fn body_cases() -> (Value, Vec<Value>) {
    let f = file();
    let id = f["body_cases"]["vector"].as_str().unwrap().to_owned();
    let v = list("messages")
        .into_iter()
        .find(|v| s(v, "id") == id)
        .unwrap();
    (v, f["body_cases"]["cases"].as_array().unwrap().clone())
}

#[test]
fn body_cases_accepted() {
    let (v, cases) = body_cases();
    let mc = crypt(&v);
    let ok: Vec<&Value> = cases.iter().filter(|c| c["expect"] == "ok").collect();
    assert_eq!(ok.len(), 3);
    for c in ok {
        let got = mc
            .decrypt_body(
                s(&v, "msg_signature"),
                s(&v, "timestamp"),
                s(&v, "nonce"),
                s(c, "body"),
            )
            .unwrap();
        assert_eq!(got.message, s(&v, "msg"), "{}", c["id"]);
        assert_eq!(got.format, format(c), "{}", c["id"]);
    }
}

#[test]
fn fail_body_cases_refused() {
    let (v, cases) = body_cases();
    let mc = crypt(&v);
    let bad: Vec<&Value> = cases.iter().filter(|c| c["expect"] != "ok").collect();
    assert_eq!(bad.len(), 6);
    for c in bad {
        assert!(s(c, "id").starts_with("fail_"), "{}", c["id"]);
        let code = c["expect"].as_i64().unwrap() as i32;
        let err = mc
            .decrypt_msg(
                s(&v, "msg_signature"),
                s(&v, "timestamp"),
                s(&v, "nonce"),
                s(c, "body"),
            )
            .unwrap_err();
        assert_eq!(err.code(), code, "{}", c["id"]);
        assert_eq!(
            PushBody::parse(s(c, "body")),
            Err(Error::from_code(code).unwrap())
        );
    }
}

#[test]
fn fail_both_keys_differing_refused() {
    // Whichever value the signature covers, the other would go unchecked: refused before the
    // signature is looked at, in either order, and for any difference (escapes resolved).
    let (v, _) = body_cases();
    let mc = crypt(&v);
    let e = s(&v, "encrypt");
    let sig_e = s(&v, "msg_signature");
    let (ts, nonce) = (s(&v, "timestamp"), s(&v, "nonce"));
    for body in [
        format!(r#"{{"Encrypt":"{e}","encrypt":"{e} "}}"#),
        format!(r#"{{"encrypt":"{e}","Encrypt":"x{e}"}}"#),
        format!(r#"{{"Encrypt":"{e}","encrypt":""}}"#),
        format!(r#"{{"Encrypt":"{e}","encrypt":["{e}"]}}"#),
        r#"{"Encrypt":"\ud800","encrypt":"\ufffd"}"#.to_owned(),
        format!(r#"{{"Encrypt":"{e}","x":{{"encrypt":"{e}"}},"encrypt":"A{e}"}}"#),
    ] {
        assert_eq!(
            mc.decrypt_msg(sig_e, ts, nonce, &body),
            Err(Error::ParseBody),
            "{body}"
        );
    }
    // A nested member is not a top-level one: only the outer Encrypt counts.
    let nested = format!(r#"{{"Encrypt":"{e}","x":{{"encrypt":"other"}}}}"#);
    let got = mc.decrypt_body(sig_e, ts, nonce, &nested).unwrap();
    assert_eq!(got.format, Format::Json);
    // Same values, one escaped differently: accepted, read as the mini program's JSON.
    let same = format!(
        r#"{{"encrypt":"{e}","Encrypt":"{}"}}"#,
        e.replace('+', "\\u002b")
    );
    assert_eq!(
        mc.decrypt_body(sig_e, ts, nonce, &same).unwrap().format,
        Format::Json
    );
}
