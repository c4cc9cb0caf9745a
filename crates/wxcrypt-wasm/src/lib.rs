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

/// The hot path of `decryptData`: the padding-checked plaintext, for the JS layer to hand to
/// the host's `JSON.parse` and check `watermark.appid` on what it built (the app id never
/// crosses). Its input is the UTF-8 of the session key, the encryptedData and the iv, one after
/// the other at the start of `inputBuffer`, of these lengths. The session key's bytes are wiped
/// after use; a buffer grown past 1 MiB is given back.
#[wasm_bindgen(js_name = decryptTextIn)]
pub fn decrypt_text_in(key_len: usize, data_len: usize, iv_len: usize) -> Result<String> {
    INPUT.with(|cell| {
        let mut buf = cell.take();
        let data_end = key_len.checked_add(data_len);
        let iv_end = data_end.and_then(|e| e.checked_add(iv_len));
        let parts = data_end.zip(iv_end).and_then(|(data_end, iv_end)| {
            Some((
                buf.get(..key_len)?,
                buf.get(key_len..data_end)?,
                buf.get(data_end..iv_end)?,
            ))
        });
        let result = match parts {
            Some((key, data, iv)) => wxcrypt::decrypt_text(key, data, iv).map_err(HostError::from),
            None => Err(HostError::invalid_arg(
                "decryptTextIn: lengths beyond the input buffer",
            )),
        };
        if let Some(key) = buf.get_mut(..key_len) {
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
