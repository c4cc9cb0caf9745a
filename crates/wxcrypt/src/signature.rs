//! Signatures (spec §3): lowercase hex SHA-1 / HMAC-SHA256, verified in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use subtle::ConstantTimeEq;

fn hex<const N: usize>(bytes: [u8; N]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * N);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Parses hex of either case into exactly `N` bytes.
fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// Compares a computed digest with a hex signature from the wire, in constant time for any
/// well-formed signature; upper-case hex is accepted.
fn verify<const N: usize>(computed: [u8; N], signature: &str) -> bool {
    match unhex::<N>(signature.trim()) {
        Some(given) => computed.ct_eq(&given).into(),
        None => false,
    }
}

fn sha1_parts(parts: &[&str]) -> [u8; 20] {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

fn sorted_sha1<const N: usize>(mut parts: [&str; N]) -> [u8; 20] {
    parts.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    sha1_parts(&parts)
}

/// getUserInfo's `signature`: `sha1(rawData + session_key)`, the key as its base64 text.
///
/// ```
/// assert_eq!(
///     wxcrypt::raw_data_signature(r#"{"nickName":"Band"}"#, "HyVFkGl5F5OQWJZZaNzBBg=="),
///     wxcrypt::raw_data_signature(r#"{"nickName":"Band"}"#, "HyVFkGl5F5OQWJZZaNzBBg=="),
/// );
/// ```
pub fn raw_data_signature(raw_data: &str, session_key: &str) -> String {
    hex(sha1_parts(&[raw_data, session_key]))
}

/// Checks getUserInfo's `signature` in constant time (either hex case).
pub fn verify_raw_data_signature(raw_data: &str, session_key: &str, signature: &str) -> bool {
    verify(sha1_parts(&[raw_data, session_key]), signature)
}

/// Message-push URL signature: `sha1` of `token`, `timestamp`, `nonce` sorted and joined.
///
/// ```
/// assert_eq!(
///     wxcrypt::url_signature("AAAAA", "1714036504", "1514711492"),
///     "f464b24fc39322e44b38aa78f5edd27bd1441696",
/// );
/// ```
pub fn url_signature(token: &str, timestamp: &str, nonce: &str) -> String {
    hex(sorted_sha1([token, timestamp, nonce]))
}

/// Checks a message-push URL signature in constant time (either hex case).
pub fn verify_url_signature(token: &str, timestamp: &str, nonce: &str, signature: &str) -> bool {
    verify(sorted_sha1([token, timestamp, nonce]), signature)
}

/// Encrypted-message signature: `sha1` of `token`, `timestamp`, `nonce`, `Encrypt` sorted and
/// joined (`Encrypt` as the base64 text received).
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    hex(sorted_sha1([token, timestamp, nonce, encrypt]))
}

/// Checks an encrypted-message signature in constant time (either hex case).
pub fn verify_msg_signature(
    token: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
    signature: &str,
) -> bool {
    verify(sorted_sha1([token, timestamp, nonce, encrypt]), signature)
}

fn session_key_hmac(session_key: &str) -> [u8; 32] {
    // HMAC accepts keys of any length; this cannot fail.
    let mac = match Hmac::<Sha256>::new_from_slice(session_key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable_hmac(),
    };
    mac.finalize().into_bytes().into()
}

#[cold]
fn unreachable_hmac() -> Hmac<Sha256> {
    // `new_from_slice` only fails for fixed-size-key MACs; HMAC takes any key length.
    <Hmac<Sha256> as KeyInit>::new(&Default::default())
}

/// checkSessionKey's `signature`: `hmac_sha256(key = session_key text, message = "")`.
pub fn session_key_signature(session_key: &str) -> String {
    hex(session_key_hmac(session_key))
}

/// Checks a session-key signature in constant time (either hex case).
pub fn verify_session_key_signature(session_key: &str, signature: &str) -> bool {
    verify(session_key_hmac(session_key), signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_case() {
        let d = sha1_parts(&["abc"]);
        assert_eq!(hex(d), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(verify(d, "A9993E364706816ABA3E25717850C26C9CD0D89D"));
        assert!(!verify(d, "a9993e364706816aba3e25717850c26c9cd0d89"));
        assert!(!verify(d, "g9993e364706816aba3e25717850c26c9cd0d89d"));
        assert!(!verify(d, ""));
    }

    #[test]
    fn session_key_hmac_matches_rfc4231_shape() {
        // HMAC-SHA256 with key "key" over the empty message (a well-known value).
        assert_eq!(
            session_key_signature("key"),
            "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0"
        );
    }
}
