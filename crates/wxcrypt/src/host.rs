//! The JavaScript boundary, once for both bindings (`crates/wxcrypt-node`, napi-rs, and
//! `crates/wxcrypt-wasm`, wasm-bindgen): what crosses it, in which shape, and under which
//! argument policy. A binding crate only converts types: it names its attribute macro and its
//! error conversion in one [`host_boundary!`](crate::host_boundary) call, and writes by hand only
//! the fast paths it measured (the native addon's `decryptText`; the wasm module's input buffer).
//!
//! Rust callers do not need this module: the crate's own API ([`crate::DataCrypt`],
//! [`crate::MsgCrypt`], ...) is richer and typed. It is public because the bindings are other
//! crates.
//!
//! Errors cross as data: a [`HostError`] carries the official name (which becomes `err.code` in
//! JS) and the description (`err.message`); the JS layer reads those fields and looks the number
//! up in the table [`policy`] returns, which is [`Error::ALL`]. There is no other copy of the
//! table.

use core::fmt;

use crate::error::Error;
use crate::msg::{Format, MsgCrypt, PushBody};
use crate::DecryptOptions;

/// A failure as it crosses into JavaScript: `code` and `message`, never input data or secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostError {
    code: &'static str,
    message: &'static str,
}

impl HostError {
    /// A value the JS layer should have refused before the call (`ERR_INVALID_ARG_VALUE`, as
    /// Node names a well-typed argument with a wrong value).
    pub const fn invalid_arg(message: &'static str) -> HostError {
        HostError {
            code: "ERR_INVALID_ARG_VALUE",
            message,
        }
    }

    /// A failure that is not the caller's: a panic caught at the boundary, or the JS engine
    /// refusing to make a value (`ERR_WXCRYPT_INTERNAL`).
    pub const fn internal(message: &'static str) -> HostError {
        HostError {
            code: "ERR_WXCRYPT_INTERNAL",
            message,
        }
    }

    /// What becomes `err.code`: the official name ([`Error::name`]) or a Node-style `ERR_*` code.
    pub const fn code(&self) -> &'static str {
        self.code
    }

    /// What becomes `err.message`: [`Error::description`], or the argument problem.
    pub const fn message(&self) -> &'static str {
        self.message
    }
}

