//! The hot paths, `decryptText` (of `decryptData`) and `verifyRawDataSignature`, as plain N-API
//! functions.
//!
//! Everything else in this crate goes through napi-rs's `#[napi]`, whose generated callback
//! sets up a borrow scope (a mutex and an `Arc`) on every call and reads each string argument
//! with two N-API calls (a length query, then a copy into a new zeroed heap buffer): together
//! about a fifth of a ~400 B decryption. Here:
//!
//! - each argument is read with one `napi_get_value_string_utf8` straight into a buffer on the
//!   stack; only a value too long for it takes the two-call route into the heap. UTF-8 is
//!   lossless: a character above U+007F arrives as the bytes that spell it, which the core's
//!   base64 policy refuses (-41004) as it refuses any other non-alphabet byte. (A Latin-1 read
//!   would turn U+012B into `+`.) The core takes the bytes as they are, with no UTF-8 check;
//! - ASCII text (nearly every payload's) is handed to V8 as Latin-1, which it copies as is;
//!   anything else as UTF-16;
//! - a failure is thrown as an `Error` with the same fields as the `#[napi]` functions' errors
//!   (`code`: the official name, `message`: the core's description, from
//!   [`wxcrypt::host::HostError`]); a panic (there are none in the core's decrypt path) is caught
//!   and thrown as an `Error`, never unwound into Node.
#![allow(unsafe_code)] // N-API calls; each block says why it is sound.

use std::ffi::CString;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::sys;
use wxcrypt::host::HostError;
use zeroize::Zeroize;

/// Why a call failed: the `code` and `message` thrown to JS.
type Failure = HostError;

/// A JS value N-API could not read as a string (the JS layer checks types first).
const NOT_A_STRING: HostError = HostError::invalid_arg("expected a string");

fn check(status: sys::napi_status) -> Result<(), Failure> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(NOT_A_STRING)
    }
}

/// A string argument read as UTF-8 into a buffer of `N` bytes on the stack (or the heap when
/// longer). A secret's bytes (the session key) are wiped when it is dropped.
struct Utf8Arg<const N: usize> {
    stack: [MaybeUninit<u8>; N],
    len: usize,
    heap: Vec<u8>,
    secret: bool,
}

impl<const N: usize> Utf8Arg<N> {
    fn new(secret: bool) -> Self {
        Utf8Arg {
            stack: [MaybeUninit::uninit(); N],
            len: 0,
            heap: Vec::new(),
            secret,
        }
    }

    /// Reads `value` (a JS string) and returns its UTF-8 bytes.
    fn read(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<&[u8], Failure> {
        let mut copied = 0usize;
        // SAFETY: the buffer is N writable bytes; N-API writes at most N bytes (N - 1 of text and
        // a NUL) and reports the text bytes written in `copied`.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.stack.as_mut_ptr().cast(),
                N,
                &mut copied,
            )
        })?;
        if copied + 1 < N {
            self.len = copied;
            // SAFETY: N-API initialised the first `copied` bytes (copied < N).
            return Ok(unsafe { std::slice::from_raw_parts(self.stack.as_ptr().cast(), copied) });
        }
        // The buffer is full: the text may be longer. Its length in UTF-16 units costs nothing
        // to ask (V8 stores it); an ASCII string (every valid base64 value) is as many bytes,
        // so one read into that much room completes it.
        let mut units = 0usize;
        // SAFETY: a null buffer asks only for the length.
        check(unsafe {
            sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units)
        })?;
        if self.read_heap(env, value, units + 2)? {
            return Ok(&self.heap);
        }
        // Not ASCII: the exact UTF-8 length (a scan of the string), then a read of it all.
        let mut len = 0usize;
        // SAFETY: a null buffer asks only for the length in bytes (without the NUL).
        check(unsafe {
            sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len)
        })?;
        self.read_heap(env, value, len + 1)?;
        Ok(&self.heap)
    }

    /// Reads into a new heap buffer of `capacity` bytes: whether the text was read whole.
    fn read_heap(
        &mut self,
        env: sys::napi_env,
        value: sys::napi_value,
        capacity: usize,
    ) -> Result<bool, Failure> {
        if self.secret {
            self.heap.zeroize();
        }
        self.heap = Vec::with_capacity(capacity);
        let mut copied = 0usize;
        // SAFETY: the Vec has `capacity` bytes of room; N-API writes at most that many (text and
        // a NUL) and reports how many text bytes it wrote, which are then initialised.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.heap.as_mut_ptr().cast(),
                capacity,
                &mut copied,
            )
        })?;
        let copied = copied.min(capacity.saturating_sub(1));
        // SAFETY: see above.
        unsafe { self.heap.set_len(copied) };
        Ok(copied + 1 < capacity)
    }
}

impl<const N: usize> Drop for Utf8Arg<N> {
    fn drop(&mut self) {
        if !self.secret {
            return;
        }
        let len = self.len.min(N);
        // SAFETY: the first `len` bytes were initialised by `read`.
        unsafe { std::slice::from_raw_parts_mut(self.stack.as_mut_ptr().cast::<u8>(), len) }
            .zeroize();
        self.heap.zeroize();
    }
}

