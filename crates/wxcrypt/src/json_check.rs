//! A JSON validator with exactly the grammar of ECMAScript's `JSON.parse`, that also hands back
//! the raw text of chosen top-level members.
//!
//! The plaintext is never turned into a tree here: the bindings hand the validated text to the
//! host's own `JSON.parse` (fast, and exact by construction: key order, numbers, duplicate keys,
//! `__proto__`), and the watermark check only needs two small values. The validator is iterative,
//! so no nesting depth can exhaust the stack.
//!
//! Differences from `serde_json` that matter for parity with `JSON.parse`: lone surrogate escapes
//! (`"\ud800"`) are valid, numbers of any size are valid, and for a duplicated key the last
//! occurrence wins.

/// `s` as a JSON string token (quotes included), as `JSON.stringify` writes it.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text is not what `JSON.parse` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), Invalid> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Invalid> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), Invalid> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Invalid),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        Ok(())
    }

    /// Scans a string starting at its opening quote; returns whether it contains escapes.
    fn string(&mut self) -> Result<bool, Invalid> {
        self.eat(b'"')?;
        let mut escaped = false;
        loop {
            self.i += plain_run(&self.b[self.i..]);
            let Some(c) = self.peek() else {
                return Err(Invalid);
            };
            self.i += 1;
            match c {
                b'"' => return Ok(escaped),
                b'\\' => {
                    escaped = true;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            let hex = self.b.get(self.i + 1..self.i + 5).ok_or(Invalid)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Invalid);
                            }
                            self.i += 5;
                        }
                        _ => return Err(Invalid),
                    }
                }
                0x00..=0x1F => return Err(Invalid),
                _ => {}
            }
        }
    }
}

/// How many leading bytes of `b` a string token can contain with no further look (neither `"`,
/// `\\` nor a control character), counted eight at a time; the byte loop of
/// [`Scanner::string`] takes the rest. Most of a payload's bytes are inside strings, so this is
/// most of the validator's work.
#[inline]
fn plain_run(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero when some byte of `x` is below `n` (n <= 0x80), the classic "hasless" test. It can
    // flag a byte after a true hit (borrows), never a word without one: that is all we ask.
    let has_less = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let mut n = 0;
    while let Some(chunk) = b.get(n..n + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let stop = has_less(w, 0x20)
            | has_less(w ^ (ONES * u64::from(b'"')), 1)
            | has_less(w ^ (ONES * u64::from(b'\\')), 1);
        if stop != 0 {
            break;
        }
        n += 8;
    }
    n
}

/// A JSON string token as it stands in the text (with its quotes).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawString<'a> {
    raw: &'a str,
    escaped: bool,
}

impl RawString<'_> {
    /// Whether the string `JSON.parse` makes of this token equals `s` (UTF-16 unit by unit,
    /// so lone surrogate escapes compare as `JSON.parse` would compare them).
    pub(crate) fn equals(&self, s: &str) -> bool {
        let inner = &self.raw[1..self.raw.len() - 1];
        if !self.escaped {
            return inner == s;
        }
        let mut want = s.encode_utf16();
        let mut got = Utf16Unescape {
            s: inner.as_bytes(),
            i: 0,
            pending: None,
        };
        loop {
            match (got.next(), want.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }

    /// The string value, with lone surrogates replaced by U+FFFD.
    pub(crate) fn to_string_lossy(self) -> String {
        let inner = &self.raw[1..self.raw.len() - 1];
        if !self.escaped {
            return inner.to_owned();
        }
        let units = Utf16Unescape {
            s: inner.as_bytes(),
            i: 0,
            pending: None,
        };
        char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect()
    }
}

/// The UTF-16 code units of a validated JSON string body, escapes resolved.
struct Utf16Unescape<'a> {
    s: &'a [u8],
    i: usize,
    pending: Option<u16>,
}

