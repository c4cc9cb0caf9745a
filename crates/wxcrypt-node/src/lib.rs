//! The Node.js binding of `wxcrypt`: strings in, a string (or a boolean) out; errors cross as
//! the official numeric code and the core's description in the message (`"-41003 Illegal
//! Buffer"`), and `npm/wxcrypt` turns them into its public shape.
//! No logic lives here.
#![deny(unsafe_code)] // `#[napi]` expands to unsafe FFI code; none is written by hand.
#![allow(missing_docs)] // the public API is documented in npm/wxcrypt/index.d.ts

mod text;

use napi::bindgen_prelude::Object;
use napi::{Env, Error, JsValue, Result, Status};
use napi_derive::napi;
use wxcrypt::{DecryptOptions, Format, MsgCrypt};

/// The error crosses as "<code> <description>", which npm/wxcrypt/lib/api.js turns into a
/// `WXCryptError`.
fn to_js(e: wxcrypt::Error) -> Error {
    Error::new(
        Status::GenericFailure,
        format!("{} {}", e.code(), e.description()),
    )
}

/// Registers the hot paths written as plain N-API functions (see `text`):
/// `decryptText(sessionKey, encryptedData, iv)`, the padding-checked plaintext, for the JS layer
/// to hand to the host's `JSON.parse` and check `watermark.appid` on what it built (the app id
/// never crosses), and `verifyRawDataSignature(rawData, sessionKey, signature)`.
#[napi(module_exports)]
pub fn init(exports: Object<'_>, env: Env) -> Result<()> {
    text::register(env.raw(), exports.raw())
}

#[napi]
pub fn raw_data_signature(raw_data: String, session_key: String) -> String {
    wxcrypt::raw_data_signature(&raw_data, &session_key)
}

#[napi]
pub fn url_signature(token: String, timestamp: String, nonce: String) -> String {
    wxcrypt::url_signature(&token, &timestamp, &nonce)
}

#[napi]
pub fn verify_url_signature(
    token: String,
    timestamp: String,
    nonce: String,
    signature: String,
) -> bool {
    wxcrypt::verify_url_signature(&token, &timestamp, &nonce, &signature)
}

#[napi]
pub fn msg_signature(token: String, timestamp: String, nonce: String, encrypt: String) -> String {
    wxcrypt::msg_signature(&token, &timestamp, &nonce, &encrypt)
}

#[napi]
pub fn verify_msg_signature(
    token: String,
    timestamp: String,
    nonce: String,
    encrypt: String,
    signature: String,
) -> bool {
    wxcrypt::verify_msg_signature(&token, &timestamp, &nonce, &encrypt, &signature)
}

#[napi]
pub fn session_key_signature(session_key: String) -> String {
    wxcrypt::session_key_signature(&session_key)
}

fn msg_crypt(token: &str, encoding_aes_key: &str, app_id: &str) -> Result<MsgCrypt> {
    MsgCrypt::new(token, encoding_aes_key, app_id).map_err(to_js)
}

#[napi]
pub fn msg_check_key(token: String, encoding_aes_key: String, app_id: String) -> Result<()> {
    msg_crypt(&token, &encoding_aes_key, &app_id).map(|_| ())
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn msg_decrypt(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
    body: String,
) -> Result<String> {
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .decrypt_msg(&msg_signature, &timestamp, &nonce, &body)
        .map_err(to_js)
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn msg_decrypt_encrypt(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
    encrypt: Option<String>,
) -> Result<String> {
    // A parsed body without a string `Encrypt` arrives as `undefined`: -40002, as for a raw body.
    let encrypt = encrypt.ok_or(wxcrypt::Error::ParseBody).map_err(to_js)?;
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .decrypt_encrypt(&msg_signature, &timestamp, &nonce, &encrypt)
        .map_err(to_js)
}

/// `random`: a fixed 16-byte prefix, for reproducing vectors in tests only.
#[napi]
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
) -> Result<String> {
    let mc = msg_crypt(&token, &encoding_aes_key, &app_id)?;
    let format = Format::from_name(&envelope)
        .ok_or_else(|| Error::new(Status::InvalidArg, "format must be 'json' or 'xml'"))?;
    match random {
        None => mc.encrypt_msg(&reply, &timestamp, &nonce, format),
        Some(r) => {
            let random: [u8; 16] = r
                .as_bytes()
                .try_into()
                .map_err(|_| Error::new(Status::InvalidArg, "random must be 16 bytes"))?;
            mc.encrypt_msg_with_random(&reply, &timestamp, &nonce, format, &random)
        }
    }
    .map_err(to_js)
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn msg_verify_url(
    token: String,
    encoding_aes_key: String,
    app_id: String,
    signature: String,
    timestamp: String,
    nonce: String,
    echostr: String,
) -> Result<String> {
    msg_crypt(&token, &encoding_aes_key, &app_id)?
        .verify_url(&signature, &timestamp, &nonce, &echostr)
        .map(str::to_owned)
        .map_err(to_js)
}

/// The diagnosis as JSON text (never throws).
#[napi]
#[allow(clippy::too_many_arguments)]
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
