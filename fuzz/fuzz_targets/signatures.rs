//! Every signature function, against a reference computation (sha1 / hmac-sha256 of the
//! documented concatenation), and every verifier against its documented acceptance rule
//! (trimmed, hex of the right length, either case).
//!
//! Input: `a \xFF b \xFF c \xFF d \xFF given_signature` (lossy UTF-8).
#![no_main]

use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use wxcrypt::*;
use wxcrypt_fuzz::{expect_verify, fields, hex, text};

fn sha1_sorted(parts: &[&str]) -> String {
    let mut v = parts.to_vec();
    v.sort(); // str ordering is byte ordering
    hex(&Sha1::digest(v.concat().as_bytes()))
}

/// Checks a signature and its verifier: the value is the reference, it verifies as computed and
/// in upper case, and `given` verifies exactly by the documented rule.
fn check(computed: &str, reference: &str, verify: impl Fn(&str) -> bool, given: &str) {
    assert_eq!(computed, reference);
    assert!(computed
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert!(verify(computed));
    assert!(verify(&computed.to_ascii_uppercase()));
    assert!(verify(&format!(" {computed}\n")));
    assert!(!verify(&computed[1..]));
    let mut flipped = computed.as_bytes().to_vec();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    assert!(!verify(core::str::from_utf8(&flipped).expect("hex")));
    assert_eq!(verify(given), expect_verify(computed, given), "{given:?}");
}

fuzz_target!(|data: &[u8]| {
    let [a, b, c, d, given] = fields::<5>(data);
    let (a, b, c, d, given) = (text(a), text(b), text(c), text(d), text(given));

    check(
        &raw_data_signature(&a, &b),
        &hex(&Sha1::digest(format!("{a}{b}").as_bytes())),
        |s| verify_raw_data_signature(&a, &b, s),
        &given,
    );
    check(
        &url_signature(&a, &b, &c),
        &sha1_sorted(&[&a, &b, &c]),
        |s| verify_url_signature(&a, &b, &c, s),
        &given,
    );
    assert_eq!(url_signature(&a, &b, &c), url_signature(&c, &a, &b));
    check(
        &msg_signature(&a, &b, &c, &d),
        &sha1_sorted(&[&a, &b, &c, &d]),
        |s| verify_msg_signature(&a, &b, &c, &d, s),
        &given,
    );
    assert_eq!(msg_signature(&a, &b, &c, &d), msg_signature(&d, &c, &b, &a));
    let mut mac = Hmac::<Sha256>::new_from_slice(a.as_bytes()).expect("any key length");
    mac.update(b"");
    check(
        &session_key_signature(&a),
        &hex(&mac.finalize().into_bytes()),
        |s| verify_session_key_signature(&a, s),
        &given,
    );
});
