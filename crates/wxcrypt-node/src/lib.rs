//! The Node.js binding of `wxcrypt` (napi-rs): type conversion only. The boundary functions are
//! written once for both bindings by [`wxcrypt::host_boundary!`]; a failure is thrown as an
//! `Error` whose `code` is the official name (`"IllegalBuffer"`) and whose `message` is the
//! core's description, which `npm/wxcrypt` reads as fields. The hot paths (`decryptText`,
//! `verifyRawDataSignature`) are plain N-API functions under the same error contract (`text`).
#![deny(unsafe_code)] // `#[napi]` expands to unsafe FFI code; none is written by hand here.
#![allow(missing_docs)] // the public API is documented in npm/wxcrypt/index.d.ts

mod text;

use napi::bindgen_prelude::Object;
use napi::{Env, JsValue};
use napi_derive::napi;
use wxcrypt::host::HostError;

/// A boundary function's result: the error's status string becomes the thrown error's `code`.
type Result<T> = core::result::Result<T, napi::Error<&'static str>>;

fn to_js(e: HostError) -> napi::Error<&'static str> {
    napi::Error::new(e.code(), e.message())
}

/// Registers the hot paths written as plain N-API functions (see `text`):
/// `decryptText(sessionKey, encryptedData, iv)`, the padding-checked plaintext, for the JS layer
/// to hand to the host's `JSON.parse` and check `watermark.appid` on what it built (the app id
/// never crosses), and `verifyRawDataSignature(rawData, sessionKey, signature)`.
#[napi(module_exports)]
pub fn init(exports: Object<'_>, env: Env) -> napi::Result<()> {
    text::register(env.raw(), exports.raw())
}

wxcrypt::host_boundary!(napi, to_js);