impl Iterator for Utf16Unescape<'_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        if let Some(u) = self.pending.take() {
            return Some(u);
        }
        let c = *self.s.get(self.i)?;
        if c == b'\\' {
            let e = self.s[self.i + 1];
            self.i += 2;
            return Some(match e {
                b'b' => 0x08,
                b'f' => 0x0C,
                b'n' => 0x0A,
                b'r' => 0x0D,
                b't' => 0x09,
                b'u' => {
                    let hex = &self.s[self.i..self.i + 4];
                    self.i += 4;
                    hex.iter().fold(0u16, |acc, &h| {
                        (acc << 4) | (h as char).to_digit(16).unwrap_or(0) as u16
                    })
                }
                other => u16::from(other), // '"', '\\', '/'
            });
        }
        // One UTF-8 scalar from the (valid UTF-8) text.
        let len = match c {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let ch = core::str::from_utf8(&self.s[self.i..self.i + len])
            .ok()?
            .chars()
            .next()?;
        self.i += len;
        let mut buf = [0u16; 2];
        let units = ch.encode_utf16(&mut buf);
        if units.len() == 2 {
            self.pending = Some(units[1]);
        }
        Some(units[0])
    }
}

/// A top-level member value found by [`object_members`], as raw JSON text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawValue<'a>(pub(crate) &'a str);

impl<'a> RawValue<'a> {
    /// The value as a string token, if it is one.
    pub(crate) fn as_string(self) -> Option<RawString<'a>> {
        if self.0.starts_with('"') {
            Some(RawString {
                raw: self.0,
                escaped: self.0.contains('\\'),
            })
        } else {
            None
        }
    }

    /// The value as `JSON.parse` would read a number, if it is one.
    pub(crate) fn as_f64(self) -> Option<f64> {
        let first = *self.0.as_bytes().first()?;
        if first == b'-' || first.is_ascii_digit() {
            // Rust's parser reads the JSON number grammar (a subset of its own) and saturates
            // to infinity like ECMAScript.
            self.0.parse().ok()
        } else {
            None
        }
    }
}

/// Validates `text` as `JSON.parse` would. When the value is an object, returns for each of `keys`
/// the raw text of the last member with that key (`Ok(None)` when the value is not an object).
pub(crate) fn object_members<'a, const N: usize>(
    text: &'a str,
    keys: [&str; N],
) -> Result<Option<[Option<RawValue<'a>>; N]>, Invalid> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    // `true` = object, `false` = array.
    let mut stack: Vec<bool> = Vec::new();
    let mut found: [Option<RawValue<'a>>; N] = [None; N];
    let mut is_object = false;
    // Which wanted key (if any) the current top-level member has, and where its value starts.
    let mut member: Option<usize> = None;
    let mut value_start = 0usize;

    s.skip_ws();
    'value: loop {
        // Expecting a value.
        if stack.len() == 1 && stack[0] {
            value_start = s.i;
        }
        match s.peek().ok_or(Invalid)? {
            b'{' => {
                s.i += 1;
                if stack.is_empty() {
                    is_object = true;
                }
                stack.push(true);
                s.skip_ws();
                if s.peek() == Some(b'}') {
                    s.i += 1;
                    stack.pop();
                } else {
                    // Expecting a key.
                    key(&mut s, &stack, &keys, &mut member)?;
                    continue 'value;
                }
            }
            b'[' => {
                s.i += 1;
                stack.push(false);
                s.skip_ws();
                if s.peek() == Some(b']') {
                    s.i += 1;
                    stack.pop();
                } else {
                    continue 'value;
                }
            }
            b'"' => {
                s.string()?;
            }
            b't' => s.literal(b"true")?,
            b'f' => s.literal(b"false")?,
            b'n' => s.literal(b"null")?,
            _ => s.number()?,
        }
        // A value has just ended.
        loop {
            if stack.len() == 1 && stack[0] {
                if let Some(k) = member.take() {
                    found[k] = Some(RawValue(&text[value_start..s.i]));
                }
            }
            s.skip_ws();
            let Some(&top) = stack.last() else {
                if s.i != s.b.len() {
                    return Err(Invalid);
                }
                return Ok(is_object.then_some(found));
            };
            match (s.peek(), top) {
                (Some(b','), true) => {
                    s.i += 1;
                    s.skip_ws();
                    key(&mut s, &stack, &keys, &mut member)?;
                    continue 'value;
                }
                (Some(b','), false) => {
                    s.i += 1;
                    s.skip_ws();
                    continue 'value;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    s.i += 1;
                    stack.pop();
                }
                _ => return Err(Invalid),
            }
        }
    }
}

