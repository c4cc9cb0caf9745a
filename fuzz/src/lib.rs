//! Helpers shared by the fuzz targets.
//!
//! Inputs are split on the byte 0xFF, which never occurs in UTF-8: a seed file reads as
//! `field1 \xFF field2 \xFF ...`, and each field becomes a `String` (lossily: invalid UTF-8
//! turns into U+FFFD, as a JS host would see it).

use base64::Engine as _;

/// Splits `data` on 0xFF into exactly `N` byte fields (missing ones empty, extra ones joined
/// into the last).
pub fn fields<const N: usize>(data: &[u8]) -> [&[u8]; N] {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = rest;
            break;
        }
        match rest.iter().position(|&b| b == 0xFF) {
            Some(p) => {
                *slot = &rest[..p];
                rest = &rest[p + 1..];
            }
            None => {
                *slot = rest;
                rest = &[];
            }
        }
    }
    out
}

/// A field as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks that an error round-trips through its numeric code.
pub fn check_code(e: wxcrypt::Error) {
    assert_eq!(wxcrypt::Error::from_code(e.code()), Some(e), "{e:?}");
    assert!(!e.to_string().is_empty());
}

/// Standard padded base64.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One of several spellings WeChat clients and transports produce, chosen by `how`.
pub fn b64_spelling(bytes: &[u8], how: u8) -> String {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = match how % 8 {
        0 => STANDARD.encode(bytes),
        1 => URL_SAFE.encode(bytes),
        2 => STANDARD_NO_PAD.encode(bytes),
        3 => URL_SAFE_NO_PAD.encode(bytes),
        // MIME-style lines of 76 with CRLF, and PEM-style lines of 64 with LF.
        4 => wrap(&STANDARD.encode(bytes), 76, "\r\n"),
        5 => wrap(&STANDARD.encode(bytes), 64, "\n"),
        // Surrounding whitespace, a trailing newline.
        6 => format!(" \t{}\n", STANDARD.encode(bytes)),
        // A form decoder turned every interior '+' into a space (single line; a space at either
        // end is trimmed by the policy, so those stay '+').
        _ => {
            let s = STANDARD.encode(bytes);
            let n = s.len();
            s.char_indices()
                .map(|(i, c)| {
                    if c == '+' && i > 0 && i + 1 < n {
                        ' '
                    } else {
                        c
                    }
                })
                .collect()
        }
    };
    s
}

fn wrap(s: &str, width: usize, eol: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / width * eol.len() + eol.len());
    for (i, chunk) in s.as_bytes().chunks(width).enumerate() {
        if i > 0 {
            out.push_str(eol);
        }
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
    }
    out.push_str(eol);
    out
}

/// An independent reading of the base64 input policy (crate docs of `src/base64_input.rs`,
/// spec §2), written from the documentation rather than the implementation:
///
/// - the standard (`+/`) and URL-safe (`-_`) alphabets, even mixed;
/// - `=` optional, at most two, only at the end, never after a complete quantum;
/// - ASCII whitespace (TAB, LF, FF, CR, SPACE) ignored, leading/trailing trimmed;
/// - in a single-line value (no CR/LF), an interior space is a `+`;
/// - anything else, or a dangling single sextet, is an error.
pub fn reference_decode(s: &str) -> Result<Vec<u8>, ()> {
    let is_ws = |c: u8| matches!(c, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    let t = s.as_bytes();
    let Some(first) = t.iter().position(|&c| !is_ws(c)) else {
        return Ok(Vec::new());
    };
    let last = t.iter().rposition(|&c| !is_ws(c)).unwrap_or(first);
    let t = &t[first..=last];
    let single_line = !t.contains(&b'\n') && !t.contains(&b'\r');

    let mut sextets: Vec<u8> = Vec::with_capacity(t.len());
    let mut pads = 0usize;
    for &c0 in t {
        let c = if c0 == b' ' && single_line { b'+' } else { c0 };
        if is_ws(c) {
            continue;
        }
        if c == b'=' {
            pads += 1;
            continue;
        }
        if pads > 0 {
            return Err(()); // data after '='
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err(()),
        };
        sextets.push(v);
    }
    if pads > 2 {
        return Err(());
    }
    match sextets.len() % 4 {
        0 if pads > 0 => return Err(()), // '=' after a complete quantum
        1 => return Err(()),             // a dangling sextet
        _ => {}
    }
    // Bit stream: every sextet adds 6 bits; whole bytes come out, the leftover bits are dropped.
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut nbits = 0u32;
    for v in sextets {
        acc = (acc << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Ok(out)
}

/// Whether `given` should verify against the lowercase hex digest `computed`: the signature is
/// trimmed, then must be hex of the same length, in either case.
pub fn expect_verify(computed: &str, given: &str) -> bool {
    let g = given.trim();
    g.len() == computed.len()
        && g.bytes().all(|b| b.is_ascii_hexdigit())
        && g.eq_ignore_ascii_case(computed)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_decoder_basics() {
        assert_eq!(reference_decode("QQ==").unwrap(), b"A");
        assert_eq!(reference_decode("QQ").unwrap(), b"A");
        assert_eq!(reference_decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(reference_decode("QU\n JD").unwrap(), b"ABC");
        assert_eq!(reference_decode("a +8"), reference_decode("a++8"));
        for bad in ["Q", "QQ===", "QUJD=", "QQ==QQ==", "%2B", "é", "QQ= ="] {
            assert!(reference_decode(bad).is_err(), "{bad}");
        }
        assert_eq!(reference_decode("QQ=\n=").unwrap(), b"A");
    }

    #[test]
    fn spellings_decode() {
        let data: Vec<u8> = (0u8..=255).collect();
        for how in 0..8 {
            assert_eq!(
                reference_decode(&b64_spelling(&data, how)).unwrap(),
                data,
                "{how}"
            );
        }
    }
}
