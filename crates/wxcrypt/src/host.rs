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
/// open-data policy's constants (`maxFutureSkewSeconds`, `maxAgeSecondsLimit`), and the largest
/// WeChat Pay body the core accepts (`payMaxBodyBytes`: a host skips its own signature check
/// beyond it, the core refusing the body anyway).
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
        r#"{{"errors":[{}],"maxFutureSkewSeconds":{},"maxAgeSecondsLimit":{},"payMaxBodyBytes":{}}}"#,
        errors.join(","),
        DecryptOptions::MAX_FUTURE_SKEW_SECONDS,
        MAX_AGE_SECONDS_LIMIT,
        crate::pay::MAX_BODY_LEN
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

/// A host's timestamp (a JS number of Unix seconds) as `u64`: a whole number in 0..=2^53.
fn host_seconds(name: &'static str, t: f64) -> HostResult<u64> {
    if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t <= 9_007_199_254_740_992.0 {
        Ok(t as u64)
    } else {
        Err(HostError::invalid_arg(name))
    }
}

/// The [`SealOptions`](crate::api_security::SealOptions) of a host's optional `nonce` and `iv`
/// (base64 of 12 bytes).
fn seal_options<'a>(
    nonce: Option<&'a str>,
    iv: Option<&str>,
) -> HostResult<crate::api_security::SealOptions<'a>> {
    use base64::Engine as _;
    let iv = match iv {
        None => None,
        Some(iv) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(iv)
                .ok()
                .and_then(|b| <[u8; 12]>::try_from(b.as_slice()).ok())
                .ok_or(HostError::invalid_arg("iv must be the base64 of 12 bytes"))?,
        ),
    };
    Ok(crate::api_security::SealOptions { nonce, iv })
}

/// A sealed request or answer for a host: `[body, stringToSign, name, value, name, value, ...]`
/// (`stringToSign` empty when the core signed; the headers in WeChat's spelling).
fn sealed_list(sealed: crate::api_security::Sealed, to_sign: String) -> Vec<String> {
    let mut out = vec![sealed.body, to_sign];
    for (n, v) in sealed.headers.to_pairs() {
        out.push(n);
        out.push(v);
    }
    out
}

/// An opened answer for a host: `[text, serial, deprecated]`, `text` the decrypted object as
/// it is (the host's parser builds it and drops `_n`, `_appid`, `_timestamp`), `deprecated`
/// `"1"` when the verifying certificate is the one being retired, else empty.
fn opened_list(opened: crate::api_security::OpenedResponse) -> Vec<String> {
    let dep = if opened.deprecated { "1" } else { "" };
    vec![opened.json, opened.serial, dep.to_owned()]
}

/// The security headers of a host's six values, in the order `Wechatmp-Appid`,
/// `Wechatmp-TimeStamp`, `Wechatmp-Serial`, `Wechatmp-Signature`, `Wechatmp-Serial-Deprecated`,
/// `Wechatmp-Signature-Deprecated` (the host looks the names up in any letter case); a value
/// empty after trimming is a missing header.
fn host_headers(values: Vec<String>) -> HostResult<crate::api_security::Headers> {
    let [appid, timestamp, serial, signature, serial_deprecated, signature_deprecated]: [String;
        6] = values
        .try_into()
        .map_err(|_| HostError::invalid_arg("headers must be the six security header values"))?;
    let value = |v: String| {
        let t = v.trim();
        if t.is_empty() {
            None
        } else if t.len() == v.len() {
            Some(v)
        } else {
            Some(t.to_owned())
        }
    };
    Ok(crate::api_security::Headers {
        appid: value(appid),
        timestamp: value(timestamp),
        serial: value(serial),
        signature: value(signature),
        serial_deprecated: value(serial_deprecated),
        signature_deprecated: value(signature_deprecated),
    })
}

/// Reads a host configuration object (JSON text): string members by name, `maxSkewSeconds`.
struct HostConfig(serde_json::Map<String, serde_json::Value>);

impl HostConfig {
    fn parse(json: &str) -> HostResult<HostConfig> {
        match serde_json::from_str(json) {
            Ok(serde_json::Value::Object(map)) => Ok(HostConfig(map)),
            _ => Err(HostError::invalid_arg(
                "the configuration must be a JSON object",
            )),
        }
    }

    fn string(&self, name: &'static str) -> HostResult<String> {
        match self.0.get(name) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            _ => Err(HostError::invalid_arg(name)),
        }
    }

    fn algorithm(&self) -> HostResult<crate::api_security::Algorithm> {
        Ok(crate::api_security::Algorithm::from_name(
            &self.string("algorithm")?,
        )?)
    }

    fn max_skew(&self) -> HostResult<u64> {
        match self.0.get("maxSkewSeconds") {
            None | Some(serde_json::Value::Null) => {
                Ok(crate::api_security::DEFAULT_MAX_SKEW_SECONDS)
            }
            Some(serde_json::Value::Number(n)) => n
                .as_u64()
                .filter(|&n| n <= MAX_AGE_SECONDS_LIMIT)
                .ok_or(HostError::invalid_arg("maxSkewSeconds")),
            Some(_) => Err(HostError::invalid_arg("maxSkewSeconds")),
        }
    }
}

/// Answers decrypted and checked while the host verifies their signature
/// ([`ApiSecurityHost::open_verify_job`]), by id.
#[derive(Default)]
struct PendingOpens {
    next: u32,
    slots:
        std::collections::HashMap<u32, crate::error::Result<crate::api_security::OpenedResponse>>,
}

/// At most this many answers await their verdict at once (a host that never gives one would
/// otherwise grow the map without bound).
const MAX_PENDING_OPENS: usize = 65_536;

impl PendingOpens {
    fn hold(
        &mut self,
        outcome: crate::error::Result<crate::api_security::OpenedResponse>,
    ) -> HostResult<u32> {
        if self.slots.len() >= MAX_PENDING_OPENS {
            return Err(HostError::internal(
                "too many answers await the verification of their signature",
            ));
        }
        // Never an id still held (after 2^32 opens the counter comes round): the cap leaves a
        // free one within MAX_PENDING_OPENS + 1 steps.
        let mut id = self.next;
        while self.slots.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        self.next = id.wrapping_add(1);
        self.slots.insert(id, outcome);
        Ok(id)
    }
}

impl fmt::Debug for PendingOpens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingOpens")
            .field("len", &self.slots.len())
            .finish()
    }
}

