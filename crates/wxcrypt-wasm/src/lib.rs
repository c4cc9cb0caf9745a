//! The WebAssembly binding of `wxcrypt` (wasm-bindgen), for edge runtimes (Cloudflare Workers,
//! Vercel Edge, Deno, Bun, browsers) and as the fallback of the Node package: type conversion
//! only. The boundary functions are written once for both bindings by
//! [`wxcrypt::host_boundary!`]; a failure is thrown as a JS `Error` whose `code` is the official
//! name (`"IllegalBuffer"`) and whose `message` is the core's description, as the native addon
//! throws it, and `npm/wxcrypt` reads those fields. Only the input buffer of `decryptText` (the
//! measured fast path) is written here.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // the public API is documented in npm/wxcrypt/index.d.ts

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wxcrypt::host::HostError;
use zeroize::Zeroize;

/// A boundary function's result: the error is the thrown value.
type Result<T> = core::result::Result<T, JsValue>;

/// An `Error` with `code` and `message` set: only the official name and the core's description
/// cross, never the input or a secret.
fn to_js(e: HostError) -> JsValue {
    let error = js_sys::Error::new(e.message());
    // Setting a property of a fresh ordinary object cannot fail.
    let _ = js_sys::Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.code()),
    );
    error.into()
}

wxcrypt::host_boundary!(wasm_bindgen, to_js);

thread_local! {
    /// The arguments of `decryptTextIn`, which the JS layer encodes straight into the module's
    /// memory (`TextEncoder.encodeInto`): wasm-bindgen's string arguments are copied one
    /// character at a time in JS, which took longer than the decryption of a ~400 B payload.
    static INPUT: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Makes room for `len` bytes of input and returns where they go (an offset into the module's
/// memory, valid until the next call into the module).
#[wasm_bindgen(js_name = inputBuffer)]
pub fn input_buffer(len: usize) -> *mut u8 {
    INPUT.with(|cell| {
        let mut buf = cell.take();
        if buf.len() < len {
            buf.resize(len, 0);
        }
        let at = buf.as_mut_ptr();
        cell.set(buf);
        at
    })
}

/// The module's memory, for the JS layer to write `inputBuffer`'s room.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The path of `decryptRaw`: the padding-checked plaintext, with no JSON check. Its input is the UTF-8 of the session key, the encryptedData and the iv, one after
/// the other at the start of `inputBuffer`, of these lengths. The session key's bytes are wiped
/// after use; a buffer grown past 1 MiB is given back.
#[wasm_bindgen(js_name = decryptTextIn)]
pub fn decrypt_text_in(key_len: usize, data_len: usize, iv_len: usize) -> Result<String> {
    with_input([key_len, data_len, iv_len], |[key, data, iv]| {
        wxcrypt::decrypt_text(key, data, iv).map_err(HostError::from)
    })
}

/// The hot path of `decryptData` ([`wxcrypt::open_data_text`]): as `decryptTextIn`, with the app
/// id's UTF-8 after the iv; the plaintext when its padding is valid and it is a JSON object whose
/// `watermark.appid` is the app id, else `undefined`. Only the shape checks made before
/// decryption throw: a bad padding crosses as data, as any other bad plaintext does (no timing
/// oracle).
#[wasm_bindgen(js_name = openDataTextIn)]
pub fn open_data_text_in(
    key_len: usize,
    data_len: usize,
    iv_len: usize,
    app_id_len: usize,
) -> Result<Option<String>> {
    with_input(
        [key_len, data_len, iv_len, app_id_len],
        |[key, data, iv, app_id]| {
            let app_id = core::str::from_utf8(app_id)
                .map_err(|_| HostError::invalid_arg("openDataTextIn: appId is not UTF-8"))?;
            wxcrypt::open_data_text(key, data, iv, app_id).map_err(HostError::from)
        },
    )
}

/// Runs `f` on the `N` values at the start of `inputBuffer`, of these lengths (the first is the
/// session key, whose bytes are wiped after use); a buffer grown past 1 MiB is given back.
fn with_input<const N: usize, T>(
    lens: [usize; N],
    f: impl FnOnce([&[u8]; N]) -> core::result::Result<T, HostError>,
) -> Result<T> {
    INPUT.with(|cell| {
        let mut buf = cell.take();
        let mut parts: [&[u8]; N] = [&[]; N];
        let mut at = 0usize;
        let mut fits = true;
        for (part, &len) in parts.iter_mut().zip(&lens) {
            match at
                .checked_add(len)
                .and_then(|end| Some((end, buf.get(at..end)?)))
            {
                Some((end, bytes)) => {
                    *part = bytes;
                    at = end;
                }
                None => fits = false,
            }
        }
        let result = if fits {
            f(parts)
        } else {
            Err(HostError::invalid_arg("lengths beyond the input buffer"))
        };
        if let Some(key) = buf.get_mut(..lens[0]) {
            key.zeroize();
        }
        if buf.len() <= 1 << 20 {
            cell.set(buf);
        }
        result.map_err(to_js)
    })
}

/// `verifyRawDataSignature(rawData, sessionKey, signature)` (the native addon's is a plain N-API
/// function).
#[wasm_bindgen(js_name = verifyRawDataSignature)]
pub fn verify_raw_data_signature(raw_data: String, session_key: String, signature: String) -> bool {
    wxcrypt::verify_raw_data_signature(&raw_data, &session_key, &signature)
}
