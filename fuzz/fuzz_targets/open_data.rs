//! Open-data decryption with arbitrary inputs.
//!
//! Input: `app_id \xFF session_key \xFF encrypted_data \xFF iv \xFF options \xFF plaintext`.
//! When the `plaintext` field is present (and the key and iv parse), `encrypted_data` is replaced
//! by the encryption of those raw bytes, so the JSON and watermark checks see arbitrary
//! plaintexts rather than only garbage.
//!
//! Properties: nothing panics; every error round-trips through its code and is one the function
//! documents; `decrypt_data`'s text is `decrypt_raw`'s, parses as JSON (serde_json) apart from
//! the documented differences with `JSON.parse`, and its watermark appid is the app id;
//! conversely a plaintext that serde_json reads as an object with the right watermark appid
//! decrypts; `decrypt_data_with` only adds -41005/-41006; `diagnose` says `ok` exactly when
//! `decrypt_data_with` succeeds, and otherwise reports its code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxcrypt::{diagnose, encrypt_data, Cause, DataCrypt, DecryptOptions, Error, SessionKey};
use wxcrypt_fuzz::{b64, check_code, fields, reference_decode, text};

/// serde_json errors where serde_json is stricter than `JSON.parse` (which the crate follows):
/// lone surrogate escapes, numbers beyond f64 (Infinity in JS), nesting beyond 128 levels.
fn known_serde_difference(text: &str, err: &serde_json::Error) -> bool {
    let msg = err.to_string();
    let surrogate = msg.contains("surrogate") || msg.contains("hex escape");
    let has_surrogate_escape = {
        let lower = text.to_ascii_lowercase();
        [
            "\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf",
        ]
        .iter()
        .any(|p| lower.contains(p))
    };
    (surrogate && has_surrogate_escape)
        || msg.contains("number out of range")
        || msg.contains("recursion limit exceeded")
}

fn options(bytes: &[u8]) -> DecryptOptions {
    let flags = bytes.first().copied().unwrap_or(0);
    let max_age = bytes.get(1).copied().unwrap_or(0);
    DecryptOptions {
        max_age_seconds: (flags & 1 != 0).then_some(u64::from(max_age) * 1000),
        expect_open_id: (flags & 2 != 0).then(|| text(bytes.get(2..).unwrap_or_default())),
        // Never the system clock: runs must be reproducible.
        now: Some(1_477_314_187 + u64::from(flags >> 2) * 997),
    }
}

fuzz_target!(|data: &[u8]| {
    let [app_id, session_key, ed, iv, opts, plaintext] = fields::<6>(data);
    let (app_id, session_key, mut ed, iv) = (text(app_id), text(session_key), text(ed), text(iv));
    let opts = options(opts);
    let with_plaintext = data.iter().filter(|&&b| b == 0xFF).count() >= 5;

    let crypt = match DataCrypt::new(&app_id, &session_key) {
        Ok(c) => c,
        Err(e) => {
            check_code(e);
            assert!(
                matches!(e, Error::DecodeBase64 | Error::IllegalAesKey),
                "{e:?}"
            );
            let diag = diagnose(&app_id, &session_key, &ed, &iv, &opts);
            assert_eq!(diag.cause, Cause::MalformedInput);
            assert_eq!(diag.errcode, e.code());
            return;
        }
    };

    if with_plaintext {
        if let Ok(iv_bytes) = reference_decode(&iv) {
            if let Ok(iv_arr) = <[u8; 16]>::try_from(iv_bytes.as_slice()) {
                let key = SessionKey::from_base64(&session_key).expect("parsed above");
                ed = b64(&encrypt_data(&key, &iv_arr, plaintext));
                let raw = crypt
                    .decrypt_raw(&ed, &iv)
                    .expect("own encryption decrypts");
                assert_eq!(raw, String::from_utf8_lossy(plaintext));
            }
        }
    }

    let diag = diagnose(&app_id, &session_key, &ed, &iv, &opts);
    assert!(diag.errcode == 0 || Error::from_code(diag.errcode).is_some());
    let raw = crypt.decrypt_raw(&ed, &iv);
    let plain = crypt.decrypt_data(&ed, &iv);
    let with = crypt.decrypt_data_with(&ed, &iv, &opts);
    for e in [
        &raw.as_ref().err(),
        &plain.as_ref().err(),
        &with.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        check_code(**e);
    }

    match &raw {
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::DecodeBase64 | Error::IllegalIv | Error::IllegalBuffer
                ),
                "{e:?}"
            );
            assert_eq!(plain.as_ref().err(), Some(e));
            assert_eq!(with.as_ref().err(), Some(e));
        }
        Ok(text) => {
            if let Err(e) = &plain {
                assert_eq!(*e, Error::IllegalBuffer);
            }
            // Conversely: what serde_json reads as an object carrying our watermark decrypts.
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                let appid = v
                    .as_object()
                    .and_then(|o| o.get("watermark"))
                    .and_then(|w| w.as_object())
                    .and_then(|w| w.get("appid"))
                    .and_then(|a| a.as_str());
                if appid == Some(app_id.as_str()) {
                    assert!(plain.is_ok(), "serde_json accepts the payload: {text:?}");
                }
            }
        }
    }

    match &plain {
        Ok(od) => {
            let text = raw.as_ref().expect("decrypt_data implies decrypt_raw");
            assert_eq!(od.as_str(), text);
            assert_eq!(od.watermark().appid, app_id);
            match serde_json::from_str::<serde_json::Value>(od.as_str()) {
                Ok(v) => {
                    let wm = &v["watermark"];
                    assert_eq!(wm["appid"].as_str(), Some(app_id.as_str()), "{text:?}");
                    if let Some(ts) = wm["timestamp"].as_f64() {
                        // serde_json's default float parser is not always correctly rounded
                        // (1.5e46 reads as 1.4999999999999999e46), the crate's is: allow an ulp.
                        let got = od.watermark().timestamp.expect("a numeric timestamp");
                        assert!(
                            got == ts || (got - ts).abs() <= ts.abs() * 4.0 * f64::EPSILON,
                            "{got} vs {ts}: {text:?}"
                        );
                    }
                }
                Err(e) => assert!(known_serde_difference(od.as_str(), &e), "{e}: {text:?}"),
            }
            match &with {
                Ok(w) => assert_eq!(w.as_str(), od.as_str()),
                Err(e) => assert!(matches!(e, Error::Expired | Error::OpenIdMismatch), "{e:?}"),
            }
        }
        Err(e) => assert_eq!(with.as_ref().err(), Some(e)),
    }

    match &with {
        Ok(_) => {
            assert_eq!(diag.cause, Cause::Ok);
            assert_eq!(diag.errcode, 0);
        }
        Err(e) => {
            assert_ne!(diag.cause, Cause::Ok);
            assert_eq!(diag.errcode, e.code());
        }
    }
    let secret = session_key.trim();
    if secret.len() >= 16
        && !app_id.contains(secret)
        && !diag.found_appid.as_deref().unwrap_or("").contains(secret)
    {
        assert!(
            !diag.hint.contains(secret),
            "the hint shows the session key"
        );
        assert!(
            !diag.to_json().contains(secret),
            "the diagnosis shows the session key"
        );
    }
});