/// The object behind a JS `ApiSecurity` (the app's side of the server-API security mode,
/// [`crate::api_security::ApiSecurity`]): every key parsed and checked once, when the JS object
/// is made.
///
/// The configuration is JSON text: `{ appId, algorithm, symmetricKey, symmetricKeySn,
/// privateKey, privateKeySn, platformCertificates: [{ sn, certificate }], maxSkewSeconds? }`.
/// A member of the wrong type is `ERR_INVALID_ARG_VALUE` (the JS layer checks types first); a
/// key that does not parse is the core's error (`KeyParse`, `KeySize`, `InvalidArgument`).
///
/// ```
/// let config = r#"{"appId":"wx1","algorithm":"SM4_GCM+SM2withSM3"}"#;
/// let e = wxcrypt::host::ApiSecurityHost::new(config).unwrap_err();
/// assert_eq!(e.code(), "ERR_INVALID_ARG_VALUE"); // no symmetricKey
/// ```
#[derive(Debug)]
pub struct ApiSecurityHost {
    inner: crate::api_security::ApiSecurity,
    pending: std::sync::Mutex<PendingOpens>,
}

impl ApiSecurityHost {
    /// Parses the configuration (JSON text) and every key in it.
    pub fn new(config_json: &str) -> HostResult<ApiSecurityHost> {
        let c = HostConfig::parse(config_json)?;
        let certs = match c.0.get("platformCertificates") {
            Some(serde_json::Value::Array(certs)) => certs
                .iter()
                .map(|cert| match (cert.get("sn"), cert.get("certificate")) {
                    (Some(serde_json::Value::String(sn)), Some(serde_json::Value::String(pem))) => {
                        Ok((sn.clone(), pem.clone()))
                    }
                    _ => Err(HostError::invalid_arg("platformCertificates")),
                })
                .collect::<HostResult<Vec<_>>>()?,
            _ => return Err(HostError::invalid_arg("platformCertificates")),
        };
        let config = crate::api_security::Config {
            app_id: c.string("appId")?,
            algorithm: c.algorithm()?,
            symmetric_key: c.string("symmetricKey")?,
            symmetric_key_sn: c.string("symmetricKeySn")?,
            private_key: c.string("privateKey")?,
            private_key_sn: c.string("privateKeySn")?,
            platform_certificates: certs,
            max_skew_seconds: c.max_skew()?,
        };
        Ok(ApiSecurityHost {
            inner: crate::api_security::ApiSecurity::new(&config)?,
            pending: std::sync::Mutex::new(PendingOpens::default()),
        })
    }

