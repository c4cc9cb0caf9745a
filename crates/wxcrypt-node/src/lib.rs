//! The Node.js binding of `wxcrypt`: strings in, a string (or a boolean) out; errors cross as
//! the official numeric code in the message, and `npm/wxcrypt` turns them into its public shape.
//! No logic lives here.
#![deny(unsafe_code)] // `#[napi]` expands to unsafe FFI code; none is written by hand.
#![allow(missing_docs)] // the public API is documented in npm/wxcrypt/index.d.ts

use napi::{Error, Result, Status};
use napi_derive::napi;
use wxcrypt::DataCrypt;

fn to_js(e: wxcrypt::Error) -> Error {
    Error::new(Status::GenericFailure, e.code().to_string())
}

#[napi]
pub fn decrypt_data(
    app_id: String,
    session_key: String,
    encrypted_data: String,
    iv: String,
) -> Result<String> {
    DataCrypt::new(&app_id, &session_key)
        .and_then(|c| c.decrypt_data(&encrypted_data, &iv))
        .map(wxcrypt::OpenData::into_string)
        .map_err(to_js)
}

#[napi]
pub fn decrypt_raw(
    app_id: String,
    session_key: String,
    encrypted_data: String,
    iv: String,
) -> Result<String> {
    DataCrypt::new(&app_id, &session_key)
        .and_then(|c| c.decrypt_raw(&encrypted_data, &iv))
        .map_err(to_js)
}

#[napi]
pub fn raw_data_signature(raw_data: String, session_key: String) -> String {
    wxcrypt::raw_data_signature(&raw_data, &session_key)
}

#[napi]
pub fn verify_raw_data_signature(raw_data: String, session_key: String, signature: String) -> bool {
    wxcrypt::verify_raw_data_signature(&raw_data, &session_key, &signature)
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
