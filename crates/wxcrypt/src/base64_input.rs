//! The base64 input policy of spec §2: what the official Node sample decrypts, and a clear error
//! for the rest.
//!
//! - the standard (`+/`) and the URL-safe (`-_`) alphabets, even mixed;
//! - `=` padding optional (at most two, only at the end);
//! - ASCII whitespace (tab, LF, FF, CR, space) ignored; leading and trailing whitespace trimmed;
//! - in a single-line value (no CR or LF), an interior space is a `+` that a form or query
//!   string decoded to a space, and is read as `+`;
//! - anything else, or a length that leaves one dangling character, is an error.
//!
//! Non-zero trailing bits are accepted, as Node's decoder accepts them.

/// Why a base64 value was refused. Carries no input data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Malformed;

const INVALID: u8 = 0xFF;
const SKIP: u8 = 0xFE;
const SPACE: u8 = 0xFD;
const PAD: u8 = 0xFC;

const TABLE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0u8;
    while i < 26 {
        t[(b'A' + i) as usize] = i;
        t[(b'a' + i) as usize] = 26 + i;
        i += 1;
    }
    let mut d = 0u8;
    while d < 10 {
        t[(b'0' + d) as usize] = 52 + d;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'-' as usize] = 62;
    t[b'/' as usize] = 63;
    t[b'_' as usize] = 63;
    t[b'\t' as usize] = SKIP;
    t[b'\n' as usize] = SKIP;
    t[0x0C] = SKIP;
    t[b'\r' as usize] = SKIP;
    t[b' ' as usize] = SPACE;
    t[b'=' as usize] = PAD;
    t
};

fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// Decodes `input` under the policy above, appending the bytes to `out`.
pub(crate) fn decode_into(input: &str, out: &mut Vec<u8>) -> Result<(), Malformed> {
    let bytes = input.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_ws(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_ws(b))
        .map_or(start, |p| p + 1);
    let bytes = &bytes[start..end];
    let single_line = !bytes.iter().any(|&b| b == b'\n' || b == b'\r');

    out.reserve(bytes.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut n: usize = 0; // sextets read
    let mut pads: usize = 0;
    for &b in bytes {
        let mut v = TABLE[b as usize];
        if v == SPACE {
            v = if single_line { 62 } else { SKIP };
        }
        match v {
            SKIP => continue,
            PAD => {
                pads += 1;
                if pads > 2 {
                    return Err(Malformed);
                }
            }
            INVALID => return Err(Malformed),
            _ => {
                if pads > 0 {
                    return Err(Malformed); // data after padding
                }
                acc = (acc << 6) | u32::from(v);
                n += 1;
                if n % 4 == 0 {
                    out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                    acc = 0;
                }
            }
        }
    }
    match n % 4 {
        0 if pads == 0 => Ok(()),
        0 => Err(Malformed), // padding after a complete quantum
        1 => Err(Malformed), // a dangling character carries less than a byte
        2 => {
            out.push((acc >> 4) as u8);
            Ok(())
        }
        _ => {
            out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
            Ok(())
        }
    }
}

/// Decodes into a fresh vector.
pub(crate) fn decode(input: &str) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::new();
    decode_into(input, &mut out)?;
    Ok(out)
}

/// Decodes a value that must be exactly `N` bytes: `Ok(None)` when it decodes to another length.
pub(crate) fn decode_array<const N: usize>(input: &str) -> Result<Option<[u8; N]>, Malformed> {
    // Short fields (keys, ivs): decode on the stack-sized buffer without keeping a Vec around.
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(N + 3));
    decode_into(input, &mut out)?;
    Ok(<[u8; N]>::try_from(out.as_slice()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Result<Vec<u8>, Malformed> {
        decode(s)
    }

    #[test]
    fn alphabets_and_padding() {
        assert_eq!(d("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(d("-_8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(d("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(d("QQ==").unwrap(), b"A");
        assert_eq!(d("QQ=").unwrap(), b"A");
        assert_eq!(d("QQ").unwrap(), b"A");
        assert_eq!(d("").unwrap(), b"");
        assert_eq!(d("  \n ").unwrap(), b"");
    }

    #[test]
    fn whitespace_rules() {
        // multi-line: all whitespace ignored
        assert_eq!(d("QU\n JD").unwrap(), b"ABC");
        // single line: interior spaces were '+'
        assert_eq!(d(" /8= ").unwrap(), d("/8=").unwrap());
        assert_eq!(d("a +8").unwrap(), d("a++8").unwrap());
        assert_eq!(d("QUJD\t").unwrap(), b"ABC");
    }

    #[test]
    fn fail_malformed() {
        for s in [
            "QQ!!",
            "QQ===",
            "Q",
            "QUJDR",
            "QQ==QQ==",
            "QUJD=",
            "%2B",
            "QQ\u{3000}=",
            "é",
        ] {
            assert_eq!(d(s), Err(Malformed), "{s:?}");
        }
    }
}
