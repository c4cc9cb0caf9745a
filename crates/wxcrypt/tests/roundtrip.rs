//! Property tests: random keys, ivs and plaintexts of every padding length survive
//! `encrypt_data` → base64 (every accepted spelling) → `decrypt_raw` / `decrypt_data`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use proptest::prelude::*;
use wxcrypt::{encrypt_data, DataCrypt, Error, SessionKey};

fn spell(bytes: &[u8], how: u8) -> String {
    match how % 5 {
        0 => STANDARD.encode(bytes),
        1 => STANDARD_NO_PAD.encode(bytes),
        2 => URL_SAFE.encode(bytes),
        3 => URL_SAFE_NO_PAD.encode(bytes),
        // Wrapped at 16 columns with indentation, as a PHP literal would be.
        _ => STANDARD
            .encode(bytes)
            .as_bytes()
            .chunks(16)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n    "),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn raw_round_trip(key in any::<[u8; 16]>(), iv in any::<[u8; 16]>(),
                      text in "\\PC{0,80}", how in any::<u8>()) {
        let k = SessionKey::from_bytes(&key);
        let ct = encrypt_data(&k, &iv, text.as_bytes());
        prop_assert_eq!(ct.len() % 16, 0);
        prop_assert!(ct.len() > text.len() && ct.len() <= text.len() + 16);
        let crypt = DataCrypt::new("wxapp", &spell(&key, how)).unwrap();
        let got = crypt.decrypt_raw(&spell(&ct, how / 5), &spell(&iv, how / 25)).unwrap();
        prop_assert_eq!(got, text);
    }

    #[test]
    fn every_padding_length(key in any::<[u8; 16]>(), iv in any::<[u8; 16]>(), extra in 0usize..48) {
        // {"watermark":{"appid":"wx1"},"p":"xxx..."}: lengths cover pad 1..=16 several times.
        let text = format!(r#"{{"watermark":{{"appid":"wx1","timestamp":1}},"p":"{}"}}"#, "x".repeat(extra));
        let k = SessionKey::from_bytes(&key);
        let ct = encrypt_data(&k, &iv, text.as_bytes());
        let crypt = DataCrypt::with_key("wx1", k.clone());
        let data = crypt.decrypt_data(&STANDARD.encode(&ct), &STANDARD.encode(iv)).unwrap();
        prop_assert_eq!(data.as_str(), text.as_str());
        prop_assert_eq!(data.watermark().timestamp, Some(1.0));
        // Another app id, or a truncated ciphertext, fails the one opaque way.
        let other = DataCrypt::with_key("wx2", k);
        prop_assert_eq!(other.decrypt_data(&STANDARD.encode(&ct), &STANDARD.encode(iv)).unwrap_err(), Error::IllegalBuffer);
        prop_assert_eq!(crypt.decrypt_data(&STANDARD.encode(&ct[..ct.len() - 16]), &STANDARD.encode(iv)).unwrap_err(), Error::IllegalBuffer);
    }

    #[test]
    fn arbitrary_text_never_panics(key in "\\PC{0,30}", iv in "\\PC{0,30}", ct in "\\PC{0,200}") {
        let res = DataCrypt::new("wx1", &key).and_then(|c| c.decrypt_data(&ct, &iv));
        if let Err(e) = res {
            prop_assert!(Error::from_code(e.code()).is_some());
        }
    }
}
