//! `decryptText`, the hot path of `decryptData`, as a plain N-API function.
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
//!   anything else as UTF-8;
//! - a failure is thrown as an `Error` whose message is "<code> <description>", as napi-rs
//!   throws the other functions' errors; a panic (there are none in the core's decrypt path) is
//!   caught and thrown as an `Error`, never unwound into Node.
#![allow(unsafe_code)] // N-API calls; each block says why it is sound.

use std::ffi::CString;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::sys;
use zeroize::Zeroize;

/// Why a call failed: the message thrown to JS.
type Failure = String;

fn check(status: sys::napi_status) -> Result<(), Failure> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err("expected a string".to_owned())
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
        // The buffer is full: the text may be longer. Ask for its length, then read it whole.
        let mut len = 0usize;
        // SAFETY: a null buffer asks only for the length in bytes (without the NUL).
        check(unsafe {
            sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len)
        })?;
        self.heap = Vec::with_capacity(len + 1);
        // SAFETY: the Vec has len + 1 bytes of capacity; N-API writes at most that many and
        // reports how many text bytes it wrote, which are then initialised.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.heap.as_mut_ptr().cast(),
                len + 1,
                &mut copied,
            )
        })?;
        // SAFETY: see above; copied <= len.
        unsafe { self.heap.set_len(copied.min(len)) };
        Ok(&self.heap)
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

/// `decryptText(sessionKey, encryptedData, iv)`: the body of the callback.
fn decrypt_text(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Result<sys::napi_value, Failure> {
    let mut argc = 3usize;
    let mut argv = [ptr::null_mut(); 3];
    // SAFETY: argv has room for argc values; missing arguments are filled with `undefined`.
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
    let (mut k, mut d, mut i) = (
        Utf8Arg::<64>::new(true),
        Utf8Arg::<2048>::new(false),
        Utf8Arg::<64>::new(false),
    );
    let (key, data, iv) = (
        k.read(env, argv[0])?,
        d.read(env, argv[1])?,
        i.read(env, argv[2])?,
    );
    let text = wxcrypt::decrypt_text(key, data, iv)
        .map_err(|e| format!("{} {}", e.code(), e.description()))?;
    let mut out = ptr::null_mut();
    // SAFETY: the pointer and length describe `text`, which outlives the call; V8 copies it.
    let status = unsafe {
        if text.is_ascii() {
            sys::napi_create_string_latin1(env, text.as_ptr().cast(), text.len() as isize, &mut out)
        } else {
            sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut out)
        }
    };
    if status != sys::Status::napi_ok {
        return Err("cannot create the result string".to_owned());
    }
    Ok(out)
}

unsafe extern "C" fn decrypt_text_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let message = match catch_unwind(AssertUnwindSafe(|| decrypt_text(env, info))) {
        Ok(Ok(value)) => return value,
        Ok(Err(message)) => message,
        Err(_) => "wxcrypt: internal error in decryptText".to_owned(),
    };
    // The messages hold no NUL; a fallback keeps this total.
    let message = CString::new(message).unwrap_or_default();
    // SAFETY: a valid env inside a callback, a NUL-terminated message, no error code.
    unsafe { sys::napi_throw_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

/// Adds `decryptText` to the module's exports.
pub fn register(env: sys::napi_env, exports: sys::napi_value) -> napi::Result<()> {
    let name = c"decryptText";
    let mut function = ptr::null_mut();
    // SAFETY: a valid env and exports object during module initialisation; `name` is
    // NUL-terminated and its length given; the callback has the N-API signature.
    let status = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(decrypt_text_callback),
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
    Err(napi::Error::from_reason("cannot register decryptText"))
}
