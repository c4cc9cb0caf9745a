//! The base64 input policy (private module `base64_input`), through the public functions that
//! use it, against an independent reference decoder (`wxcrypt_fuzz::reference_decode`).
//!
//! The whole input (lossy UTF-8) is one string `s`, tried as the iv, the encryptedData, the
//! session key and the EncodingAESKey. For each, the outcome class must match the reference
//! (-41004 exactly when the reference refuses `s`), and when it decodes, to the same bytes:
//! - iv: CBC lets the iv rewrite the first plaintext block, so the decrypted text shows the
//!   exact 16 bytes the iv decoded to;
//! - encryptedData / session key: the result equals the one for the canonical spelling of the
//!   reference's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxcrypt::{encrypt_data, DataCrypt, Error, MsgCrypt, SessionKey};
use wxcrypt_fuzz::{b64, check_code, reference_decode};

const KEY: [u8; 16] = *b"0123456789abcdef";
/// Two blocks of plaintext: the second block (and the padding) do not depend on the iv.
const PLAIN: &[u8; 20] = b"AAAAAAAAAAAAAAAA{ok}";

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let reference = reference_decode(&s);
    let key = SessionKey::from_bytes(&KEY);
    let crypt = DataCrypt::with_key("wx", key.clone());

    // As the iv.
    let ct = b64(&encrypt_data(&key, &[0; 16], PLAIN));
    let got = crypt.decrypt_raw(&ct, &s);
    if let Err(e) = &got {
        check_code(*e);
    }
    match &reference {
        Err(()) => assert_eq!(got, Err(Error::DecodeBase64), "iv {s:?}"),
        Ok(bytes) if bytes.len() != 16 => assert_eq!(got, Err(Error::IllegalIv), "iv {s:?}"),
        Ok(bytes) => {
            let mut want = PLAIN.to_vec();
            for (w, b) in want.iter_mut().zip(bytes) {
                *w ^= b;
            }
            assert_eq!(
                got,
                Ok(String::from_utf8_lossy(&want).into_owned()),
                "iv {s:?}"
            );
        }
    }

    // As encryptedData.
    let iv = b64(&[7; 16]);
    let got = crypt.decrypt_raw(&s, &iv);
    match &reference {
        Err(()) => assert_eq!(got, Err(Error::DecodeBase64), "encryptedData {s:?}"),
        Ok(bytes) => assert_eq!(
            got,
            crypt.decrypt_raw(&b64(bytes), &iv),
            "encryptedData {s:?}"
        ),
    }
    assert_eq!(
        crypt
            .decrypt_data(&s, &iv)
            .err()
            .map(|e| e == Error::DecodeBase64),
        Some(reference.is_err())
    );

    // As the session key.
    let got = DataCrypt::new("wx", &s);
    match &reference {
        Err(()) => assert_eq!(got.err(), Some(Error::DecodeBase64), "key {s:?}"),
        Ok(bytes) if bytes.len() != 16 => {
            assert_eq!(got.err(), Some(Error::IllegalAesKey), "key {s:?}")
        }
        Ok(bytes) => {
            let got = got.expect("a 16-byte key");
            let canon = DataCrypt::new("wx", &b64(bytes)).expect("canonical key");
            let ct = b64(&encrypt_data(canon.session_key(), &[1; 16], PLAIN));
            assert_eq!(
                got.decrypt_raw(&ct, &b64(&[1; 16])),
                canon.decrypt_raw(&ct, &b64(&[1; 16]))
            );
            assert!(got.decrypt_raw(&ct, &b64(&[1; 16])).is_ok(), "key {s:?}");
            // The rawData signature is over the text as given.
            assert_eq!(got.session_key().expose_base64(), &*s);
        }
    }

    // As the EncodingAESKey: exactly 43 characters that decode to 32 bytes.
    let want_ok = s.len() == 43 && matches!(&reference, Ok(b) if b.len() == 32);
    match MsgCrypt::new("t", &s, "wx") {
        Ok(_) => assert!(want_ok, "EncodingAESKey {s:?}"),
        Err(e) => {
            assert_eq!(e, Error::IllegalEncodingAesKey);
            assert!(!want_ok, "EncodingAESKey {s:?}");
        }
    }
});