    /// The algorithm pair's name.
    pub fn algorithm(&self) -> &'static str {
        self.inner.algorithm().name()
    }

    /// [`ApiSecurity::seal_request`](crate::api_security::ApiSecurity::seal_request): `[body, "",
    /// name, value, ...]` (the security headers in WeChat's spelling). `timestamp` in Unix seconds; `nonce` (`_n`)
    /// and `iv` (base64 of 12 bytes) for vectors, else random.
    pub fn seal_request(
        &self,
        url: &str,
        params_json: &str,
        timestamp: f64,
        nonce: Option<&str>,
        iv: Option<&str>,
    ) -> HostResult<Vec<String>> {
        let ts = host_seconds("timestamp", timestamp)?;
        let sealed = self
            .inner
            .seal_request(url, params_json, ts, &seal_options(nonce, iv)?)?;
        Ok(sealed_list(sealed, String::new()))
    }

    /// [`ApiSecurity::seal_request_unsigned`](crate::api_security::ApiSecurity::seal_request_unsigned):
    /// `[body, stringToSign, name, value, ...]` with no `Wechatmp-Signature`; the host signs
    /// `stringToSign` (RSA-PSS SHA-256 salt 32 with the key of
    /// [`ApiSecurityHost::private_key_pkcs8`]) and sends base64 in `Wechatmp-Signature`.
    pub fn seal_unsigned(
        &self,
        url: &str,
        params_json: &str,
        timestamp: f64,
        nonce: Option<&str>,
        iv: Option<&str>,
    ) -> HostResult<Vec<String>> {
        let ts = host_seconds("timestamp", timestamp)?;
        let (sealed, to_sign) =
            self.inner
                .seal_request_unsigned(url, params_json, ts, &seal_options(nonce, iv)?)?;
        Ok(sealed_list(sealed, to_sign))
    }

    /// [`ApiSecurity::open_response`](crate::api_security::ApiSecurity::open_response):
    /// `headers` the values of `Wechatmp-Appid`, `-TimeStamp`, `-Serial`, `-Signature`,
    /// `-Serial-Deprecated`, `-Signature-Deprecated` in this order (empty: absent), `now` Unix
    /// seconds. Returns `[text, serial, deprecated]`: the answer's text as decrypted (`_n`,
    /// `_appid`, `_timestamp` checked and left in, for the host's parser), the verifying
    /// certificate's 编号, `"1"` when it is the deprecated one (else empty).
    pub fn open_response(
        &self,
        url: &str,
        headers: Vec<String>,
        body: &str,
        now: f64,
    ) -> HostResult<Vec<String>> {
        let now = host_seconds("now", now)?;
        let headers = host_headers(headers)?;
        let opened = self.inner.open_response_text(url, &headers, body, now)?;
        Ok(opened_list(opened))
    }

    /// For a host that verifies the RSA-PSS signature itself
    /// ([`ApiSecurity::open_response_verify_job`](crate::api_security::ApiSecurity::open_response_verify_job)):
    /// every check before the signature (thrown here), then `[id, serial, message, signature,
    /// deprecated]`: the job (the key: [`ApiSecurityHost::platform_public_keys`]; `signature` the
    /// header's base64, checked), with the answer already decrypted and checked and held under
    /// `id` until [`ApiSecurityHost::open_verified`] gives the host's verdict. The host must call
    /// it for every id it receives (with false when it could not verify).
    pub fn open_verify_job(
        &self,
        url: &str,
        headers: Vec<String>,
        body: &str,
        now: f64,
    ) -> HostResult<Vec<String>> {
        let now = host_seconds("now", now)?;
        let headers = host_headers(headers)?;
        let (job, deprecated, outcome) =
            self.inner.open_response_prepare(url, &headers, body, now)?;
        let signature = if deprecated {
            headers.signature_deprecated
        } else {
            headers.signature
        };
        let id = self.pending().hold(outcome)?;
        Ok(vec![
            id.to_string(),
            job.serial,
            job.message,
            signature.unwrap_or_default(),
            if deprecated { "1" } else { "" }.to_owned(),
        ])
    }

    /// The second half of [`ApiSecurityHost::open_verify_job`]: with the host's verdict on the
    /// signature of job `id`, the answer's text as decrypted (`_n`, `_appid`, `_timestamp`
    /// checked and left in, for the host's parser), or the first failure in
    /// [`ApiSecurity::open_response`](crate::api_security::ApiSecurity::open_response)'s order:
    /// `SignatureInvalid` (false), then the body's own error. An unknown `id` is an internal
    /// error.
    pub fn open_verified(&self, id: &str, signature_valid: bool) -> HostResult<String> {
        let outcome = id
            .parse::<u32>()
            .ok()
            .and_then(|id| self.pending().slots.remove(&id))
            .ok_or(HostError::internal(
                "no answer awaits verification under this id",
            ))?;
        if !signature_valid {
            return Err(Error::SignatureInvalid.into());
        }
        Ok(outcome?.json)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, PendingOpens> {
        // A panic while holding the lock cannot leave the map inconsistent: use it as it is.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The held platform RSA keys, validated, as `[[编号, base64 SPKI DER], ...]` for a host that
    /// imports them once (SM2 keys are left out: the core verifies SM2).
    pub fn platform_public_keys(&self) -> HostResult<String> {
        spki_list_json(
            self.inner
                .platform_public_keys()
                .filter_map(|(sn, key)| match key {
                    crate::pki::PublicKey::Rsa(k) => Some((sn, k)),
                    _ => None,
                }),
        )
    }

    /// The validated private key as base64 PKCS#8 DER, for a host that imports it once into
    /// WebCrypto or node:crypto (RSA; an SM2 key too, for hosts that have SM2).
    pub fn private_key_pkcs8(&self) -> HostResult<String> {
        use base64::Engine as _;
        let der = match self.inner.private_key() {
            crate::api_security::SigningKey::Rsa(k) => k.to_pkcs8_der()?,
            crate::api_security::SigningKey::Sm2(k) => k.to_pkcs8_der()?,
        };
        Ok(base64::engine::general_purpose::STANDARD.encode(der.as_slice()))
    }
}

/// The object behind a JS `ApiSecurityPlatform` (WeChat's side, for simulators and tests:
/// [`crate::api_security::Platform`]).
///
/// The configuration is JSON text: `{ appId, algorithm, symmetricKey, symmetricKeySn,
/// appPublicKey (SPKI or certificate PEM), appKeySn, platformPrivateKey, platformSn,
/// deprecated?: { privateKey, sn }, maxSkewSeconds? }`.
#[derive(Debug)]
pub struct ApiSecurityPlatformHost {
    inner: crate::api_security::Platform,
}

impl ApiSecurityPlatformHost {
    /// Parses the configuration (JSON text) and every key in it.
    pub fn new(config_json: &str) -> HostResult<ApiSecurityPlatformHost> {
        let c = HostConfig::parse(config_json)?;
        let deprecated = match c.0.get("deprecated") {
            None | Some(serde_json::Value::Null) => None,
            Some(d) => match (d.get("privateKey"), d.get("sn")) {
                (Some(serde_json::Value::String(k)), Some(serde_json::Value::String(sn))) => {
                    Some((k.clone(), sn.clone()))
                }
                _ => return Err(HostError::invalid_arg("deprecated")),
            },
        };
        let config = crate::api_security::PlatformConfig {
            app_id: c.string("appId")?,
            algorithm: c.algorithm()?,
            symmetric_key: c.string("symmetricKey")?,
            symmetric_key_sn: c.string("symmetricKeySn")?,
            app_public_key: c.string("appPublicKey")?,
            app_key_sn: c.string("appKeySn")?,
            platform_private_key: c.string("platformPrivateKey")?,
            platform_sn: c.string("platformSn")?,
            deprecated,
            max_skew_seconds: c.max_skew()?,
        };
        Ok(ApiSecurityPlatformHost {
            inner: crate::api_security::Platform::new(&config)?,
        })
    }

    /// [`Platform::open_request`](crate::api_security::Platform::open_request): the parameters
    /// object as JSON; WeChat's 40230-40240 names on failure.
    pub fn open_request(
        &self,
        url: &str,
        headers: Vec<String>,
        body: &str,
        now: f64,
    ) -> HostResult<String> {
        let now = host_seconds("now", now)?;
        let headers = host_headers(headers)?;
        Ok(self.inner.open_request(url, &headers, body, now)?)
    }

    /// [`Platform::seal_response`](crate::api_security::Platform::seal_response):
    /// `{"headers":[[name,value],...],"body":...}`.
    pub fn seal_response(
        &self,
        url: &str,
        answer_json: &str,
        timestamp: f64,
        nonce: Option<&str>,
        iv: Option<&str>,
    ) -> HostResult<Vec<String>> {
        let ts = host_seconds("timestamp", timestamp)?;
        let sealed = self
            .inner
            .seal_response(url, answer_json, ts, &seal_options(nonce, iv)?)?;
        Ok(sealed_list(sealed, String::new()))
    }
}

/// Validated RSA public keys as `[[id, base64 SPKI DER], ...]`, for a host that imports them
/// once into its own crypto (node:crypto, WebCrypto) and verifies with them: one format for
/// every such host (ApiSecurity's platform keys, WeChat Pay's platform keys).
fn spki_list_json<'a>(
    keys: impl Iterator<Item = (&'a str, &'a crate::pki::RsaPublicKey)>,
) -> HostResult<String> {
    use crate::json_check::quote;
    use base64::Engine as _;
    let mut out = Vec::new();
    for (id, key) in keys {
        let der = key.to_spki_der()?;
        out.push(format!(
            r#"[{},"{}"]"#,
            quote(id),
            base64::engine::general_purpose::STANDARD.encode(der)
        ));
    }
    Ok(format!("[{}]", out.join(",")))
}