/// Arguments read by a plain N-API callback (a function of fewer sees `undefined` in the rest).
const ARGC: usize = 4;

/// A function exported as a plain N-API callback: up to [`ARGC`] arguments in, one value out.
trait Fast {
    const NAME: &'static std::ffi::CStr;
    fn call(env: sys::napi_env, argv: [sys::napi_value; ARGC]) -> Result<sys::napi_value, Failure>;
}

/// `decryptText(sessionKey, encryptedData, iv)`.
struct DecryptText;

impl Fast for DecryptText {
    const NAME: &'static std::ffi::CStr = c"decryptText";

    fn call(env: sys::napi_env, argv: [sys::napi_value; ARGC]) -> Result<sys::napi_value, Failure> {
        let (mut k, mut d, mut i) = (
            Utf8Arg::<64>::new(true),
            Utf8Arg::<4096>::new(false),
            Utf8Arg::<64>::new(false),
        );
        let (key, data, iv) = (
            k.read(env, argv[0])?,
            d.read(env, argv[1])?,
            i.read(env, argv[2])?,
        );
        let text = wxcrypt::decrypt_text(key, data, iv)?;
        to_js_string(env, &text)
    }
}

/// `openDataText(sessionKey, encryptedData, iv, appId)`: the plaintext when its padding is valid
/// and it is a JSON object whose `watermark.appid` is `appId`, else `null`
/// ([`wxcrypt::open_data_text`]). Only the shape checks made before decryption throw: a bad
/// padding crosses as data, as any other bad plaintext does, so that `decryptData` does the same
/// work for all of them (no timing oracle).
struct OpenDataText;

impl Fast for OpenDataText {
    const NAME: &'static std::ffi::CStr = c"openDataText";

    fn call(env: sys::napi_env, argv: [sys::napi_value; ARGC]) -> Result<sys::napi_value, Failure> {
        let (mut k, mut d, mut i, mut a) = (
            Utf8Arg::<64>::new(true),
            Utf8Arg::<4096>::new(false),
            Utf8Arg::<64>::new(false),
            Utf8Arg::<64>::new(false),
        );
        let (key, data, iv, app_id) = (
            k.read(env, argv[0])?,
            d.read(env, argv[1])?,
            i.read(env, argv[2])?,
            as_str(a.read(env, argv[3])?)?,
        );
        match wxcrypt::open_data_text(key, data, iv, app_id)? {
            Some(text) => to_js_string(env, &text),
            None => {
                let mut out = ptr::null_mut();
                // SAFETY: a valid env inside a callback.
                check(unsafe { sys::napi_get_null(env, &mut out) })?;
                Ok(out)
            }
        }
    }
}

/// `verifyRawDataSignature(rawData, sessionKey, signature)`.
struct VerifyRawDataSignature;

impl Fast for VerifyRawDataSignature {
    const NAME: &'static std::ffi::CStr = c"verifyRawDataSignature";

    fn call(env: sys::napi_env, argv: [sys::napi_value; ARGC]) -> Result<sys::napi_value, Failure> {
        let (mut r, mut k, mut s) = (
            Utf8Arg::<1024>::new(false),
            Utf8Arg::<64>::new(true),
            Utf8Arg::<64>::new(false),
        );
        let (raw, key, sig) = (
            as_str(r.read(env, argv[0])?)?,
            as_str(k.read(env, argv[1])?)?,
            as_str(s.read(env, argv[2])?)?,
        );
        let ok = wxcrypt::verify_raw_data_signature(raw, key, sig);
        let mut out = ptr::null_mut();
        // SAFETY: a valid env inside a callback.
        check(unsafe { sys::napi_get_boolean(env, ok, &mut out) })?;
        Ok(out)
    }
}

/// V8 writes well-formed UTF-8 (a lone surrogate becomes U+FFFD, as in `Buffer.from(s)`).
fn as_str(bytes: &[u8]) -> Result<&str, Failure> {
    std::str::from_utf8(bytes).map_err(|_| NOT_A_STRING)
}

/// Text to a JS string: Latin-1 when it is ASCII (V8 copies the bytes as they are), else UTF-16
/// transcoded here (V8's own UTF-8 decoding of a Chinese payload is the slower of the two:
/// measured on the 64 KB bench payload, creating the string took about a third less time).
fn to_js_string(env: sys::napi_env, text: &str) -> Result<sys::napi_value, Failure> {
    let mut out = ptr::null_mut();
    let status = if text.is_ascii() {
        // SAFETY: the pointer and length describe `text`, which outlives the call; V8 copies it.
        unsafe {
            sys::napi_create_string_latin1(env, text.as_ptr().cast(), text.len() as isize, &mut out)
        }
    } else {
        UTF16.with(|cell| {
            let mut units = cell.take();
            if units.len() < text.len() {
                units.resize(text.len(), 0);
            }
            let n = utf16_into(text, &mut units);
            // SAFETY: as above, for the first `n` units of `units`.
            let status =
                unsafe { sys::napi_create_string_utf16(env, units.as_ptr(), n as isize, &mut out) };
            // Kept for the next call unless a very large payload grew it.
            if units.len() <= 1 << 20 {
                cell.set(units);
            }
            status
        })
    };
    if status != sys::Status::napi_ok {
        return Err(HostError::internal("cannot create the result string"));
    }
    Ok(out)
}

