//! The shared public vectors (`vectors/`, a copy of `shared/vectors/`), case by case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde_json::Value;
use wxcrypt::{DataCrypt, Error};

fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(vectors_dir().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k}"))
}

#[test]
fn vendored_vectors_match_shared_ones() {
    // When the project's shared/ folder stands beside the checkout (CI, developers), the copy
    // here must not drift from it.
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors");
    for name in ["wechat-vectors.json", "band-negative-cases.json"] {
        if let Ok(theirs) = std::fs::read(shared.join(name)) {
            assert_eq!(
                std::fs::read(vectors_dir().join(name)).unwrap(),
                theirs,
                "{name} drifted"
            );
        }
    }
}

#[test]
fn data_crypt_vectors() {
    let v = load("wechat-vectors.json");
    let cases = v["data_crypt"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for c in cases {
        let crypt = DataCrypt::new(s(c, "appId"), s(c, "sessionKey")).unwrap();
        let got = crypt.decrypt_data(s(c, "encryptedData"), s(c, "iv"));
        if s(c, "expect") == "ok" {
            let data = got.unwrap();
            assert_eq!(data.as_str(), s(c, "plaintext"));
            assert_eq!(data.watermark().appid, s(c, "appId"));
            assert_eq!(data.watermark().timestamp, Some(1477314187.0));
        } else {
            assert_eq!(got.unwrap_err(), Error::IllegalBuffer, "{}", s(c, "id"));
            // The raw decrypt fails the same way: it is the padding that is wrong.
            assert_eq!(
                crypt
                    .decrypt_raw(s(c, "encryptedData"), s(c, "iv"))
                    .unwrap_err(),
                Error::IllegalBuffer
            );
        }
    }
}

#[test]
fn band_negative_cases() {
    let v = load("band-negative-cases.json");
    let band = load("wechat-vectors.json")["data_crypt"][0].clone();
    let cases = v.as_array().unwrap();
    assert_eq!(cases.len(), 24);
    let (mut ok, mut failed) = (0, 0);
    for c in cases {
        let name = s(c, "name");
        let got = DataCrypt::new(s(c, "appid"), s(c, "sessionKey"))
            .and_then(|crypt| crypt.decrypt_data(s(c, "encryptedData"), s(c, "iv")));
        match s(c, "expect") {
            "ok" => {
                let data = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                let parsed: Value = data.parse().unwrap();
                assert_eq!(parsed["watermark"]["appid"], s(c, "appid"), "{name}");
                if s(c, "encryptedData").len() > 500 {
                    // Cases built from the Band ciphertext.
                    let want = if name == "iv_bitflip_forgery_openid" {
                        s(&band, "plaintext").replace("oGZUI0egBJY1", "EVIL!0egBJY1")
                    } else {
                        s(&band, "plaintext").to_owned()
                    };
                    assert_eq!(data.as_str(), want, "{name}");
                }
                if name == "pt_invalid_utf8_in_string" {
                    assert!(data.as_str().contains('\u{FFFD}'), "{name}");
                }
                ok += 1;
            }
            "error" => {
                let want = c["errcode"].as_i64().unwrap() as i32;
                assert_eq!(got.map(|_| ()).unwrap_err().code(), want, "{name}");
                failed += 1;
            }
            other => panic!("{name}: unknown expectation {other}"),
        }
    }
    assert_eq!((ok, failed), (8, 16));
}

#[test]
fn fail_wrong_key_second_cpp_vector_raw() {
    let v = load("wechat-vectors.json");
    let c = &v["data_crypt"][1];
    let crypt = DataCrypt::new(s(c, "appId"), s(c, "sessionKey")).unwrap();
    assert_eq!(
        crypt
            .decrypt_data(s(c, "encryptedData"), s(c, "iv"))
            .unwrap_err()
            .code(),
        -41003
    );
}

#[test]
fn rawdata_signature_vectors() {
    let v = load("wechat-vectors.json");
    for c in v["rawdata_signature"].as_array().unwrap() {
        let (raw, key, sig) = (s(c, "rawData"), s(c, "sessionKey"), s(c, "signature"));
        assert_eq!(wxcrypt::raw_data_signature(raw, key), sig);
        assert!(wxcrypt::verify_raw_data_signature(raw, key, sig));
        assert!(wxcrypt::verify_raw_data_signature(
            raw,
            key,
            &sig.to_uppercase()
        ));
        assert!(!wxcrypt::verify_raw_data_signature(
            &format!("{raw} "),
            key,
            sig
        ));
        assert!(!wxcrypt::verify_raw_data_signature(raw, key, &sig[..39]));
    }
}

#[test]
fn url_signature_vectors() {
    let v = load("wechat-vectors.json");
    let cases = v["url_signature"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for c in cases {
        let (t, ts, n, sig) = (
            s(c, "token"),
            s(c, "timestamp"),
            s(c, "nonce"),
            s(c, "signature"),
        );
        assert_eq!(wxcrypt::url_signature(t, ts, n), sig);
        // Sorting makes the order of the arguments irrelevant.
        assert_eq!(wxcrypt::url_signature(n, t, ts), sig);
        assert!(wxcrypt::verify_url_signature(t, ts, n, &sig.to_uppercase()));
        assert!(!wxcrypt::verify_url_signature(t, ts, "1", sig));
    }
}

#[test]
fn msg_signature_vectors() {
    let v = load("wechat-vectors.json");
    let cases = v["msg_crypt"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for c in cases {
        let (t, ts, n, e, sig) = (
            s(c, "token"),
            s(c, "timestamp"),
            s(c, "nonce"),
            s(c, "encrypt"),
            s(c, "msg_signature"),
        );
        assert_eq!(wxcrypt::msg_signature(t, ts, n, e), sig, "{}", s(c, "id"));
        assert!(wxcrypt::verify_msg_signature(
            t,
            ts,
            n,
            e,
            &sig.to_uppercase()
        ));
        assert!(!wxcrypt::verify_msg_signature(t, ts, n, &e[1..], sig));
    }
}

#[test]
fn session_key_signature_is_hmac_of_the_key_text() {
    // hmac_sha256(key = "tiihtNczf5v6AKRyjwEUhQ==", message = ""), computed independently with
    // `printf '' | openssl dgst -sha256 -hmac 'tiihtNczf5v6AKRyjwEUhQ=='`.
    let sig = wxcrypt::session_key_signature("tiihtNczf5v6AKRyjwEUhQ==");
    assert_eq!(
        sig,
        "7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735"
    );
    assert!(wxcrypt::verify_session_key_signature(
        "tiihtNczf5v6AKRyjwEUhQ==",
        &sig.to_uppercase()
    ));
    assert!(!wxcrypt::verify_session_key_signature(
        "tiihtNczf5v6AKRyjwEUhQ",
        &sig
    ));
}

#[test]
fn secrets_never_print() {
    let crypt = DataCrypt::new("wx4f4bc4dec97d474b", "tiihtNczf5v6AKRyjwEUhQ==").unwrap();
    let shown = format!("{crypt:?}");
    assert!(!shown.contains("tiihtNczf5v6AKRyjwEUhQ"), "{shown}");
    assert!(shown.contains("<redacted>"));
    for e in [
        Error::IllegalAesKey,
        Error::IllegalIv,
        Error::IllegalBuffer,
        Error::DecodeBase64,
    ] {
        assert_eq!(Error::from_code(e.code()), Some(e));
        if e.code() <= -41001 {
            assert!(e.to_string().starts_with("Illegal Buffer"));
        }
    }
}