/// A body length the host counted (`bodyLength`).
fn host_length(value: f64) -> HostResult<usize> {
    let n = host_seconds("bodyLength", value)?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// A platform key entry of a host configuration: `{ serial?, certificate }` or
/// `{ id, publicKey }`, as (kind, id, pem).
fn platform_key_entry(v: &serde_json::Value) -> HostResult<(bool, Option<String>, String)> {
    use serde_json::Value::String as S;
    match (
        v.get("certificate"),
        v.get("publicKey"),
        v.get("serial"),
        v.get("id"),
    ) {
        (Some(S(pem)), None, Some(S(serial)), None) => {
            Ok((true, Some(serial.clone()), pem.clone()))
        }
        (Some(S(pem)), None, None | Some(serde_json::Value::Null), None) => {
            Ok((true, None, pem.clone()))
        }
        (None, Some(S(pem)), None, Some(S(id))) => Ok((false, Some(id.clone()), pem.clone())),
        _ => Err(HostError::invalid_arg(
            "platformKeys entries must be { serial, certificate } or { id, publicKey }",
        )),
    }
}

fn add_platform_key(
    verifier: &mut crate::pay::Verifier,
    entry: &(bool, Option<String>, String),
) -> HostResult<String> {
    let (is_cert, id, pem) = entry;
    let source = if *is_cert {
        crate::pay::PlatformKeySource::Certificate {
            serial: id.as_deref(),
            pem,
        }
    } else {
        crate::pay::PlatformKeySource::PublicKey {
            id: id.as_deref().unwrap_or(""),
            pem,
        }
    };
    Ok(verifier.add(&source)?)
}

/// The object behind a JS `WechatPay` (the merchant's side of WeChat Pay APIv3,
/// [`crate::pay::Merchant`]): every key parsed and checked once.
///
/// The configuration is JSON text: `{ mchId, merchantSerialNo, merchantPrivateKey, apiV3Key,
/// platformKeys: [{ serial, certificate } | { id, publicKey }], maxSkewSeconds? }`.
///
/// ```
/// let e = wxcrypt::host::WechatPayHost::new(r#"{"mchId":"1"}"#).unwrap_err();
/// assert_eq!(e.code(), "ERR_INVALID_ARG_VALUE"); // no merchantSerialNo
/// ```
#[derive(Debug)]
pub struct WechatPayHost {
    inner: crate::pay::Merchant,
}

/// A nonce given by the host, or 32 random alphanumerics.
/// What the host signs: the message itself, or (`digest`) the base64 of its SHA-256
/// `DigestInfo` ([`pkcs1v15_sha256_digest_info`](crate::pki::pkcs1v15_sha256_digest_info)).
fn to_sign(message: String, digest: bool) -> String {
    use base64::Engine as _;
    if digest {
        base64::engine::general_purpose::STANDARD
            .encode(crate::pki::pkcs1v15_sha256_digest_info(message.as_bytes()))
    } else {
        message
    }
}

fn pay_nonce(nonce: Option<&str>) -> HostResult<String> {
    match nonce {
        Some(n) => Ok(n.to_string()),
        None => Ok(crate::pay::random_alnum(32)?),
    }
}

impl WechatPayHost {
    /// The `Wechatpay-*` header values as the host read them (names in any letter case, values
    /// trimmed: the JS `payHeaders`), as plain strings, absent ones `None`.
    pub fn headers(
        timestamp: Option<String>,
        nonce: Option<String>,
        signature: Option<String>,
        serial: Option<String>,
    ) -> crate::pay::Headers {
        crate::pay::Headers {
            timestamp,
            nonce,
            signature,
            serial,
        }
    }

    /// Parses the configuration (JSON text) and every key in it.
    pub fn new(config_json: &str) -> HostResult<WechatPayHost> {
        let c = HostConfig::parse(config_json)?;
        let entries = match c.0.get("platformKeys") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .map(platform_key_entry)
                .collect::<HostResult<Vec<_>>>()?,
            Some(_) => return Err(HostError::invalid_arg("platformKeys")),
        };
        let (mch_id, serial, key, v3) = (
            c.string("mchId")?,
            c.string("merchantSerialNo")?,
            c.string("merchantPrivateKey")?,
            c.string("apiV3Key")?,
        );
        let mut inner = crate::pay::Merchant::new(&crate::pay::Config {
            mch_id: &mch_id,
            merchant_serial_no: &serial,
            merchant_private_key: &key,
            api_v3_key: &v3,
            platform_keys: Vec::new(),
            max_skew_seconds: c.max_skew()?,
        })?;
        for e in &entries {
            add_platform_key(inner.verifier_mut(), e)?;
        }
        Ok(WechatPayHost { inner })
    }

    /// Adds a platform key (`{ serial?, certificate }` or `{ id, publicKey }`, JSON text), e.g.
    /// one downloaded from `/v3/certificates`; returns its id.
    pub fn add_platform_key(&mut self, entry_json: &str) -> HostResult<String> {
        let v: serde_json::Value = serde_json::from_str(entry_json)
            .map_err(|_| HostError::invalid_arg("the platform key must be a JSON object"))?;
        let e = platform_key_entry(&v)?;
        add_platform_key(self.inner.verifier_mut(), &e)
    }

    /// The ids of the held platform keys.
    pub fn platform_key_ids(&self) -> Vec<String> {
        self.inner.verifier().ids()
    }

    /// [`Merchant::authorization_parts`](crate::pay::Merchant::authorization_parts):
    /// `[toSign, before, after]`; the header is `before + signature + after`. `toSign` is the
    /// message, or with `digest` the base64 of its [`pkcs1v15_sha256_digest_info`](crate::pki::pkcs1v15_sha256_digest_info) (for a host
    /// that signs the block).
    pub fn authorization_parts(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        timestamp: f64,
        nonce: Option<&str>,
        digest: bool,
    ) -> HostResult<Vec<String>> {
        let ts = host_seconds("timestamp", timestamp)?.to_string();
        let nonce = pay_nonce(nonce)?;
        let (m, before, after) =
            self.inner
                .authorization_parts(method, path_with_query, body, &ts, &nonce)?;
        Ok(vec![to_sign(m, digest), before, after])
    }

    /// The `Authorization` header, signed by the core.
    pub fn authorization(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        timestamp: f64,
        nonce: Option<&str>,
    ) -> HostResult<String> {
        let ts = host_seconds("timestamp", timestamp)?.to_string();
        let nonce = pay_nonce(nonce)?;
        Ok(self
            .inner
            .authorization(method, path_with_query, body, &ts, &nonce)?)
    }

    /// [`Merchant::verify`](crate::pay::Merchant::verify) (the RSA operation in the core) of
    /// the `Wechatpay-*` header values the host read: the serial that verified.
    pub fn verify(&self, headers: crate::pay::Headers, body: &str, now: f64) -> HostResult<String> {
        let now = host_seconds("now", now)?;
        Ok(self.inner.verify(&headers, body.as_bytes(), now)?)
    }

    /// [`Merchant::open_notification`](crate::pay::Merchant::open_notification) (the RSA
    /// operation in the core): the resource plaintext (the host parses the body it holds).
    pub fn open_notification(
        &self,
        headers: crate::pay::Headers,
        body: &str,
        now: f64,
    ) -> HostResult<String> {
        let now = host_seconds("now", now)?;
        let n = self
            .inner
            .open_notification(&headers, body.as_bytes(), now)?;
        Ok(String::from_utf8(n.resource.to_vec()).map_err(|_| Error::MalformedEnvelope)?)
    }

    /// [`Verifier::verify_host_verified`](crate::pay::Verifier::verify_host_verified): every
    /// check, then the verdict of a host that verified the signature with the key
    /// [`WechatPayHost::platform_public_keys`] gave under `key_id`. The serial.
    pub fn verify_host_verified(
        &self,
        headers: crate::pay::Headers,
        verdict: crate::pay::HostVerdict<'_>,
        body_len: f64,
        now: f64,
    ) -> HostResult<String> {
        let now = host_seconds("now", now)?;
        let len = host_length(body_len)?;
        Ok(self
            .inner
            .verifier()
            .verify_host_verified(&headers, verdict, len, now)?)
    }

    /// [`Merchant::open_host_verified`](crate::pay::Merchant::open_host_verified): one call
    /// after the host's RSA verification: every check, the verdict, then the resource
    /// decrypted: the plaintext.
    pub fn open_host_verified(
        &self,
        headers: crate::pay::Headers,
        verdict: crate::pay::HostVerdict<'_>,
        body_len: f64,
        resource: crate::pay::ResourceInput<'_>,
        now: f64,
    ) -> HostResult<String> {
        let now = host_seconds("now", now)?;
        let len = host_length(body_len)?;
        let plain = self
            .inner
            .open_host_verified(&headers, verdict, len, resource, now)?;
        Ok(String::from_utf8(plain.to_vec()).map_err(|_| Error::MalformedEnvelope)?)
    }

    /// The held platform keys, validated (RSA 2048..=8192), as `[[id, base64 SPKI DER], ...]`
    /// for a host that imports them once into node:crypto or WebCrypto.
    pub fn platform_public_keys(&self) -> HostResult<String> {
        spki_list_json(self.inner.verifier().keys())
    }

    /// Decrypts a `resource` object (JSON text): the plaintext (UTF-8).
    pub fn decrypt_resource(&self, resource_json: &str) -> HostResult<String> {
        let r = crate::pay::Resource::from_json(resource_json)?;
        let plain = self.inner.decrypt_resource(&r)?;
        Ok(String::from_utf8(plain.to_vec()).map_err(|_| Error::MalformedEnvelope)?)
    }

    /// Unsigned `wx.requestPayment` parameters: `[timeStamp, nonceStr, package, toSign]`,
    /// `toSign` as in [`WechatPayHost::authorization_parts`].
    pub fn payment_params(
        &self,
        app_id: &str,
        prepay_id: &str,
        time_stamp: &str,
        nonce_str: Option<&str>,
        digest: bool,
    ) -> HostResult<Vec<String>> {
        let nonce = pay_nonce(nonce_str)?;
        let p = self
            .inner
            .payment_params(app_id, prepay_id, time_stamp, &nonce)?;
        Ok(vec![
            p.time_stamp,
            p.nonce_str,
            p.package,
            to_sign(p.message, digest),
        ])
    }

    /// Signed `wx.requestPayment` parameters: `[timeStamp, nonceStr, package, paySign]`.
    pub fn request_payment_params(
        &self,
        app_id: &str,
        prepay_id: &str,
        time_stamp: &str,
        nonce_str: Option<&str>,
    ) -> HostResult<Vec<String>> {
        let nonce = pay_nonce(nonce_str)?;
        let (p, sig) = self
            .inner
            .request_payment_params(app_id, prepay_id, time_stamp, &nonce)?;
        Ok(vec![p.time_stamp, p.nonce_str, p.package, sig])
    }

    /// [`Merchant::encrypt_sensitive`](crate::pay::Merchant::encrypt_sensitive):
    /// `[ciphertext, serial]`.
    pub fn encrypt_sensitive(&self, text: &str, serial: Option<&str>) -> HostResult<Vec<String>> {
        let (c, s) = self.inner.encrypt_sensitive(text, serial)?;
        Ok(vec![c, s])
    }

    /// The validated merchant private key as base64 PKCS#8 DER (for node:crypto / WebCrypto).
    pub fn private_key_pkcs8(&self) -> HostResult<String> {
        use base64::Engine as _;
        let der = self.inner.private_key().to_pkcs8_der()?;
        Ok(base64::engine::general_purpose::STANDARD.encode(der.as_slice()))
    }
}

