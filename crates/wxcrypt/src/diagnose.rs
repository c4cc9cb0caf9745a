//! "Why does decryption fail?": a server-side diagnosis of open-data failures, for logs.
//!
//! The client only ever sees one opaque error (no padding oracle). The operator needs to know
//! whether the session key was refreshed by a second `wx.login`, the iv belongs to another
//! request, the transport mangled the base64, or the payload is for another app. This module
//! tells them apart (spec §6) and never includes the session key in what it returns.

use crate::base64_input;
use crate::data::{payload_fields, DataCrypt, DecryptOptions, SessionKey};
use crate::error::Error;

/// The cause a [`Diagnosis`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The data decrypts and passes every check.
    Ok,
    /// The key is not the one the data was encrypted with: typically a second `wx.login`
    /// refreshed the session key.
    SessionKeyMismatch,
    /// The iv belongs to another request: only the first block decrypts to garbage.
    IvMismatch,
    /// The base64 was damaged in transit (spaces, percent-encoding, truncation).
    TransportDamage,
    /// The payload is for another appid, or carries no watermark.
    AppidMismatch,
    /// `watermark.timestamp` is too old (or in the future): only with `max_age_seconds`.
    Expired,
    /// The payload's `openId` is not the session's: only with `expect_open_id`.
    OpenidMismatch,
    /// The plaintext is not a JSON object: use the raw decrypt (e.g. authPrivateMessage).
    NotJson,
    /// An input is not what it should be (a session key or iv that is not base64 of 16 bytes,
    /// an empty ciphertext, characters outside base64).
    MalformedInput,
}

impl Cause {
    /// The cause as a string (`"session_key_mismatch"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Ok => "ok",
            Cause::SessionKeyMismatch => "session_key_mismatch",
            Cause::IvMismatch => "iv_mismatch",
            Cause::TransportDamage => "transport_damage",
            Cause::AppidMismatch => "appid_mismatch",
            Cause::Expired => "expired",
            Cause::OpenidMismatch => "openid_mismatch",
            Cause::NotJson => "not_json",
            Cause::MalformedInput => "malformed_input",
        }
    }
}

/// What [`diagnose`] found. For server logs only: never send it to a client (it is exactly the
/// oracle the opaque error avoids). It never contains the session key.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The cause.
    pub cause: Cause,
    /// A sentence a developer can act on.
    pub hint: String,
    /// The code `decrypt_data` gives for the same input (0 when it succeeds).
    pub errcode: i32,
    /// For transport damage: the repair that makes the data decrypt, if one does.
    pub repair: Option<&'static str>,
    /// For an appid mismatch: the appid the payload names.
    pub found_appid: Option<String>,
    /// The watermark timestamp, when the payload has one.
    pub timestamp: Option<f64>,
}

impl Diagnosis {
    fn new(cause: Cause, errcode: i32, hint: impl Into<String>) -> Diagnosis {
        Diagnosis {
            cause,
            hint: hint.into(),
            errcode,
            repair: None,
            found_appid: None,
            timestamp: None,
        }
    }

