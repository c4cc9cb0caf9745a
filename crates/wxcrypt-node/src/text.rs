//! Strings across the boundary for the hot path (`decryptText`), at the cost of one N-API call
//! per string where napi-rs's `String` makes two (a length query, then a copy into a new zeroed
//! heap buffer).
//!
//! Reading: `napi_get_value_string_utf8` straight into a buffer on the stack; only a string too
//! long for it takes the two-call route into the heap. UTF-8 is lossless: a character above
//! U+007F arrives as the bytes that spell it, which the core's base64 policy refuses (-41004)
//! as it refuses any other non-alphabet character. (A Latin-1 read would turn U+012B into `+`.)
//!
//! Writing: ASCII text (nearly every payload's) is handed to V8 as Latin-1, which it stores as
//! is; anything else as UTF-8.
#![allow(unsafe_code)] // N-API calls; each block says why it is sound.

use std::mem::MaybeUninit;
use std::ptr;

use napi::JsValue;
use napi::{sys, Env, Error, JsString, Result, Status};
use zeroize::Zeroize;

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(Status::StringExpected, "expected a string"))
    }
}

/// A string argument read into a buffer of `N` bytes on the stack (or the heap when longer).
/// The bytes are wiped when it is dropped (one of them is the session key).
pub struct Utf8Arg<const N: usize> {
    stack: [MaybeUninit<u8>; N],
    len: usize,
    heap: Vec<u8>,
}

impl<const N: usize> Utf8Arg<N> {
    pub fn new() -> Self {
        Utf8Arg {
            stack: [MaybeUninit::uninit(); N],
            len: 0,
            heap: Vec::new(),
        }
    }

    /// Reads `value` and returns it as text.
    pub fn read(&mut self, value: &JsString<'_>) -> Result<&str> {
        let v = value.value();
        let mut copied = 0usize;
        // SAFETY: the buffer is N writable bytes; N-API writes at most N bytes (N - 1 of text and
        // a NUL) and reports the text bytes written in `copied`.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                v.env,
                v.value,
                self.stack.as_mut_ptr().cast(),
                N,
                &mut copied,
            )
        })?;
        let bytes: &[u8] = if copied + 1 < N {
            self.len = copied;
            // SAFETY: N-API initialised the first `copied` bytes (copied < N).
            unsafe { std::slice::from_raw_parts(self.stack.as_ptr().cast::<u8>(), copied) }
        } else {
            // The buffer is full: the text may be longer. Ask for its length, then read it whole.
            let mut len = 0usize;
            // SAFETY: a null buffer asks only for the length in bytes (without the NUL).
            check(unsafe {
                sys::napi_get_value_string_utf8(v.env, v.value, ptr::null_mut(), 0, &mut len)
            })?;
            self.heap = Vec::with_capacity(len + 1);
            // SAFETY: the Vec has len + 1 bytes of capacity; N-API writes at most that many and
            // reports how many text bytes it wrote, which are then initialised.
            check(unsafe {
                sys::napi_get_value_string_utf8(
                    v.env,
                    v.value,
                    self.heap.as_mut_ptr().cast(),
                    len + 1,
                    &mut copied,
                )
            })?;
            // SAFETY: see above; copied <= len.
            unsafe { self.heap.set_len(copied.min(len)) };
            &self.heap
        };
        // V8 writes well-formed UTF-8 (lone surrogates become U+FFFD); checked all the same.
        std::str::from_utf8(bytes)
            .map_err(|_| Error::new(Status::StringExpected, "expected a string"))
    }
}

impl<const N: usize> Drop for Utf8Arg<N> {
    fn drop(&mut self) {
        let len = self.len.min(N);
        // SAFETY: the first `len` bytes were initialised by `read`.
        unsafe { std::slice::from_raw_parts_mut(self.stack.as_mut_ptr().cast::<u8>(), len) }
            .zeroize();
        self.heap.zeroize();
    }
}

/// Text to a JS string: Latin-1 when it is ASCII (V8 keeps it as one byte per character without
/// decoding), UTF-8 otherwise.
pub fn to_js_string<'env>(env: &'env Env, text: &str) -> Result<JsString<'env>> {
    if text.is_ascii() {
        env.create_string_latin1(text.as_bytes())
    } else {
        env.create_string(text)
    }
}