impl From<Error> for HostError {
    fn from(e: Error) -> HostError {
        HostError {
            code: e.name(),
            message: e.description(),
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for HostError {}

/// `Result` of a boundary function.
pub type HostResult<T> = core::result::Result<T, HostError>;

/// The largest `maxAgeSeconds` a host accepts (2^32 seconds, about 136 years: any larger value
/// is a unit mistake, not a policy).
pub const MAX_AGE_SECONDS_LIMIT: u64 = 1 << 32;

/// What the JS layer needs of the core, as JSON, read once when the package loads: the error
/// table (every [`Error`] in [`Error::ALL`] order: `name`, `errcode`, `message`) and the
/// open-data policy's constants (`maxFutureSkewSeconds`, `maxAgeSecondsLimit`).
///
/// ```
/// let policy: serde_json::Value = serde_json::from_str(&wxcrypt::host::policy()).unwrap();
/// assert_eq!(policy["errors"][2]["name"], "IllegalBuffer");
/// assert_eq!(policy["errors"][2]["errcode"], -41003);
/// assert_eq!(policy["errors"][2]["message"], "Illegal Buffer");
/// assert_eq!(policy["maxFutureSkewSeconds"], 60);
/// ```
pub fn policy() -> String {
    use crate::json_check::quote;
    // Written by hand, as `Diagnosis::to_json` is: serde_json's `Value` would add ~40 KB to the
    // wasm module for one call at load time.
    let errors: Vec<String> = Error::ALL
        .iter()
        .map(|e| {
            format!(
                r#"{{"name":{},"errcode":{},"message":{}}}"#,
                quote(e.name()),
                e.code(),
                quote(e.description())
            )
        })
        .collect();
    format!(
        r#"{{"errors":[{}],"maxFutureSkewSeconds":{},"maxAgeSecondsLimit":{}}}"#,
        errors.join(","),
        DecryptOptions::MAX_FUTURE_SKEW_SECONDS,
        MAX_AGE_SECONDS_LIMIT
    )
}

/// [`crate::diagnose`] with a host's numbers (`now` from `Date.now()`: wasm32 has no clock), as
/// JSON text. Never fails.
pub fn diagnose(
    app_id: &str,
    session_key: &str,
    encrypted_data: &str,
    iv: &str,
    max_age_seconds: Option<f64>,
    expect_open_id: Option<String>,
    now: f64,
) -> String {
    let options = DecryptOptions::from_host(max_age_seconds, expect_open_id, now);
    crate::diagnose(app_id, session_key, encrypted_data, iv, &options).to_json()
}

/// The object behind a JS `WXBizMsgCrypt`: the key decoded and the AES schedule built once, when
/// the JS object is made, not on every message.
#[derive(Debug)]
pub struct Push {
    crypt: MsgCrypt,
}

impl Push {
    /// [`MsgCrypt::new`].
    pub fn new(token: &str, encoding_aes_key: &str, app_id: &str) -> HostResult<Push> {
        Ok(Push {
            crypt: MsgCrypt::new(token, encoding_aes_key, app_id)?,
        })
    }

    /// [`MsgCrypt::decrypt_body`]: a raw JSON or XML body. Returns `[message, format]`, the
    /// format's [`Format::name`] (the envelope to reply in).
    pub fn decrypt(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> HostResult<Vec<String>> {
        let msg = self
            .crypt
            .decrypt_body(msg_signature, timestamp, nonce, body)?;
        Ok(vec![msg.message, msg.format.name().to_owned()])
    }

    /// As [`Push::decrypt`], for a body a framework already parsed: its string `Encrypt` and
    /// `encrypt` members, if any ([`PushBody::from_fields`]: neither, or two that differ, is
    /// [`Error::ParseBody`], as for a raw body).
    pub fn decrypt_fields(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        upper: Option<&str>,
        lower: Option<&str>,
    ) -> HostResult<Vec<String>> {
        let body = PushBody::from_fields(upper, lower)?;
        let message = self
            .crypt
            .decrypt_encrypt(msg_signature, timestamp, nonce, &body.encrypt)?;
        Ok(vec![message, body.format.name().to_owned()])
    }

    /// [`MsgCrypt::encrypt_msg`] in the envelope named `"json"`, `"xml"` or `"wecom-json"`; `random`, a fixed
    /// 16-byte prefix, reproduces vectors in tests (without it the prefix comes from the CSPRNG).
    pub fn encrypt(
        &self,
        reply: &str,
        timestamp: &str,
        nonce: &str,
        envelope: &str,
        random: Option<&str>,
    ) -> HostResult<String> {
        let format = Format::from_name(envelope).ok_or(HostError::invalid_arg(
            "format must be 'json', 'xml' or 'wecom-json'",
        ))?;
        Ok(match random {
            None => self.crypt.encrypt_msg(reply, timestamp, nonce, format),
            Some(r) => {
                let random: &[u8; 16] = r
                    .as_bytes()
                    .try_into()
                    .map_err(|_| HostError::invalid_arg("random must be 16 bytes"))?;
                self.crypt
                    .encrypt_msg_with_random(reply, timestamp, nonce, format, random)
            }
        }?)
    }

    /// [`MsgCrypt::verify_url`]: `echostr`, when `signature` holds (mini programs, official
    /// accounts).
    pub fn verify_url(
        &self,
        signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> HostResult<String> {
        Ok(self
            .crypt
            .verify_url(signature, timestamp, nonce, echostr)?
            .to_owned())
    }

    /// [`MsgCrypt::verify_url_encrypted`]: WeCom's encrypted `echostr`, decrypted.
    pub fn verify_url_encrypted(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> HostResult<String> {
        Ok(self
            .crypt
            .verify_url_encrypted(msg_signature, timestamp, nonce, echostr)?)
    }
}

/// Writes the boundary functions every binding exports, with the binding's attribute macro
/// (`napi` or `wasm_bindgen`) and its conversion of a [`HostError`] into a thrown JS error, so
/// that the list exists once. The calling crate defines `Result<T>` (its own fallible return
/// type, whose error the conversion returns) before the call.
///
/// It exports `policy`, the signature functions, `diagnose`, and the class `MsgCrypt` (a
/// [`Push`]: constructor `(token, encodingAESKey, appId)`, methods `decrypt`, `decryptFields`,
/// `encrypt`, `verifyUrl`, `verifyUrlEncrypted`). `decryptText` and `verifyRawDataSignature` are each binding's own
/// fast paths.
#[macro_export]
macro_rules! host_boundary {
    ($bind:ident, $to_js:path) => {
        /// `policy()`: [`wxcrypt::host::policy`].
        #[$bind(js_name = "policy")]
        pub fn policy() -> String {
            $crate::host::policy()
        }

        /// `rawDataSignature(rawData, sessionKey)`.
        #[$bind(js_name = "rawDataSignature")]
        pub fn raw_data_signature(raw_data: String, session_key: String) -> String {
            $crate::raw_data_signature(&raw_data, &session_key)
        }

        /// `urlSignature(token, timestamp, nonce)`.
        #[$bind(js_name = "urlSignature")]
        pub fn url_signature(token: String, timestamp: String, nonce: String) -> String {
            $crate::url_signature(&token, &timestamp, &nonce)
        }

        /// `verifyUrlSignature(token, timestamp, nonce, signature)`.
        #[$bind(js_name = "verifyUrlSignature")]
        pub fn verify_url_signature(
            token: String,
            timestamp: String,
            nonce: String,
            signature: String,
        ) -> bool {
            $crate::verify_url_signature(&token, &timestamp, &nonce, &signature)
        }

        /// `msgSignature(token, timestamp, nonce, encrypt)`.
        #[$bind(js_name = "msgSignature")]
        pub fn msg_signature(
            token: String,
            timestamp: String,
            nonce: String,
            encrypt: String,
        ) -> String {
            $crate::msg_signature(&token, &timestamp, &nonce, &encrypt)
        }

        /// `verifyMsgSignature(token, timestamp, nonce, encrypt, signature)`.
        #[$bind(js_name = "verifyMsgSignature")]
        pub fn verify_msg_signature(
            token: String,
            timestamp: String,
            nonce: String,
            encrypt: String,
            signature: String,
        ) -> bool {
            $crate::verify_msg_signature(&token, &timestamp, &nonce, &encrypt, &signature)
        }

        /// `sessionKeySignature(sessionKey)`.
        #[$bind(js_name = "sessionKeySignature")]
        pub fn session_key_signature(session_key: String) -> String {
            $crate::session_key_signature(&session_key)
        }

        /// `diagnose(appId, sessionKey, encryptedData, iv, maxAgeSeconds, expectOpenId, now)`:
        /// JSON text; never throws.
        #[$bind(js_name = "diagnose")]
        pub fn diagnose(
            app_id: String,
            session_key: String,
            encrypted_data: String,
            iv: String,
            max_age_seconds: Option<f64>,
            expect_open_id: Option<String>,
            now: f64,
        ) -> String {
            $crate::host::diagnose(
                &app_id,
                &session_key,
                &encrypted_data,
                &iv,
                max_age_seconds,
                expect_open_id,
                now,
            )
        }

        /// `new MsgCrypt(token, encodingAESKey, appId)`: [`wxcrypt::host::Push`].
        #[$bind]
        pub struct MsgCrypt {
            inner: $crate::host::Push,
        }

        #[$bind]
        impl MsgCrypt {
            /// Decodes the key once; throws `WXBizMsgCrypt_IllegalAesKey`.
            #[$bind(constructor)]
            pub fn new(
                token: String,
                encoding_aes_key: String,
                app_id: String,
            ) -> Result<MsgCrypt> {
                $crate::host::Push::new(&token, &encoding_aes_key, &app_id)
                    .map(|inner| MsgCrypt { inner })
                    .map_err($to_js)
            }

            /// `decrypt(msgSignature, timestamp, nonce, body)`: `[message, format]`.
            #[$bind(js_name = "decrypt")]
            pub fn decrypt(
                &self,
                msg_signature: String,
                timestamp: String,
                nonce: String,
                body: String,
            ) -> Result<Vec<String>> {
                self.inner
                    .decrypt(&msg_signature, &timestamp, &nonce, &body)
                    .map_err($to_js)
            }

            /// `decryptFields(msgSignature, timestamp, nonce, Encrypt?, encrypt?)`:
            /// `[message, format]`.
            #[$bind(js_name = "decryptFields")]
            pub fn decrypt_fields(
                &self,
                msg_signature: String,
                timestamp: String,
                nonce: String,
                upper: Option<String>,
                lower: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .decrypt_fields(
                        &msg_signature,
                        &timestamp,
                        &nonce,
                        upper.as_deref(),
                        lower.as_deref(),
                    )
                    .map_err($to_js)
            }

            /// `encrypt(reply, timestamp, nonce, envelope, random?)`.
            #[$bind(js_name = "encrypt")]
            pub fn encrypt(
                &self,
                reply: String,
                timestamp: String,
                nonce: String,
                envelope: String,
                random: Option<String>,
            ) -> Result<String> {
                self.inner
                    .encrypt(&reply, &timestamp, &nonce, &envelope, random.as_deref())
                    .map_err($to_js)
            }

            /// `verifyUrl(signature, timestamp, nonce, echostr)`.
            #[$bind(js_name = "verifyUrl")]
            pub fn verify_url(
                &self,
                signature: String,
                timestamp: String,
                nonce: String,
                echostr: String,
            ) -> Result<String> {
                self.inner
                    .verify_url(&signature, &timestamp, &nonce, &echostr)
                    .map_err($to_js)
            }

            /// `verifyUrlEncrypted(msgSignature, timestamp, nonce, echostr)`.
            #[$bind(js_name = "verifyUrlEncrypted")]
            pub fn verify_url_encrypted(
                &self,
                msg_signature: String,
                timestamp: String,
                nonce: String,
                echostr: String,
            ) -> Result<String> {
                self.inner
                    .verify_url_encrypted(&msg_signature, &timestamp, &nonce, &echostr)
                    .map_err($to_js)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_lists_every_error_once_in_code_order() {
        let policy: serde_json::Value = serde_json::from_str(&policy()).unwrap();
        let errors = policy["errors"].as_array().unwrap();
        assert_eq!(errors.len(), Error::ALL.len());
        for (row, e) in errors.iter().zip(Error::ALL) {
            assert_eq!(row["name"], e.name());
            assert_eq!(row["errcode"], e.code());
            assert_eq!(row["message"], e.description());
        }
        assert_eq!(policy["maxAgeSecondsLimit"], 4_294_967_296u64);
    }

    #[test]
    fn host_errors_carry_the_official_name_and_description() {
        let e = HostError::from(Error::IllegalBuffer);
        assert_eq!((e.code(), e.message()), ("IllegalBuffer", "Illegal Buffer"));
        let e = HostError::from(Error::ParseBody);
        assert_eq!(e.code(), "WXBizMsgCrypt_ParseXml_Error");
    }

    #[test]
    fn push_argument_policy() {
        let push = Push::new("t", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wx1").unwrap();
        let fmt = push.encrypt("{}", "1", "2", "yaml", None).unwrap_err();
        assert_eq!(fmt.code(), "ERR_INVALID_ARG_VALUE");
        let short = push
            .encrypt("{}", "1", "2", "json", Some("short"))
            .unwrap_err();
        assert_eq!(short.message(), "random must be 16 bytes");
        let none = push.decrypt_fields("s", "1", "2", None, None).unwrap_err();
        assert_eq!(none, HostError::from(Error::ParseBody));
        let bad_key = Push::new("t", "short", "wx1").unwrap_err();
        assert_eq!(bad_key.code(), "WXBizMsgCrypt_IllegalAesKey");
    }
}
