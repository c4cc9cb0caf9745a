//! `diagnose` names the right cause on a table of crafted failures covering every cause.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use wxcrypt::{diagnose, encrypt_data, Cause, DataCrypt, DecryptOptions, SessionKey};

mod common;
use common::{band, APP, IV, KEY};

fn encrypt(text: &str) -> String {
    let key = SessionKey::from_base64(KEY).unwrap();
    let iv: [u8; 16] = STANDARD.decode(IV).unwrap().try_into().unwrap();
    STANDARD.encode(encrypt_data(&key, &iv, text.as_bytes()))
}

fn percent_encode(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[test]
fn every_cause_on_crafted_failures() {
    let ed = band();
    let none = DecryptOptions::default();
    let wrapped: String = ed
        .as_bytes()
        .chunks(40)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let table: Vec<(&str, &str, String, &str, DecryptOptions, Cause)> = vec![
        ("ok", KEY, ed.clone(), IV, none.clone(), Cause::Ok),
        (
            "refreshed session key",
            "HyVFkGl5F5OQWJZZaNzBBg==",
            ed.clone(),
            IV,
            none.clone(),
            Cause::SessionKeyMismatch,
        ),
        (
            "another request's iv",
            KEY,
            ed.clone(),
            "MDEyMzQ1Njc4OWFiY2RlZg==",
            none.clone(),
            Cause::IvMismatch,
        ),
        (
            "percent-encoded data",
            KEY,
            percent_encode(&ed),
            IV,
            none.clone(),
            Cause::TransportDamage,
        ),
        (
            "percent-encoded iv",
            KEY,
            ed.clone(),
            "r7BXXKkLb8qrSNn05n0qiA%3D%3D",
            none.clone(),
            Cause::TransportDamage,
        ),
        (
            "'+' became ' ' in a wrapped value",
            KEY,
            wrapped.replace('+', " "),
            IV,
            none.clone(),
            Cause::TransportDamage,
        ),
        (
            "truncated",
            KEY,
            ed[..ed.len() - 8].to_owned(),
            IV,
            none.clone(),
            Cause::TransportDamage,
        ),
        (
            "another app",
            "tiihtNczf5v6AKRyjwEUhQ==",
            ed.clone(),
            IV,
            none.clone(),
            Cause::AppidMismatch,
        ),
        (
            "no watermark",
            KEY,
            encrypt(r#"{"openId":"x"}"#),
            IV,
            none.clone(),
            Cause::AppidMismatch,
        ),
        (
            "old data",
            KEY,
            ed.clone(),
            IV,
            DecryptOptions {
                max_age_seconds: Some(300),
                ..Default::default()
            },
            Cause::Expired,
        ),
        (
            "another user",
            KEY,
            ed.clone(),
            IV,
            DecryptOptions {
                expect_open_id: Some("oOTHER".into()),
                ..Default::default()
            },
            Cause::OpenidMismatch,
        ),
        (
            "activityId",
            KEY,
            encrypt("1234567890abcdef-activity"),
            IV,
            none.clone(),
            Cause::NotJson,
        ),
        (
            "key too short",
            "AAAA",
            ed.clone(),
            IV,
            none.clone(),
            Cause::MalformedInput,
        ),
        (
            "key not base64",
            "tiihtNczf5v6AKRyjwEUhQ!!",
            ed.clone(),
            IV,
            none.clone(),
            Cause::MalformedInput,
        ),
        (
            "iv of 8 bytes",
            KEY,
            ed.clone(),
            "MDEyMzQ1Njc=",
            none.clone(),
            Cause::MalformedInput,
        ),
        (
            "not base64",
            KEY,
            format!("{ed}*"),
            IV,
            none.clone(),
            Cause::MalformedInput,
        ),
        (
            "empty",
            KEY,
            String::new(),
            IV,
            none.clone(),
            Cause::MalformedInput,
        ),
    ];
    for (name, key, ed, iv, opts, want) in table {
        let app = if name == "another app" {
            "wx0000000000000000"
        } else {
            APP
        };
        let d = diagnose(app, key, &ed, iv, &opts);
        assert_eq!(d.cause, want, "{name}: {d:?}");
        assert!(!d.hint.is_empty());
        let json = d.to_json();
        assert!(
            !json.contains(KEY.trim_end_matches('=')) && !json.contains("HyVFkGl5F5OQWJZZ"),
            "{name}: {json}"
        );
        // The errcode is what decrypt_data gives.
        let expect = DataCrypt::new(app, key)
            .and_then(|c| c.decrypt_data_with(&ed, iv, &opts))
            .err()
            .map_or(0, |e| e.code());
        assert_eq!(d.errcode, expect, "{name}");
        match want {
            Cause::AppidMismatch if name == "another app" => {
                assert_eq!(d.found_appid.as_deref(), Some(APP))
            }
            Cause::TransportDamage if name != "truncated" => assert!(d.repair.is_some(), "{name}"),
            Cause::TransportDamage => {
                assert!(d.repair.is_none() && d.hint.contains("multiple of 16"))
            }
            Cause::Expired => assert_eq!(d.timestamp, Some(1477314187.0)),
            _ => {}
        }
    }
}

#[test]
fn diagnose_never_panics_on_junk() {
    for s in [
        "", "=", "%", "%G0", "% ", "\u{0}", "é", "  \n ", "AAAA====", "%2", "a b\nc",
    ] {
        for (k, e, i) in [(s, s, s), (KEY, s, IV), (KEY, IV, s), (s, KEY, IV)] {
            let d = diagnose(APP, k, e, i, &DecryptOptions::default());
            assert_ne!(d.cause, Cause::Ok);
        }
    }
}