/// Reads `"key" :` and the whitespace after it; notes the key if it is a wanted top-level one.
fn key<const N: usize>(
    s: &mut Scanner<'_>,
    stack: &[bool],
    keys: &[&str; N],
    member: &mut Option<usize>,
) -> Result<(), Invalid> {
    let start = s.i;
    let escaped = s.string()?;
    if stack.len() == 1 {
        let raw = RawString {
            // The scanner only stops on ASCII quotes, so this slice is on char boundaries.
            raw: core::str::from_utf8(&s.b[start..s.i]).map_err(|_| Invalid)?,
            escaped,
        };
        *member = keys.iter().position(|k| raw.equals(k));
    }
    s.skip_ws();
    s.eat(b':')?;
    s.skip_ws();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(t: &str) -> bool {
        object_members(t, []).is_ok()
    }

    #[test]
    fn plain_run_stops_only_at_a_word_holding_a_special_byte() {
        let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        // Every byte value at every position of a 24-byte run of plain bytes, both halves of UTF-8.
        for base in [b'a', 0xE4] {
            for at in 0..24 {
                for v in 0..=255u8 {
                    let mut t = [base; 24];
                    t[at] = v;
                    let n = plain_run(&t);
                    assert_eq!(n % 8, 0);
                    assert!(t[..n].iter().all(|&b| !special(b)), "{v:#x} at {at}");
                    if n + 8 <= t.len() {
                        assert!(t[n..n + 8].iter().any(|&b| special(b)), "{v:#x} at {at}");
                    }
                    assert_eq!(special(v), n <= at && n + 8 <= t.len());
                }
            }
        }
    }

    #[test]
    fn grammar_matches_json_parse() {
        for t in [
            "{}",
            "[]",
            "0",
            "-0",
            "1.5e+300",
            "1e400",
            "\"\\ud800\"",
            " {\"a\" : [1, {\"b\":null}] } ",
            "\"\u{7F}\"",
            "[[[[[[[[[[]]]]]]]]]]",
            "true",
            "\"\\/\"",
        ] {
            assert!(valid(t), "{t}");
        }
        for t in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "\"\t\"",
            "\"\\x\"",
            "\"\\u12\"",
            "{a:1}",
            "'a'",
            "nul",
            "[1] x",
            "\u{FEFF}{}",
            "NaN",
            "{\"a\" 1}",
            "[1 2]",
            "\u{A0}1",
            "{\"a\":1]",
        ] {
            assert!(!valid(t), "{t:?}");
        }
    }

    #[test]
    fn quote_matches_json_stringify() {
        assert_eq!(
            quote("a\"b\\c\n\u{1}\u{1f}é😀"),
            r#""a\"b\\c\n\u0001\u001fé😀""#
        );
        for s in ["", "x", "\u{7f}", "\t\r\u{8}\u{c}"] {
            let q = quote(s);
            let doc = format!("{{\"k\":{q}}}");
            let [v] = object_members(&doc, ["k"]).unwrap().unwrap();
            assert!(v.unwrap().as_string().unwrap().equals(s), "{q}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let t = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
        assert!(valid(&t));
        assert!(!valid(&"[".repeat(1_000_000)));
    }

    #[test]
    fn last_member_wins_and_escapes_resolve() {
        let t = r#"{"w":{"a":"x"},"n":[{"w":1}],"\u0077":{"a":"y"}, "other": 2}"#;
        let [w] = object_members(t, ["w"]).unwrap().unwrap();
        assert_eq!(w.unwrap().0, r#"{"a":"y"}"#);
        let [a] = object_members(w.unwrap().0, ["a"]).unwrap().unwrap();
        assert!(a.unwrap().as_string().unwrap().equals("y"));
        assert!(object_members("[1]", ["w"]).unwrap().is_none());
        let s = RawValue(r#""\ud83d\ude00-\u00e9é""#).as_string().unwrap();
        assert!(s.equals("😀-éé"));
        assert!(!RawValue(r#""\ud800""#)
            .as_string()
            .unwrap()
            .equals("\u{FFFD}"));
        assert_eq!(RawValue("1477314187").as_f64(), Some(1477314187.0));
        assert_eq!(RawValue("1e400").as_f64(), Some(f64::INFINITY));
        assert_eq!(RawValue("\"1\"").as_f64(), None);
    }
}
