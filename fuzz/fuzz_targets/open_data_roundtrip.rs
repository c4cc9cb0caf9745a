//! encrypt_data -> base64 (one of several spellings) -> decrypt_raw gives the plaintext back.
//!
//! Input: `key[16] iv[16] spelling[1] plaintext...` (short inputs are zero-extended).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxcrypt::{encrypt_data, DataCrypt, SessionKey};
use wxcrypt_fuzz::{b64, b64_spelling};

fuzz_target!(|data: &[u8]| {
    let mut head = [0u8; 33];
    let n = data.len().min(33);
    head[..n].copy_from_slice(&data[..n]);
    let plaintext = &data[n..];
    let key_bytes: [u8; 16] = head[..16].try_into().expect("16");
    let iv: [u8; 16] = head[16..32].try_into().expect("16");
    let how = head[32];

    let key = SessionKey::from_bytes(&key_bytes);
    let ct = encrypt_data(&key, &iv, plaintext);
    assert_eq!(ct.len(), (plaintext.len() / 16 + 1) * 16);

    // The key and the iv in some spelling too (the key through its own text and a spelling).
    let key_text = b64_spelling(&key_bytes, how >> 3);
    let crypt = DataCrypt::new("wx", &key_text).expect("a 16-byte key in any spelling");
    let ed = b64_spelling(&ct, how);
    let iv_text = b64_spelling(&iv, how.rotate_left(2));
    let got = crypt.decrypt_raw(&ed, &iv_text);
    match core::str::from_utf8(plaintext) {
        Ok(p) => assert_eq!(got.as_deref(), Ok(p)),
        Err(_) => assert_eq!(got, Ok(String::from_utf8_lossy(plaintext).into_owned())),
    }
    // The canonical spelling gives the same answer.
    assert_eq!(
        DataCrypt::with_key("wx", key).decrypt_raw(&b64(&ct), &b64(&iv)),
        got
    );
});