    /// The diagnosis as a JSON object text (absent fields left out).
    pub fn to_json(&self) -> String {
        use crate::json_check::quote;
        let mut out = format!(
            r#"{{"cause":"{}","hint":{},"errcode":{}"#,
            self.cause.as_str(),
            quote(&self.hint),
            self.errcode
        );
        if let Some(repair) = self.repair {
            out.push_str(&format!(r#","repair":{}"#, quote(repair)));
        }
        if let Some(appid) = &self.found_appid {
            out.push_str(&format!(r#","found_appid":{}"#, quote(appid)));
        }
        // Whole seconds (what WeChat sends) print as integers; this keeps float formatting out of
        // the wasm binary.
        if let Some(ts) = self
            .timestamp
            .filter(|t| t.fract() == 0.0 && t.abs() < 9_007_199_254_740_992.0)
        {
            out.push_str(&format!(r#","timestamp":{}"#, ts as i64));
        }
        out.push('}');
        out
    }
}

/// A repair of transport damage: what it does, and the function that tries it on a value.
type Repair = (&'static str, fn(&str) -> Option<String>);

/// Repairs of transport damage to try, in order.
const REPAIRS: [Repair; 2] = [
    (
        "percent-decode the value (it was URL-encoded twice, or not decoded)",
        percent_decode,
    ),
    (
        "read spaces as '+' (a form or query-string decoder turned '+' into ' ')",
        spaces_to_plus,
    ),
];

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = core::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn spaces_to_plus(s: &str) -> Option<String> {
    // Only multi-line values keep their spaces as whitespace under the input policy.
    (s.contains(' ') && s.contains(['\n', '\r']))
        .then(|| s.replace(['\n', '\r'], "").replace(' ', "+"))
}

/// Printable text: valid UTF-8 with no control characters other than tab, CR and LF.
fn is_clean(bytes: &[u8]) -> bool {
    core::str::from_utf8(bytes).is_ok_and(|s| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    })
}

/// Printable text cut out of a longer one at byte offsets: [`is_clean`], except that a UTF-8
/// character split at either end (a Chinese nickname across a block boundary) is allowed.
fn is_clean_fragment(bytes: &[u8]) -> bool {
    let lead = bytes
        .iter()
        .take(3)
        .take_while(|&&b| b & 0xC0 == 0x80)
        .count();
    let bytes = &bytes[lead..];
    match core::str::from_utf8(bytes) {
        Ok(_) => is_clean(bytes),
        Err(e) if e.error_len().is_none() => is_clean(&bytes[..e.valid_up_to()]),
        Err(_) => false,
    }
}

/// Diagnoses why `encrypted_data` + `iv` do (or do not) decrypt for `app_id` with `session_key`.
/// Never fails and never panics; see [`Diagnosis`].
///
/// ```
/// use wxcrypt::{diagnose, Cause, DecryptOptions};
/// let d = diagnose("wx4f4bc4dec97d474b", "tiihtNczf5v6AKRyjwEUhQ==", "AAAA", "r7BXXKkLb8qrSNn05n0qiA==", &DecryptOptions::default());
/// assert_eq!(d.cause, Cause::TransportDamage); // 3 bytes: not a multiple of 16
/// assert!(!d.hint.contains("tiihtNczf5v6AKRyjwEUhQ"));
/// ```
pub fn diagnose(
    app_id: &str,
    session_key: &str,
    encrypted_data: &str,
    iv: &str,
    options: &DecryptOptions,
) -> Diagnosis {
    let key = match SessionKey::from_base64(session_key) {
        Ok(k) => k,
        Err(e) => {
            return Diagnosis::new(
                Cause::MalformedInput,
                e.code(),
                "the session key is not base64 of 16 bytes: pass the session_key from jscode2session (24 characters), not the openid or a token",
            )
        }
    };
    let crypt = DataCrypt::with_key(app_id, key);
    match crypt.decrypt_data_with(encrypted_data, iv, options) {
        Ok(data) => {
            let mut d = Diagnosis::new(Cause::Ok, 0, "the data decrypts and passes every check");
            d.timestamp = data.watermark().timestamp;
            d
        }
        Err(err) => diagnose_failure(&crypt, encrypted_data, iv, options, err),
    }
}

fn diagnose_failure(
    crypt: &DataCrypt,
    ed: &str,
    iv: &str,
    options: &DecryptOptions,
    err: Error,
) -> Diagnosis {
    let errcode = err.code();
    // Repairs of transport damage, on either value.
    for (repair, fix) in REPAIRS {
        let (ed2, iv2) = (fix(ed), fix(iv));
        if ed2.is_none() && iv2.is_none() {
            continue;
        }
        let (ed2, iv2) = (ed2.as_deref().unwrap_or(ed), iv2.as_deref().unwrap_or(iv));
        if crypt.decrypt_data_with(ed2, iv2, options).is_ok() {
            let mut d = Diagnosis::new(
                Cause::TransportDamage,
                errcode,
                format!("the base64 was altered in transit; it decrypts after this repair: {repair}. Send encryptedData and iv as JSON body fields, not in a URL or form"),
            );
            d.repair = Some(repair);
            return d;
        }
    }
    let damaged_chars = ed.contains(['%', ' ']) || iv.contains(['%', ' ']);
    let iv_bytes = match base64_input::decode(iv.as_bytes()) {
        Ok(b) if b.len() == 16 => b,
        _ if damaged_chars => {
            return Diagnosis::new(Cause::TransportDamage, errcode, "the iv holds '%' or spaces: it was altered in transit and no simple repair restores it")
        }
        _ => return Diagnosis::new(Cause::MalformedInput, errcode, "the iv is not base64 of 16 bytes: pass the iv that came with this encryptedData"),
    };
    let Ok(ct) = base64_input::decode(ed.as_bytes()) else {
        if let Some(n) = dangling_length(ed) {
            return Diagnosis::new(
                Cause::TransportDamage,
                errcode,
                format!("encryptedData has {n} base64 characters, a length (4k+1) that no whole number of bytes encodes to: it was cut short in transit (check body size limits and URL length)"),
            );
        }
        let hint = if damaged_chars {
            "encryptedData holds '%' or spaces: it was altered in transit and no simple repair restores it"
        } else {
            "encryptedData holds characters outside base64: pass the value the mini program sent, unchanged"
        };
        let cause = if damaged_chars {
            Cause::TransportDamage
        } else {
            Cause::MalformedInput
        };
        return Diagnosis::new(cause, errcode, hint);
    };
    if ct.is_empty() {
        return Diagnosis::new(Cause::MalformedInput, errcode, "encryptedData is empty");
    }
    if ct.len() % 16 != 0 {
        return Diagnosis::new(
            Cause::TransportDamage,
            errcode,
            format!("encryptedData decodes to {} bytes, not a multiple of 16: it was truncated or altered in transit (check body size limits and URL length)", ct.len()),
        );
    }
    let Ok(text) = crypt.decrypt_raw(ed, iv) else {
        if is_cut_short(crypt, &ct, &iv_bytes) {
            return Diagnosis::new(
                Cause::TransportDamage,
                errcode,
                format!("encryptedData decodes to {} bytes that decrypt to clean text but stop before the padding: it was cut short in transit (check body size limits and URL length)", ct.len()),
            );
        }
        return Diagnosis::new(
            Cause::SessionKeyMismatch,
            errcode,
            "the padding does not check out: this session key is not the one the data was encrypted with. A later wx.login refreshed it: decrypt with the session_key of the same login (call wx.checkSession before getting the data, and log in again on failure)",
        );
    };
    // Padding holds. Is the first block the only garbage (another request's iv)?
    let plain = raw_plaintext(crypt, &ct, &iv_bytes);
    let first_clean = is_clean(&plain[..plain.len().min(16)]);
    let rest_clean = plain.len() <= 16 || is_clean_fragment(&plain[16..]);
    if !first_clean && rest_clean && plain.len() > 16 {
        return Diagnosis::new(Cause::IvMismatch, errcode, "only the first 16 bytes decrypt to garbage: the iv belongs to another request. Send the iv that came with this encryptedData");
    }
    if !first_clean && !rest_clean {
        return Diagnosis::new(Cause::SessionKeyMismatch, errcode, "the plaintext is garbage throughout: this session key is not the one the data was encrypted with (a later wx.login refreshed it)");
    }
    let Some(fields) = payload_fields(&text) else {
        return Diagnosis::new(Cause::NotJson, errcode, "the plaintext is not a JSON object: for payloads such as authPrivateMessage's activityId use decryptRaw");
    };
    let Some((appid, timestamp)) = fields.watermark_parts() else {
        return Diagnosis::new(Cause::AppidMismatch, errcode, "the payload carries no watermark with an appid: it was not produced by WeChat for a mini program");
    };
    if !appid.equals(crypt.app_id()) {
        let found = appid.to_string_lossy();
        let mut d = Diagnosis::new(Cause::AppidMismatch, errcode, format!("the payload is for appid {found}, not {}: check which mini program the client belongs to", crypt.app_id()));
        d.found_appid = Some(found);
        d.timestamp = timestamp;
        return d;
    }
    let watermark = crate::data::Watermark {
        appid: crypt.app_id().to_owned(),
        timestamp,
    };
    if options.check_age(&watermark).is_err() {
        let mut d = Diagnosis::new(Cause::Expired, errcode, "watermark.timestamp is outside max_age_seconds (or missing): the client sent old data; have it fetch fresh data");
        d.timestamp = timestamp;
        return d;
    }
    if options.check_open_id(fields.open_id).is_err() {
        return Diagnosis::new(Cause::OpenidMismatch, errcode, "the payload's openId is not the session's openid: the data belongs to another user or was forged (the iv can rewrite the first 16 bytes)");
    }
    Diagnosis::new(
        Cause::MalformedInput,
        errcode,
        "the data fails a check that has no more specific cause",
    )
}

/// The number of base64 characters in `ed` when a length of 4k+1 is its only fault (every
/// character is in an alphabet, `=` or whitespace other than a space, which the policy may read
/// as `+`): what a cut leaves one time in four.
fn dangling_length(ed: &str) -> Option<usize> {
    let is_sextet = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    let only_base64 = ed
        .bytes()
        .all(|b| is_sextet(&b) || matches!(b, b'=' | b'\t' | b'\n' | 0x0C | b'\r'));
    let n = ed.bytes().filter(is_sextet).count();
    (only_base64 && n % 4 == 1).then_some(n)
}

/// Whether whole blocks that fail the padding check are the start of a longer ciphertext: with
/// the right key every block decrypts to clean text (CBC needs only the block before), and only
/// the end, where the padding was, is missing. A wrong key gives garbage throughout.
fn is_cut_short(crypt: &DataCrypt, ct: &[u8], iv: &[u8]) -> bool {
    let Some(last) = ct.len().checked_sub(16).and_then(|i| ct.get(i..)) else {
        return false;
    };
    let Ok(last) = <[u8; 16]>::try_from(last) else {
        return false;
    };
    // One block of padding encrypted after the blocks that arrived makes them decrypt in full
    // (diagnose holds the key; nothing here reaches a client).
    let mut whole = ct.to_vec();
    whole.extend_from_slice(&crate::data::encrypt_data(crypt.session_key(), &last, &[]));
    let plain = raw_plaintext(crypt, &whole, iv);
    // Past the first block, so that another request's iv does not hide the cut; a single block
    // is judged whole.
    let from = if plain.len() > 16 { 16 } else { 0 };
    plain.len() == ct.len() && is_clean_fragment(&plain[from..])
}

/// The unpadded plaintext bytes (padding already known to hold).
fn raw_plaintext(crypt: &DataCrypt, ct: &[u8], iv: &[u8]) -> Vec<u8> {
    crypt
        .session_key()
        .decrypt_raw_bytes(ct, iv)
        .unwrap_or_default()
}