thread_local! {
    /// The UTF-16 of the last non-ASCII result, reused (no allocation, no page faults).
    static UTF16: std::cell::Cell<Vec<u16>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Transcodes `text` into `out` (at least `text.len()` units: UTF-16 never has more units than
/// UTF-8 has bytes) and returns the number of units. ASCII runs go 8 bytes at a time. `text` is
/// valid UTF-8, so every sequence is complete.
fn utf16_into(text: &str, out: &mut [u16]) -> usize {
    let b = text.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if let Some(word) = b.get(i..i + 8) {
            if word.is_ascii() {
                for (o, &c) in out[n..n + 8].iter_mut().zip(word) {
                    *o = u16::from(c);
                }
                i += 8;
                n += 8;
                continue;
            }
        }
        let c = u32::from(b[i]);
        let cont = |k: usize| u32::from(b[i + k] & 0x3F);
        let (cp, len) = match c {
            0..=0x7F => (c, 1),
            0xC0..=0xDF => ((c & 0x1F) << 6 | cont(1), 2),
            0xE0..=0xEF => ((c & 0x0F) << 12 | cont(1) << 6 | cont(2), 3),
            _ => ((c & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3), 4),
        };
        if cp >= 0x1_0000 {
            let v = cp - 0x1_0000;
            out[n] = 0xD800 | (v >> 10) as u16;
            out[n + 1] = 0xDC00 | (v & 0x3FF) as u16;
            n += 2;
        } else {
            out[n] = cp as u16;
            n += 1;
        }
        i += len;
    }
    n
}

unsafe extern "C" fn callback<F: Fast>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let run = || {
        let mut argc = ARGC;
        let mut argv = [ptr::null_mut(); ARGC];
        // SAFETY: argv has room for argc values; missing arguments are filled with `undefined`
        // (which then fails to read as a string: the JS layer checks types first).
        check(unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        })?;
        F::call(env, argv)
    };
    let failure = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(value)) => return value,
        Ok(Err(failure)) => failure,
        Err(_) => HostError::internal("wxcrypt: internal error"),
    };
    // The codes and messages are constants without NUL; a fallback keeps this total.
    let code = CString::new(failure.code()).unwrap_or_default();
    let message = CString::new(failure.message()).unwrap_or_default();
    // SAFETY: a valid env inside a callback; NUL-terminated code and message.
    unsafe { sys::napi_throw_error(env, code.as_ptr(), message.as_ptr()) };
    ptr::null_mut()
}

fn register_one<F: Fast>(env: sys::napi_env, exports: sys::napi_value) -> napi::Result<()> {
    let name = F::NAME;
    let mut function = ptr::null_mut();
    // SAFETY: a valid env and exports object during module initialisation; `name` is
    // NUL-terminated and its length given; the callback has the N-API signature.
    let status = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(callback::<F>),
            ptr::null_mut(),
            &mut function,
        )
    };
    if status == sys::Status::napi_ok {
        // SAFETY: as above.
        let status = unsafe { sys::napi_set_named_property(env, exports, name.as_ptr(), function) };
        if status == sys::Status::napi_ok {
            return Ok(());
        }
    }
    Err(napi::Error::from_reason(format!(
        "cannot register {}",
        name.to_string_lossy()
    )))
}

/// Adds the plain N-API functions to the module's exports.
pub fn register(env: sys::napi_env, exports: sys::napi_value) -> napi::Result<()> {
    register_one::<DecryptText>(env, exports)?;
    register_one::<OpenDataText>(env, exports)?;
    register_one::<VerifyRawDataSignature>(env, exports)
}

#[cfg(test)]
mod tests {
    use super::utf16_into;

    #[test]
    fn utf16_matches_the_standard_library() {
        let mut samples = vec![
            String::new(),
            "ascii only, longer than one word".to_owned(),
            "用户12 user 12 βγ emoji 😀 é\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}"
                .to_owned(),
        ];
        // Every code point class at every offset from a word boundary.
        for c in ['a', 'é', '中', '😀'] {
            for k in 0..17 {
                samples.push(format!("{}{c}{}", "x".repeat(k), "y".repeat(17 - k)));
            }
        }
        for s in samples {
            let mut out = vec![0u16; s.len()];
            let n = utf16_into(&s, &mut out);
            assert_eq!(
                &out[..n],
                s.encode_utf16().collect::<Vec<_>>().as_slice(),
                "{s:?}"
            );
        }
    }
}
