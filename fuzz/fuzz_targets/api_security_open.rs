//! The server-API security mode's response opener (`ApiSecurity::open_response`), with the keys
//! of WeChat's official vector (vectors/api-security.json).
//!
//! The first byte picks the mode:
//! - even: arbitrary `appid \xFF timestamp \xFF serial \xFF signature \xFF serial_deprecated
//!   \xFF signature_deprecated \xFF body` (each header present when its field is non-empty), at
//!   the vector's clock: no panic, only the opener's documented errors;
//! - odd: the official response with the rest of the input XORed over its body from an offset
//!   (`offset[2] bytes...`), and a header dropped when asked: refused with a documented error
//!   unless nothing changed, in which case the official answer comes back.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wxcrypt::api_security::{Algorithm, ApiSecurity, Config, Headers};
use wxcrypt::Error;
use wxcrypt_fuzz::{check_code, fields, text};

struct Vector {
    sec: ApiSecurity,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    now: u64,
    answer: serde_json::Value,
}

fn vector() -> &'static Vector {
    static V: OnceLock<Vector> = OnceLock::new();
    V.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../vectors/api-security.json")).unwrap();
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        let sec = ApiSecurity::new(&Config {
            app_id: s("appid"),
            algorithm: Algorithm::Aes256GcmRsaSha256,
            symmetric_key: s("symmetric_key"),
            symmetric_key_sn: s("symmetric_key_sn"),
            private_key: s("private_key"),
            private_key_sn: s("private_key_sn"),
            platform_certificates: vec![(s("platform_certificate_sn"), s("platform_certificate"))],
            max_skew_seconds: 300,
        })
        .unwrap();
        let headers: Vec<(String, String)> = v["response"]["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, x)| (k.clone(), x.as_str().unwrap().to_string()))
            .collect();
        let now = v["response"]["headers"]["Wechatmp-TimeStamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        Vector {
            sec,
            url: s("url"),
            headers,
            body: v["response"]["body"].as_str().unwrap().to_string(),
            now,
            answer: v["response"]["answer"].clone(),
        }
    })
}

fn documented(e: Error) -> bool {
    check_code(e);
    matches!(
        e,
        Error::MissingField
            | Error::ValidateAppid
            | Error::TimestampWindow
            | Error::UnknownSerial
            | Error::SignatureInvalid
            | Error::MalformedEnvelope
            | Error::AeadOpen
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let v = vector();
    if mode % 2 == 0 {
        let [appid, ts, serial, sig, serial_d, sig_d, body] = fields::<7>(rest);
        let names = [
            "Wechatmp-Appid",
            "Wechatmp-TimeStamp",
            "wechatmp-serial",
            "WECHATMP-SIGNATURE",
            "Wechatmp-Serial-Deprecated",
            "Wechatmp-Signature-Deprecated",
        ];
        let values = [appid, ts, serial, sig, serial_d, sig_d].map(text);
        let headers = Headers::from_pairs(
            names
                .iter()
                .zip(values.iter())
                .filter(|(_, x)| !x.is_empty())
                .map(|(n, x)| (*n, x.as_str())),
        );
        match v.sec.open_response(&v.url, &headers, &text(body), v.now) {
            Ok(opened) => {
                let _: serde_json::Value = serde_json::from_str(&opened.json).unwrap();
            }
            Err(e) => assert!(documented(e), "{e:?}"),
        }
    } else {
        let (offset, flips) = match rest {
            [a, b, flips @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), flips),
            _ => return,
        };
        let drop = mode / 2 % 8; // 0..5 drops that header (in the vector's order), else none
        let mut body = v.body.clone().into_bytes();
        let len = body.len().max(1);
        for (i, f) in flips.iter().enumerate() {
            if let Some(b) = body.get_mut(offset.wrapping_add(i) % len) {
                *b ^= f;
            }
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let headers: Vec<(&str, &str)> = v
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != usize::from(drop))
            .map(|(_, (k, x))| (k.as_str(), x.as_str()))
            .collect();
        let result = v
            .sec
            .open_response(&v.url, &Headers::from_pairs(headers), &body, v.now);
        match result {
            Ok(opened) => {
                assert_eq!(body, v.body, "a changed body was accepted");
                let got: serde_json::Value = serde_json::from_str(&opened.json).unwrap();
                assert_eq!(got, v.answer);
            }
            Err(e) => assert!(documented(e), "{e:?}"),
        }
    }
});