/// The object behind a JS `WechatPayPlatform` (WeChat Pay's side, for simulators and tests:
/// [`crate::pay::Platform`]).
///
/// The configuration is JSON text: `{ mchId, serial (a certificate serial or PUB_KEY_ID_…),
/// privateKey, apiV3Key, merchantPublicKey (SPKI or certificate PEM), maxSkewSeconds? }`.
#[derive(Debug)]
pub struct WechatPayPlatformHost {
    inner: crate::pay::Platform,
}

impl WechatPayPlatformHost {
    /// Parses the configuration (JSON text) and every key in it.
    pub fn new(config_json: &str) -> HostResult<WechatPayPlatformHost> {
        let c = HostConfig::parse(config_json)?;
        Ok(WechatPayPlatformHost {
            inner: crate::pay::Platform::new(
                &c.string("mchId")?,
                &c.string("serial")?,
                &c.string("privateKey")?,
                &c.string("apiV3Key")?,
                &c.string("merchantPublicKey")?,
                c.max_skew()?,
            )?,
        })
    }

    /// The id answers carry in `Wechatpay-Serial`.
    pub fn serial(&self) -> String {
        self.inner.serial().to_string()
    }

    /// Signs an answer or callback body: `[[name, value], ...]` as JSON.
    pub fn sign_response(
        &self,
        body: &str,
        timestamp: f64,
        nonce: Option<&str>,
    ) -> HostResult<String> {
        use crate::json_check::quote;
        let ts = host_seconds("timestamp", timestamp)?;
        let s = self.inner.sign_response(body.as_bytes(), ts, nonce)?;
        let pairs: Vec<String> = s
            .headers
            .to_pairs()
            .iter()
            .map(|(n, v)| format!("[{},{}]", quote(n), quote(v)))
            .collect();
        Ok(format!("[{}]", pairs.join(",")))
    }

