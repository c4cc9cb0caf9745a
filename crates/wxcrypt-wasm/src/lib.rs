//! The WebAssembly binding of `wxcrypt`, for edge runtimes (Cloudflare Workers, Vercel Edge, Deno,
//! Bun, browsers) and as the fallback of the Node package. It mirrors `crates/wxcrypt-node`
//! function for function: the same JS names, the same argument order, strings in, a string (or a
//! boolean) out; a failure is thrown as a JS `Error` (`JsError`) whose message is the official
//! numeric code and the core's description (e.g. `"-41003 Illegal Buffer"`), and
//! `npm/wxcrypt/lib/api.js` turns it into the public error shape.
//! No logic lives here.
#![forbid(unsafe_code)]
#![allow(missing_docs)] // the public API is documented in npm/wxcrypt/index.d.ts

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wxcrypt::{DecryptOptions, Format, MsgCrypt};
use zeroize::Zeroize;

/// Only the numeric code crosses: never the input, never a secret.
/// The error crosses as "<code> <description>", which npm/wxcrypt/lib/api.js turns into a
/// `WXCryptError`.
fn to_js(e: wxcrypt::Error) -> JsError {
    JsError::new(&format!("{} {}", e.code(), e.description()))
}

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
pub fn decrypt_text_in(key_len: usize, data_len: usize, iv_len: usize) -> Result<String, JsError> {
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
            Some((key, data, iv)) => wxcrypt::decrypt_text(key, data, iv).map_err(to_js),
            None => Err(JsError::new(
                "decryptTextIn: lengths beyond the input buffer",
            )),
        };
        if let Some(key) = buf.get_mut(..key_len) {
            key.zeroize();
        }
        if buf.len() <= 1 << 20 {
            cell.set(buf);
        }
        result
    })
}

#[wasm_bindgen(js_name = rawDataSignature)]
pub fn raw_data_signature(raw_data: String, session_key: String) -> String {
    wxcrypt::raw_data_signature(&raw_data, &session_key)
}

#[wasm_bindgen(js_name = verifyRawDataSignature)]
pub fn verify_raw_data_signature(raw_data: String, session_key: String, signature: String) -> bool {
    wxcrypt::verify_raw_data_signature(&raw_data, &session_key, &signature)
}

#[wasm_bindgen(js_name = urlSignature)]
pub fn url_signature(token: String, timestamp: String, nonce: String) -> String {
    wxcrypt::url_signature(&token, &timestamp, &nonce)
}

#[wasm_bindgen(js_name = verifyUrlSignature)]
pub fn verify_url_signature(
    token: String,
    timestamp: String,
    nonce: String,
    signature: String,
) -> bool {
    wxcrypt::verify_url_signature(&token, &timestamp, &nonce, &signature)
}

#[wasm_bindgen(js_name = msgSignature)]
pub fn msg_signature(token: String, timestamp: String, nonce: String, encrypt: String) -> String {
    wxcrypt::msg_signature(&token, &timestamp, &nonce, &encrypt)
}

#[wasm_bindgen(js_name = verifyMsgSignature)]
pub fn verify_msg_signature(
    token: String,
    timestamp: String,
    nonce: String,
    encrypt: String,
    signature: String,
) -> bool {
    wxcrypt::verify_msg_signature(&token, &timestamp, &nonce, &encrypt, &signature)
}

#[wasm_bindgen(js_name = sessionKeySignature)]
pub fn session_key_signature(session_key: String) -> String {
    wxcrypt::session_key_signature(&session_key)
}

fn msg_crypt(token: &str, encoding_aes_key: &str, app_id: &str) -> Result<MsgCrypt, JsError> {
    MsgCrypt::new(token, encoding_aes_key, app_id).map_err(to_js)
}

#[wasm_bindgen(js_name = msgCheckKey)]
pub fn msg_check_key(
    token: String,
    encoding_aes_key: String,
    app_id: String,
) -> Result<(), JsError> {
    msg_crypt(&token, &encoding_aes_key, &app_id).map(|_| ())
}

#[wasm_bindgen(js_name = msgDecrypt)]
#[allow(clippy::too_many_arguments)]
pub fn msg_decrypt(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
    body: String,
) -> Result<String, JsError> {
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .decrypt_msg(&msg_signature, &timestamp, &nonce, &body)
        .map_err(to_js)
}

#[wasm_bindgen(js_name = msgDecryptEncrypt)]
#[allow(clippy::too_many_arguments)]
pub fn msg_decrypt_encrypt(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
    encrypt: Option<String>,
) -> Result<String, JsError> {
    // A parsed body without a string `Encrypt` arrives as `undefined`: -40002, as for a raw body.
    let encrypt = encrypt.ok_or(wxcrypt::Error::ParseBody).map_err(to_js)?;
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .decrypt_encrypt(&msg_signature, &timestamp, &nonce, &encrypt)
        .map_err(to_js)
}

/// `random`: a fixed 16-byte prefix, for reproducing vectors in tests only; without it the
/// prefix comes from the host's CSPRNG (`crypto.getRandomValues`, through getrandom).
#[wasm_bindgen(js_name = msgEncrypt)]
#[allow(clippy::too_many_arguments)]
pub fn msg_encrypt(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    reply: String,
    timestamp: String,
    nonce: String,
    envelope: String,
    random: Option<String>,
) -> Result<String, JsError> {
    let mc = msg_crypt(&token, &encoding_aes_key, &app_id)?;
    let format = Format::from_name(&envelope)
        .ok_or_else(|| JsError::new("format must be 'json' or 'xml'"))?;
    match random {
        None => mc.encrypt_msg(&reply, &timestamp, &nonce, format),
        Some(r) => {
            let random: [u8; 16] = r
                .as_bytes()
                .try_into()
                .map_err(|_| JsError::new("random must be 16 bytes"))?;
            mc.encrypt_msg_with_random(&reply, &timestamp, &nonce, format, &random)
        }
    }
    .map_err(to_js)
}

#[wasm_bindgen(js_name = msgVerifyUrl)]
#[allow(clippy::too_many_arguments)]
pub fn msg_verify_url(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    signature: String,
    timestamp: String,
    nonce: String,
    echostr: String,
) -> Result<String, JsError> {
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .verify_url(&signature, &timestamp, &nonce, &echostr)
        .map(str::to_owned)
        .map_err(to_js)
}

/// The diagnosis as JSON text (never throws).
#[wasm_bindgen]
pub fn diagnose(
    app_id: String,
    session_key: String,
    encrypted_data: String,
    iv: String,
    max_age_seconds: Option<f64>,
    expect_open_id: Option<String>,
    now: f64,
) -> String {
    let options = DecryptOptions::from_host(max_age_seconds, expect_open_id, now);
    wxcrypt::diagnose(&app_id, &session_key, &encrypted_data, &iv, &options).to_json()
}
