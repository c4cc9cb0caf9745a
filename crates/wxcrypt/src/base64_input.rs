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
///
/// Canonical padded standard base64 (what WeChat sends) is decoded by `base64-simd` (SSE4.1 /
/// AVX2 / NEON chosen at run time natively, `simd128` in the wasm build). Its strict decoder
/// refuses anything else without writing to `out`'s length, and every value it accepts the
/// policy accepts with the same bytes, so the policy decoder behind it sees exactly the inputs
/// that need it (whitespace, URL-safe characters, missing padding, errors).
pub(crate) fn decode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), Malformed> {
    if base64_simd::STANDARD.decode_append(input, out).is_ok() {
        return Ok(());
    }
    decode_policy_into(input, out)
}

/// The policy decoder alone (the fallback of [`decode_into`]).
fn decode_policy_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), Malformed> {
    let bytes = input;
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_ws(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_ws(b))
        .map_or(start, |p| p + 1);
    let bytes = &bytes[start..end];
    // Whether the value is on one line: only a space needs to know, so it is computed on the
    // first space (most values have none).
    let mut single_line: Option<bool> = None;

    // Fast path: whole quanta of four alphabet characters, written straight into a pre-sized
    // buffer. It stops at the first quantum holding anything else (padding, whitespace, a bad
    // byte), and the general loop below takes over from there with the same state it would have
    // had after reading those quanta one character at a time (acc = 0, n % 4 == 0, no pads).
    let base = out.len();
    let quanta = bytes.len() / 4;
    out.resize(base + quanta * 3 + 3, 0);
    let mut done = 0usize; // quanta decoded by the fast path
    for (chunk, dst) in bytes
        .chunks_exact(4)
        .zip(out[base..base + quanta * 3].chunks_exact_mut(3))
    {
        let (a, b, c, d) = (
            TABLE[usize::from(chunk[0])],
            TABLE[usize::from(chunk[1])],
            TABLE[usize::from(chunk[2])],
            TABLE[usize::from(chunk[3])],
        );
        // Alphabet values are < 64; every marker (INVALID, SKIP, SPACE, PAD) is >= 0xFC.
        if (a | b | c | d) >= 64 {
            break;
        }
        let v = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        dst[0] = (v >> 16) as u8;
        dst[1] = (v >> 8) as u8;
        dst[2] = v as u8;
        done += 1;
    }
    out.truncate(base + done * 3);
    let bytes = &bytes[done * 4..];

    let mut acc: u32 = 0;
    let mut n: usize = done * 4; // sextets read
    let mut pads: usize = 0;
    for &b in bytes {
        let mut v = TABLE[b as usize];
        if v == SPACE {
            let one_line = *single_line
                .get_or_insert_with(|| !bytes.iter().any(|&b| b == b'\n' || b == b'\r'));
            v = if one_line { 62 } else { SKIP };
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
                if n.is_multiple_of(4) {
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
pub(crate) fn decode(input: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::new();
    decode_into(input, &mut out)?;
    Ok(out)
}

/// Decodes a value that must be exactly `N` bytes: `Ok(None)` when it decodes to another length.
pub(crate) fn decode_array<const N: usize>(input: &[u8]) -> Result<Option<[u8; N]>, Malformed> {
    // Short fields (keys, ivs) in canonical form decode on the stack, with no allocation. Not in
    // the wasm build: there the allocator is cheap and the ~3 KB of code it adds are not.
    #[cfg(not(target_arch = "wasm32"))]
    if base64_simd::STANDARD.decoded_length(input).ok() == Some(N) {
        use base64_simd::AsOut as _;
        let mut out = [0u8; N];
        if base64_simd::STANDARD
            .decode(input, out.as_mut_slice().as_out())
            .is_ok()
        {
            return Ok(Some(out));
        }
        zeroize::Zeroize::zeroize(&mut out);
    }
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(N + 3));
    decode_into(input, &mut out)?;
    Ok(<[u8; N]>::try_from(out.as_slice()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Result<Vec<u8>, Malformed> {
        decode(s.as_bytes())
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
    fn fast_path_hands_over_at_any_position() {
        use base64::Engine as _;
        let data: Vec<u8> = (0u8..=200).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        for cut in 0..b64.len() {
            let (l, r) = b64.split_at(cut);
            assert_eq!(d(&format!("{l}\n{r}")).unwrap(), data, "newline at {cut}");
            let spaced = format!("{l} {r}");
            // A single-line space reads as '+', so only the multi-line form round-trips; both
            // must agree with the character-by-character reading of the same text.
            if cut > 0 {
                assert_eq!(d(&spaced), d(&spaced.replace(' ', "+")), "space at {cut}");
            }
            assert!(d(&format!("{l}!{r}")).is_err(), "bad byte at {cut}");
            assert!(d(&format!("{l}={r}")).is_err() || r.trim_end_matches('=').is_empty());
        }
    }

    #[test]
    fn simd_path_agrees_with_the_policy_decoder() {
        use base64::Engine as _;
        // Canonical values of every length up to a few SIMD blocks, and each with one byte
        // changed to every value: the two decoders give the same bytes or both refuse.
        for len in 0..200usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
            assert_eq!(d(&b64).unwrap(), data, "len {len}");
            if len % 17 != 0 || b64.is_empty() {
                continue;
            }
            for pos in [0, b64.len() / 2, b64.len() - 1] {
                for c in 0u8..128 {
                    let mut v = b64.clone().into_bytes();
                    v[pos] = c;
                    let s = String::from_utf8(v).unwrap();
                    let mut policy = Vec::new();
                    let want = decode_policy_into(s.as_bytes(), &mut policy).map(|()| policy);
                    assert_eq!(d(&s), want, "{s:?}");
                }
            }
        }
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