    /// Encrypts a resource: the `resource` object as JSON.
    pub fn encrypt_resource(
        &self,
        plaintext: &str,
        associated_data: &str,
        original_type: &str,
        nonce: Option<&str>,
    ) -> HostResult<String> {
        if nonce.is_some_and(|n| n.len() != crate::aead::NONCE_LEN) {
            return Err(HostError::invalid_arg("nonce must be 12 bytes"));
        }
        Ok(self
            .inner
            .encrypt_resource(plaintext.as_bytes(), associated_data, original_type, nonce)?
            .to_json())
    }

    /// Decrypts a sensitive field (base64 OAEP): the text.
    pub fn decrypt_sensitive(&self, ciphertext: &str) -> HostResult<String> {
        let p = self.inner.decrypt_sensitive(ciphertext)?;
        Ok(String::from_utf8(p.to_vec()).map_err(|_| Error::MalformedEnvelope)?)
    }

    /// Verifies a merchant request's `Authorization`: `[mchid, serial_no, nonce_str,
    /// timestamp]`.
    pub fn verify_authorization(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        authorization: &str,
        now: f64,
    ) -> HostResult<Vec<String>> {
        let now = host_seconds("now", now)?;
        let a =
            self.inner
                .verify_authorization(method, path_with_query, body, authorization, now)?;
        Ok(vec![a.mch_id, a.serial_no, a.nonce, a.timestamp])
    }
}

/// Writes the boundary functions every binding exports, with the binding's attribute macro
/// (`napi` or `wasm_bindgen`) and its conversion of a [`HostError`] into a thrown JS error, so
/// that the list exists once. The calling crate defines `Result<T>` (its own fallible return
/// type, whose error the conversion returns) before the call.
///
/// It exports `policy`, the signature functions, `diagnose`, and the class `MsgCrypt` (a
/// [`Push`]: constructor `(token, encodingAESKey, appId)`, methods `decrypt`, `decryptFields`,
/// `encrypt`, `verifyUrl`, `verifyUrlEncrypted`), and the classes `ApiSecurity`
/// ([`ApiSecurityHost`]) and `ApiSecurityPlatform` ([`ApiSecurityPlatformHost`]), `WechatPay` ([`WechatPayHost`]) and `WechatPayPlatform` ([`WechatPayPlatformHost`]). `decryptText` and `verifyRawDataSignature` are each binding's own
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
        /// `new ApiSecurity(configJson)`: [`wxcrypt::host::ApiSecurityHost`].
        #[$bind]
        pub struct ApiSecurity {
            inner: $crate::host::ApiSecurityHost,
        }

        #[$bind]
        impl ApiSecurity {
            /// Parses every key once; throws the core's key errors.
            #[$bind(constructor)]
            pub fn new(config_json: String) -> Result<ApiSecurity> {
                $crate::host::ApiSecurityHost::new(&config_json)
                    .map(|inner| ApiSecurity { inner })
                    .map_err($to_js)
            }

            /// `algorithm()`: the algorithm pair's name.
            #[$bind(js_name = "algorithm")]
            pub fn algorithm(&self) -> String {
                self.inner.algorithm().to_owned()
            }

            /// `sealRequest(url, paramsJson, timestamp, nonce?, iv?)`: `[body, "", name, value,
            /// ...]`.
            #[$bind(js_name = "sealRequest")]
            pub fn seal_request(
                &self,
                url: String,
                params_json: String,
                timestamp: f64,
                nonce: Option<String>,
                iv: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .seal_request(
                        &url,
                        &params_json,
                        timestamp,
                        nonce.as_deref(),
                        iv.as_deref(),
                    )
                    .map_err($to_js)
            }

            /// `sealUnsigned(url, paramsJson, timestamp, nonce?, iv?)`: `[body, stringToSign,
            /// name, value, ...]`, no `Wechatmp-Signature`.
            #[$bind(js_name = "sealUnsigned")]
            pub fn seal_unsigned(
                &self,
                url: String,
                params_json: String,
                timestamp: f64,
                nonce: Option<String>,
                iv: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .seal_unsigned(
                        &url,
                        &params_json,
                        timestamp,
                        nonce.as_deref(),
                        iv.as_deref(),
                    )
                    .map_err($to_js)
            }

            /// `openResponse(url, headers, body, now)`: `[text, serial, deprecated]`; `headers`
            /// the six security header values (empty: absent).
            #[$bind(js_name = "openResponse")]
            pub fn open_response(
                &self,
                url: String,
                headers: Vec<String>,
                body: String,
                now: f64,
            ) -> Result<Vec<String>> {
                self.inner
                    .open_response(&url, headers, &body, now)
                    .map_err($to_js)
            }

            /// `openVerifyJob(url, headers, body, now)`: `[id, serial, message, signature,
            /// deprecated]` for a host that verifies RSA-PSS itself; then `openVerified(id, ok)`.
            #[$bind(js_name = "openVerifyJob")]
            pub fn open_verify_job(
                &self,
                url: String,
                headers: Vec<String>,
                body: String,
                now: f64,
            ) -> Result<Vec<String>> {
                self.inner
                    .open_verify_job(&url, headers, &body, now)
                    .map_err($to_js)
            }

            /// `openVerified(id, signatureValid)`: the answer's text, once the host verified.
            #[$bind(js_name = "openVerified")]
            pub fn open_verified(&self, id: String, signature_valid: bool) -> Result<String> {
                self.inner
                    .open_verified(&id, signature_valid)
                    .map_err($to_js)
            }

            /// `platformPublicKeys()`: JSON `[[sn, base64 SPKI DER], ...]` (RSA keys).
            #[$bind(js_name = "platformPublicKeys")]
            pub fn platform_public_keys(&self) -> Result<String> {
                self.inner.platform_public_keys().map_err($to_js)
            }

            /// `privateKeyPkcs8()`: the validated private key, base64 PKCS#8 DER.
            #[$bind(js_name = "privateKeyPkcs8")]
            pub fn private_key_pkcs8(&self) -> Result<String> {
                self.inner.private_key_pkcs8().map_err($to_js)
            }
        }

        /// `new ApiSecurityPlatform(configJson)`: [`wxcrypt::host::ApiSecurityPlatformHost`].
        #[$bind]
        pub struct ApiSecurityPlatform {
            inner: $crate::host::ApiSecurityPlatformHost,
        }

        #[$bind]
        impl ApiSecurityPlatform {
            /// Parses every key once.
            #[$bind(constructor)]
            pub fn new(config_json: String) -> Result<ApiSecurityPlatform> {
                $crate::host::ApiSecurityPlatformHost::new(&config_json)
                    .map(|inner| ApiSecurityPlatform { inner })
                    .map_err($to_js)
            }

            /// `openRequest(url, headers, body, now)`: the parameters object as JSON.
            #[$bind(js_name = "openRequest")]
            pub fn open_request(
                &self,
                url: String,
                headers: Vec<String>,
                body: String,
                now: f64,
            ) -> Result<String> {
                self.inner
                    .open_request(&url, headers, &body, now)
                    .map_err($to_js)
            }

            /// `sealResponse(url, answerJson, timestamp, nonce?, iv?)`: `[body, "", name, value, ...]`.
            #[$bind(js_name = "sealResponse")]
            pub fn seal_response(
                &self,
                url: String,
                answer_json: String,
                timestamp: f64,
                nonce: Option<String>,
                iv: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .seal_response(
                        &url,
                        &answer_json,
                        timestamp,
                        nonce.as_deref(),
                        iv.as_deref(),
                    )
                    .map_err($to_js)
            }
        }
        /// `new WechatPay(configJson)`: [`wxcrypt::host::WechatPayHost`].
        #[$bind]
        pub struct WechatPay {
            inner: $crate::host::WechatPayHost,
        }

        #[$bind]
        impl WechatPay {
            /// Parses every key once; throws the core's key errors.
            #[$bind(constructor)]
            pub fn new(config_json: String) -> Result<WechatPay> {
                $crate::host::WechatPayHost::new(&config_json)
                    .map(|inner| WechatPay { inner })
                    .map_err($to_js)
            }

            /// `addPlatformKey(entryJson)`: the id.
            #[$bind(js_name = "addPlatformKey")]
            pub fn add_platform_key(&mut self, entry_json: String) -> Result<String> {
                self.inner.add_platform_key(&entry_json).map_err($to_js)
            }

            /// `platformKeyIds()`.
            #[$bind(js_name = "platformKeyIds")]
            pub fn platform_key_ids(&self) -> Vec<String> {
                self.inner.platform_key_ids()
            }

            /// `authorizationParts(method, pathWithQuery, body, timestamp, nonce, digest)`:
            /// `[toSign, before, after]` (`toSign` the message, or with `digest` the base64 of
            /// its SHA-256 DigestInfo).
            #[$bind(js_name = "authorizationParts")]
            pub fn authorization_parts(
                &self,
                method: String,
                path_with_query: String,
                body: String,
                timestamp: f64,
                nonce: Option<String>,
                digest: bool,
            ) -> Result<Vec<String>> {
                self.inner
                    .authorization_parts(
                        &method,
                        &path_with_query,
                        &body,
                        timestamp,
                        nonce.as_deref(),
                        digest,
                    )
                    .map_err($to_js)
            }

            /// `authorization(method, pathWithQuery, body, timestamp, nonce?)`: the header,
            /// signed by the core.
            #[$bind(js_name = "authorization")]
            pub fn authorization(
                &self,
                method: String,
                path_with_query: String,
                body: String,
                timestamp: f64,
                nonce: Option<String>,
            ) -> Result<String> {
                self.inner
                    .authorization(
                        &method,
                        &path_with_query,
                        &body,
                        timestamp,
                        nonce.as_deref(),
                    )
                    .map_err($to_js)
            }

            /// `verify(timestamp?, nonce?, signature?, serial?, body, now)`: the serial (the
            /// `Wechatpay-*` header values as plain strings, `undefined` when absent).
            #[$bind(js_name = "verify")]
            pub fn verify(
                &self,
                timestamp: Option<String>,
                nonce: Option<String>,
                signature: Option<String>,
                serial: Option<String>,
                body: String,
                now: f64,
            ) -> Result<String> {
                let h = $crate::host::WechatPayHost::headers(timestamp, nonce, signature, serial);
                self.inner.verify(h, &body, now).map_err($to_js)
            }

            /// `openNotification(timestamp?, nonce?, signature?, serial?, body, now)`: the
            /// resource plaintext.
            #[$bind(js_name = "openNotification")]
            pub fn open_notification(
                &self,
                timestamp: Option<String>,
                nonce: Option<String>,
                signature: Option<String>,
                serial: Option<String>,
                body: String,
                now: f64,
            ) -> Result<String> {
                let h = $crate::host::WechatPayHost::headers(timestamp, nonce, signature, serial);
                self.inner.open_notification(h, &body, now).map_err($to_js)
            }

            /// `verifyHostVerified(timestamp?, nonce?, signature?, serial?, keyId?,
            /// signatureValid, bodyLength, now)`: the serial.
            #[$bind(js_name = "verifyHostVerified")]
            #[allow(clippy::too_many_arguments)] // plain strings: no JSON at the boundary
            pub fn verify_host_verified(
                &self,
                timestamp: Option<String>,
                nonce: Option<String>,
                signature: Option<String>,
                serial: Option<String>,
                key_id: Option<String>,
                signature_valid: bool,
                body_len: f64,
                now: f64,
            ) -> Result<String> {
                let h = $crate::host::WechatPayHost::headers(timestamp, nonce, signature, serial);
                let verdict = $crate::pay::HostVerdict {
                    key_id: key_id.as_deref(),
                    valid: signature_valid,
                };
                self.inner
                    .verify_host_verified(h, verdict, body_len, now)
                    .map_err($to_js)
            }

            /// `openHostVerified(timestamp?, nonce?, signature?, serial?, keyId?,
            /// signatureValid, bodyLength, now, algorithm, ciphertext, nonce, associatedData)`:
            /// the resource plaintext, the resource's members read by the host.
            #[$bind(js_name = "openHostVerified")]
            #[allow(clippy::too_many_arguments)] // plain strings: no JSON at the boundary
            pub fn open_host_verified(
                &self,
                timestamp: Option<String>,
                nonce: Option<String>,
                signature: Option<String>,
                serial: Option<String>,
                key_id: Option<String>,
                signature_valid: bool,
                body_len: f64,
                now: f64,
                algorithm: String,
                ciphertext: String,
                resource_nonce: String,
                associated_data: String,
            ) -> Result<String> {
                let h = $crate::host::WechatPayHost::headers(timestamp, nonce, signature, serial);
                let verdict = $crate::pay::HostVerdict {
                    key_id: key_id.as_deref(),
                    valid: signature_valid,
                };
                let r = $crate::pay::Resource {
                    algorithm,
                    ciphertext,
                    nonce: resource_nonce,
                    associated_data,
                    original_type: String::new(),
                };
                let input = $crate::pay::ResourceInput::Fields(&r);
                self.inner
                    .open_host_verified(h, verdict, body_len, input, now)
                    .map_err($to_js)
            }

            /// `openHostVerifiedBody(timestamp?, nonce?, signature?, serial?, keyId?,
            /// signatureValid, body, now)`: as `openHostVerified`, the core parsing the body
            /// (one the host did not recognise as a callback: the core's errors).
            #[$bind(js_name = "openHostVerifiedBody")]
            #[allow(clippy::too_many_arguments)] // plain strings: no JSON at the boundary
            pub fn open_host_verified_body(
                &self,
                timestamp: Option<String>,
                nonce: Option<String>,
                signature: Option<String>,
                serial: Option<String>,
                key_id: Option<String>,
                signature_valid: bool,
                body: String,
                now: f64,
            ) -> Result<String> {
                let h = $crate::host::WechatPayHost::headers(timestamp, nonce, signature, serial);
                let verdict = $crate::pay::HostVerdict {
                    key_id: key_id.as_deref(),
                    valid: signature_valid,
                };
                let input = $crate::pay::ResourceInput::Body(body.as_bytes());
                self.inner
                    .open_host_verified(h, verdict, body.len() as f64, input, now)
                    .map_err($to_js)
            }

            /// `platformPublicKeys()`: JSON `[[id, base64 SPKI DER], ...]`.
            #[$bind(js_name = "platformPublicKeys")]
            pub fn platform_public_keys(&self) -> Result<String> {
                self.inner.platform_public_keys().map_err($to_js)
            }

            /// `decryptResource(resourceJson)`: the plaintext.
            #[$bind(js_name = "decryptResource")]
            pub fn decrypt_resource(&self, resource_json: String) -> Result<String> {
                self.inner.decrypt_resource(&resource_json).map_err($to_js)
            }

            /// `paymentParams(appId, prepayId, timeStamp, nonceStr, digest)`:
            /// `[timeStamp, nonceStr, package, toSign]` (`toSign` as in `authorizationParts`).
            #[$bind(js_name = "paymentParams")]
            pub fn payment_params(
                &self,
                app_id: String,
                prepay_id: String,
                time_stamp: String,
                nonce_str: Option<String>,
                digest: bool,
            ) -> Result<Vec<String>> {
                self.inner
                    .payment_params(
                        &app_id,
                        &prepay_id,
                        &time_stamp,
                        nonce_str.as_deref(),
                        digest,
                    )
                    .map_err($to_js)
            }

            /// `requestPaymentParams(appId, prepayId, timeStamp, nonceStr?)`:
            /// `[timeStamp, nonceStr, package, paySign]`.
            #[$bind(js_name = "requestPaymentParams")]
            pub fn request_payment_params(
                &self,
                app_id: String,
                prepay_id: String,
                time_stamp: String,
                nonce_str: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .request_payment_params(&app_id, &prepay_id, &time_stamp, nonce_str.as_deref())
                    .map_err($to_js)
            }

            /// `encryptSensitive(text, serial?)`: `[ciphertext, serial]`.
            #[$bind(js_name = "encryptSensitive")]
            pub fn encrypt_sensitive(
                &self,
                text: String,
                serial: Option<String>,
            ) -> Result<Vec<String>> {
                self.inner
                    .encrypt_sensitive(&text, serial.as_deref())
                    .map_err($to_js)
            }

            /// `privateKeyPkcs8()`: the validated merchant key, base64 PKCS#8 DER.
            #[$bind(js_name = "privateKeyPkcs8")]
            pub fn private_key_pkcs8(&self) -> Result<String> {
                self.inner.private_key_pkcs8().map_err($to_js)
            }
        }

        /// `new WechatPayPlatform(configJson)`: [`wxcrypt::host::WechatPayPlatformHost`].
        #[$bind]
        pub struct WechatPayPlatform {
            inner: $crate::host::WechatPayPlatformHost,
        }

        #[$bind]
        impl WechatPayPlatform {
            /// Parses every key once.
            #[$bind(constructor)]
            pub fn new(config_json: String) -> Result<WechatPayPlatform> {
                $crate::host::WechatPayPlatformHost::new(&config_json)
                    .map(|inner| WechatPayPlatform { inner })
                    .map_err($to_js)
            }

            /// `serial()`.
            #[$bind(js_name = "serial")]
            pub fn serial(&self) -> String {
                self.inner.serial()
            }

            /// `signResponse(body, timestamp, nonce?)`: JSON `[[name, value], ...]`.
            #[$bind(js_name = "signResponse")]
            pub fn sign_response(
                &self,
                body: String,
                timestamp: f64,
                nonce: Option<String>,
            ) -> Result<String> {
                self.inner
                    .sign_response(&body, timestamp, nonce.as_deref())
                    .map_err($to_js)
            }

            /// `encryptResource(plaintext, associatedData, originalType, nonce?)`: JSON.
            #[$bind(js_name = "encryptResource")]
            pub fn encrypt_resource(
                &self,
                plaintext: String,
                associated_data: String,
                original_type: String,
                nonce: Option<String>,
            ) -> Result<String> {
                self.inner
                    .encrypt_resource(
                        &plaintext,
                        &associated_data,
                        &original_type,
                        nonce.as_deref(),
                    )
                    .map_err($to_js)
            }

            /// `decryptSensitive(ciphertext)`: the text.
            #[$bind(js_name = "decryptSensitive")]
            pub fn decrypt_sensitive(&self, ciphertext: String) -> Result<String> {
                self.inner.decrypt_sensitive(&ciphertext).map_err($to_js)
            }

            /// `verifyAuthorization(method, pathWithQuery, body, authorization, now)`:
            /// `[mchid, serialNo, nonce, timestamp]`.
            #[$bind(js_name = "verifyAuthorization")]
            pub fn verify_authorization(
                &self,
                method: String,
                path_with_query: String,
                body: String,
                authorization: String,
                now: f64,
            ) -> Result<Vec<String>> {
                self.inner
                    .verify_authorization(&method, &path_with_query, &body, &authorization, now)
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
        assert_eq!(policy["payMaxBodyBytes"], crate::pay::MAX_BODY_LEN);
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
