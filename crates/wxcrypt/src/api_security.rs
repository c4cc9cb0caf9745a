//! WeChat's server-API security mode (服务端 API 签名加密, issue 18): sealing requests to
//! `api.weixin.qq.com` and opening its answers ([`ApiSecurity`]), and the platform's side for a
//! local simulator ([`Platform`]).
//!
//! The contract is WeChat's guide "服务端 API 签名加密指南"
//! (<https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature>):
//! - the parameters object gains `_n` (random), `_appid` and `_timestamp`; it is encrypted with
//!   the API symmetric key (AES256_GCM or SM4_GCM), a fresh 12-byte iv, and the AAD
//!   `urlpath|appid|timestamp|sn` (`sn` the symmetric key's 编号); the body is
//!   `{"iv","data","authtag"}` (base64);
//! - the string to sign is `urlpath\nappid\ntimestamp\nbody`, signed with the app's private key
//!   (RSASSA-PSS SHA-256 salt 32, or SM2withSM3 with the app's asymmetric key 编号 as the SM2
//!   user ID); headers `Wechatmp-Appid`, `Wechatmp-TimeStamp`, `Wechatmp-Signature`;
//! - answers carry `Wechatmp-Serial`/`Wechatmp-Signature` (current platform certificate) and,
//!   during a rotation, `Wechatmp-Serial-Deprecated`/`Wechatmp-Signature-Deprecated`; the
//!   signed string and the AAD use the ANSWER's `Wechatmp-TimeStamp`; the SM2 user ID is the
//!   platform certificate's 编号. The 编号 are those of the MP admin page, not certificate serials.
//!
//! `Wechatmp-Serial` on requests: the guide's request-header table lists only the three headers
//! above, while its error table has `40230 API_Missing_Wechatmp_Serial`. [`ApiSecurity`] sends
//! `Wechatmp-Serial` with the app's asymmetric key 编号 (the key that signed), as WxJava does
//! since its fix for 40234 (binarywang/WxJava, `BaseWxMaServiceImpl::postWithSignature` at
//! 295a0f32: `header.put("Wechatmp-Serial", rsaKeySn)`); WeChat's guide does not say it.
//! [`Platform`] accepts a request without it and refuses one naming another 编号 (40239).
//!
//! `urlpath` is the URL with its scheme and without the query (a query given is dropped).

use base64::Engine as _;
use serde::Deserialize as _;
use serde_json::{Map, Value};

use crate::aead::{AeadAlgorithm, AeadKey, NONCE_LEN};
use crate::error::{Error, Result};
use crate::pki::{public_key_from_pem, PublicKey, RsaPrivateKey, Sm2PrivateKey};

/// Default clock window, seconds.
pub const DEFAULT_MAX_SKEW_SECONDS: u64 = 300;
/// Largest body accepted by the openers (bytes): bounds time and memory on hostile input.
pub const MAX_BODY_LEN: usize = 8 * 1024 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The algorithm pair configured in the MP admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `AES256_GCM` + `RSAwithSHA256` (PSS, salt 32).
    Aes256GcmRsaSha256,
    /// `SM4_GCM` + `SM2withSM3`.
    Sm4GcmSm2Sm3,
}

impl Algorithm {
    /// Parses `"AES256_GCM+RSAwithSHA256"` or `"SM4_GCM+SM2withSM3"`. Errors:
    /// [`Error::InvalidArgument`].
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "AES256_GCM+RSAwithSHA256" => Ok(Algorithm::Aes256GcmRsaSha256),
            "SM4_GCM+SM2withSM3" => Ok(Algorithm::Sm4GcmSm2Sm3),
            _ => Err(Error::InvalidArgument),
        }
    }

    /// The name as [`Algorithm::from_name`] takes it.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Aes256GcmRsaSha256 => "AES256_GCM+RSAwithSHA256",
            Algorithm::Sm4GcmSm2Sm3 => "SM4_GCM+SM2withSM3",
        }
    }

    fn aead(self) -> AeadAlgorithm {
        match self {
            Algorithm::Aes256GcmRsaSha256 => AeadAlgorithm::Aes256Gcm,
            Algorithm::Sm4GcmSm2Sm3 => AeadAlgorithm::Sm4Gcm,
        }
    }
}

/// A signing key of the configured kind. `Debug` prints no key material.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one per configuration, never in a hot collection
pub enum SigningKey {
    /// RSA (PSS SHA-256 salt 32).
    Rsa(RsaPrivateKey),
    /// SM2 (SM2withSM3).
    Sm2(Sm2PrivateKey),
}

impl SigningKey {
    /// Parses a private key PEM for `alg` (RSA PKCS#1/PKCS#8; SM2 PKCS#8/SEC1/hex). Errors:
    /// [`Error::KeyParse`], [`Error::KeySize`].
    pub fn from_pem(alg: Algorithm, pem: &str) -> Result<Self> {
        match alg {
            Algorithm::Aes256GcmRsaSha256 => Ok(SigningKey::Rsa(RsaPrivateKey::from_pem(pem)?)),
            Algorithm::Sm4GcmSm2Sm3 => Ok(SigningKey::Sm2(Sm2PrivateKey::from_pem(pem)?)),
        }
    }

    /// Signs; `sm2_id` is the SM2 user ID (ignored for RSA).
    pub fn sign(&self, sm2_id: &str, message: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::Rsa(k) => k.sign_pss_sha256(message),
            SigningKey::Sm2(k) => k.sign_sm3(sm2_id, message),
        }
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Rsa(k) => PublicKey::Rsa(k.public_key()),
            SigningKey::Sm2(k) => PublicKey::Sm2(k.public_key()),
        }
    }
}

fn verify(alg: Algorithm, key: &PublicKey, sm2_id: &str, message: &[u8], sig: &[u8]) -> Result<()> {
    match (alg, key) {
        (Algorithm::Aes256GcmRsaSha256, PublicKey::Rsa(k)) => k.verify_pss_sha256(message, sig),
        (Algorithm::Sm4GcmSm2Sm3, PublicKey::Sm2(k)) => k.verify_sm3(sm2_id, message, sig),
        _ => Err(Error::SignatureInvalid),
    }
}

fn public_key_for(alg: Algorithm, pem: &str) -> Result<PublicKey> {
    let k = public_key_from_pem(pem)?;
    match (alg, &k) {
        (Algorithm::Aes256GcmRsaSha256, PublicKey::Rsa(_))
        | (Algorithm::Sm4GcmSm2Sm3, PublicKey::Sm2(_)) => Ok(k),
        _ => Err(Error::KeyParse),
    }
}

/// The security headers of a request or an answer, read in any letter case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// `Wechatmp-Appid`.
    pub appid: Option<String>,
    /// `Wechatmp-TimeStamp`.
    pub timestamp: Option<String>,
    /// `Wechatmp-Serial`.
    pub serial: Option<String>,
    /// `Wechatmp-Signature`.
    pub signature: Option<String>,
    /// `Wechatmp-Serial-Deprecated`.
    pub serial_deprecated: Option<String>,
    /// `Wechatmp-Signature-Deprecated`.
    pub signature_deprecated: Option<String>,
}

impl Headers {
    /// Collects the security headers from name/value pairs (names in any letter case; other
    /// headers ignored; values trimmed; a value empty after trimming is a missing header, as in
    /// the host boundary).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut h = Headers::default();
        for (name, value) in pairs {
            let slot = match name.trim().to_ascii_lowercase().as_str() {
                "wechatmp-appid" => &mut h.appid,
                "wechatmp-timestamp" => &mut h.timestamp,
                "wechatmp-serial" => &mut h.serial,
                "wechatmp-signature" => &mut h.signature,
                "wechatmp-serial-deprecated" => &mut h.serial_deprecated,
                "wechatmp-signature-deprecated" => &mut h.signature_deprecated,
                _ => continue,
            };
            let value = value.trim();
            *slot = (!value.is_empty()).then(|| value.to_string());
        }
        h
    }

    /// The headers as (name, value) pairs in WeChat's spelling, present ones only.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        [
            ("Wechatmp-Appid", &self.appid),
            ("Wechatmp-TimeStamp", &self.timestamp),
            ("Wechatmp-Serial", &self.serial),
            ("Wechatmp-Signature", &self.signature),
            ("Wechatmp-Serial-Deprecated", &self.serial_deprecated),
            ("Wechatmp-Signature-Deprecated", &self.signature_deprecated),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_ref().map(|v| (n.to_string(), v.clone())))
        .collect()
    }
}

/// A sealed request or answer: the headers to set and the exact body to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The security headers.
    pub headers: Headers,
    /// The body, `{"iv":…,"data":…,"authtag":…}`.
    pub body: String,
}

/// What [`ApiSecurity::open_response`] returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedResponse {
    /// The answer object as JSON, without `_n`, `_appid`, `_timestamp` (the crate's own
    /// host paths carry the decrypted text as it is, those fields checked and left in, for the
    /// host's parser).
    pub json: String,
    /// The 编号 of the held certificate that verified it.
    pub serial: String,
    /// True when that certificate is the one being retired (`Wechatmp-Serial-Deprecated`):
    /// download the new platform certificate from the MP admin.
    pub deprecated: bool,
}

/// Optional inputs of the sealers, for tests and vectors.
#[derive(Clone, Debug, Default)]
pub struct SealOptions<'a> {
    /// The `_n` string (default: 16 random bytes, base64 without padding).
    pub nonce: Option<&'a str>,
    /// The 12-byte iv (default: random).
    pub iv: Option<[u8; NONCE_LEN]>,
}

/// `scheme://host/path` of a URL: the query and fragment dropped. Errors:
/// [`Error::InvalidArgument`] without an `http(s)://` scheme.
pub fn url_path(url: &str) -> Result<&str> {
    let u = url.trim();
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        return Err(Error::InvalidArgument);
    }
    Ok(u.split(['?', '#']).next().unwrap_or(u))
}

/// `urlpath\nappid\ntimestamp\nbody`.
pub fn string_to_sign(url_path: &str, appid: &str, timestamp: &str, body: &str) -> String {
    format!("{url_path}\n{appid}\n{timestamp}\n{body}")
}

/// `urlpath|appid|timestamp|sn`.
pub fn aad(url_path: &str, appid: &str, timestamp: &str, sym_sn: &str) -> String {
    format!("{url_path}|{appid}|{timestamp}|{sym_sn}")
}

fn json_str(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// Which security fields an object already has (any value, `null` included), read without
/// building the object; a repeated one is a parse error.
#[derive(serde::Deserialize)]
struct ReservedFields {
    #[serde(rename = "_n", default, deserialize_with = "present")]
    n: bool,
    #[serde(rename = "_appid", default, deserialize_with = "present")]
    appid: bool,
    #[serde(rename = "_timestamp", default, deserialize_with = "present")]
    timestamp: bool,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> core::result::Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(true)
}

/// Encrypts `params_json` (an object) with the security fields prepended, returning the body.
fn seal_body(
    key: &AeadKey,
    url_path: &str,
    appid: &str,
    timestamp: u64,
    sym_sn: &str,
    params_json: &str,
    opts: &SealOptions<'_>,
) -> Result<String> {
    let p = params_json.trim();
    if !p.starts_with('{') {
        return Err(Error::InvalidArgument);
    }
    let reserved: ReservedFields = serde_json::from_str(p).map_err(|_| Error::InvalidArgument)?;
    if reserved.n || reserved.appid || reserved.timestamp {
        return Err(Error::InvalidArgument);
    }
    let inner = p[1..p.len() - 1].trim();
    // One read of the OS RNG for both the `_n` bytes and the iv.
    let mut random = [0u8; 16 + NONCE_LEN];
    if opts.nonce.is_none() || opts.iv.is_none() {
        crate::rng::fill(&mut random).map_err(|_| Error::CryptoFailure)?;
    }
    let (random_n, random_iv) = random.split_at(16);
    let nonce = match opts.nonce {
        Some(n) => n.to_string(),
        None => base64::engine::general_purpose::STANDARD_NO_PAD.encode(random_n),
    };
    let mut plain = format!(
        "{{\"_n\":{},\"_appid\":{},\"_timestamp\":{timestamp}",
        json_str(&nonce),
        json_str(appid)
    );
    if !inner.is_empty() {
        plain.push(',');
        plain.push_str(inner);
    }
    plain.push('}');
    let plain = zeroize::Zeroizing::new(plain);
    let iv = match opts.iv {
        Some(iv) => iv,
        None => <[u8; NONCE_LEN]>::try_from(random_iv).map_err(|_| Error::CryptoFailure)?,
    };
    let ts = timestamp.to_string();
    let (ct, tag) = key.seal_detached(
        &iv,
        aad(url_path, appid, &ts, sym_sn).as_bytes(),
        plain.as_bytes(),
    )?;
    Ok(format!(
        "{{\"iv\":\"{}\",\"data\":\"{}\",\"authtag\":\"{}\"}}",
        B64.encode(iv),
        B64.encode(ct),
        B64.encode(tag)
    ))
}

/// Why opening a body failed, before mapping to the side's error codes.
enum BodyError {
    Unencrypted,
    Malformed,
    Open,
    Appid,
    Timestamp,
}

/// The security fields of a decrypted body, read without building the rest of it.
#[derive(serde::Deserialize)]
struct SecurityFields<'a> {
    #[serde(rename = "_appid", borrow)]
    appid: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "_timestamp")]
    timestamp: Option<Value>,
}

/// Decrypts an envelope body and checks `_appid`/`_timestamp`; returns the decrypted object's
/// text as it is (with `_n`, `_appid`, `_timestamp`). The object is read once, field by field
/// (a repeated security field is refused), without building the other members.
fn open_body_text(
    key: &AeadKey,
    url_path: &str,
    appid: &str,
    ts: &str,
    sym_sn: &str,
    body: &str,
) -> core::result::Result<String, BodyError> {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        iv: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        data: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        authtag: Option<std::borrow::Cow<'a, str>>,
    }
    if body.len() > MAX_BODY_LEN {
        return Err(BodyError::Malformed);
    }
    if !body.trim_start().starts_with('{') {
        return Err(BodyError::Malformed);
    }
    let env: Envelope<'_> = serde_json::from_str(body).map_err(|_| BodyError::Malformed)?;
    let (iv, data, tag) = match (env.iv, env.data, env.authtag) {
        (Some(iv), Some(data), Some(tag)) => (iv, data, tag),
        _ => return Err(BodyError::Unencrypted),
    };
    let iv = B64
        .decode(iv.as_bytes())
        .map_err(|_| BodyError::Malformed)?;
    let data = B64
        .decode(data.as_bytes())
        .map_err(|_| BodyError::Malformed)?;
    let tag = B64
        .decode(tag.as_bytes())
        .map_err(|_| BodyError::Malformed)?;
    if iv.len() != NONCE_LEN || tag.len() != crate::aead::TAG_LEN {
        return Err(BodyError::Malformed);
    }
    let plain = key
        .open_detached(
            &iv,
            aad(url_path, appid, ts, sym_sn).as_bytes(),
            &data,
            &tag,
        )
        .map_err(|_| BodyError::Open)?;
    let text = core::str::from_utf8(&plain)
        .map_err(|_| BodyError::Malformed)?
        .to_owned();
    if !text.trim_start().starts_with('{') {
        return Err(BodyError::Malformed);
    }
    let fields: SecurityFields<'_> =
        serde_json::from_str(&text).map_err(|_| BodyError::Malformed)?;
    if fields.appid.as_deref() != Some(appid) {
        return Err(BodyError::Appid);
    }
    let ts_ok = match &fields.timestamp {
        Some(Value::Number(n)) => n.to_string() == ts,
        Some(Value::String(s)) => s == ts,
        _ => false,
    };
    if !ts_ok {
        return Err(BodyError::Timestamp);
    }
    Ok(text)
}

/// [`open_body_text`] or [`open_body`]: `(key, url_path, appid, ts, sym_sn, body)`.
type BodyOpener =
    fn(&AeadKey, &str, &str, &str, &str, &str) -> core::result::Result<String, BodyError>;

/// [`open_body_text`], returning the object without `_n`, `_appid`, `_timestamp`.
fn open_body(
    key: &AeadKey,
    url_path: &str,
    appid: &str,
    ts: &str,
    sym_sn: &str,
    body: &str,
) -> core::result::Result<String, BodyError> {
    let text = open_body_text(key, url_path, appid, ts, sym_sn, body)?;
    let mut obj: Map<String, Value> =
        serde_json::from_str(&text).map_err(|_| BodyError::Malformed)?;
    obj.remove("_n");
    obj.remove("_appid");
    obj.remove("_timestamp");
    Ok(Value::Object(obj).to_string())
}

fn parse_ts(ts: &str) -> Option<u64> {
    if ts.is_empty() || ts.len() > 19 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ts.parse().ok()
}

fn in_window(ts: u64, now: u64, max_skew: u64) -> bool {
    ts.abs_diff(now) <= max_skew
}

/// The keys an app holds: what [`ApiSecurity::new`] takes.
#[derive(Clone, Debug)]
pub struct Config {
    /// The mini program's appid.
    pub app_id: String,
    /// The algorithm pair.
    pub algorithm: Algorithm,
    /// The API symmetric key, base64 (32 bytes for AES256_GCM, 16 for SM4_GCM).
    pub symmetric_key: String,
    /// Its 编号.
    pub symmetric_key_sn: String,
    /// The app's private key, PEM.
    pub private_key: String,
    /// Its 编号 (the SM2 user ID of requests).
    pub private_key_sn: String,
    /// Platform certificates (or public keys), PEM, with their 编号.
    pub platform_certificates: Vec<(String, String)>,
    /// Clock window, seconds (default [`DEFAULT_MAX_SKEW_SECONDS`]).
    pub max_skew_seconds: u64,
}

/// The developer's side: seals requests, opens answers. Parse once, use for every call.
#[derive(Clone, Debug)]
pub struct ApiSecurity {
    app_id: String,
    alg: Algorithm,
    sym_key: AeadKey,
    sym_sn: String,
    private_key: SigningKey,
    private_key_sn: String,
    platform: Vec<(String, PublicKey)>,
    max_skew: u64,
}

impl ApiSecurity {
    /// Parses and checks every key. Errors: [`Error::KeyParse`] / [`Error::KeySize`] for a key
    /// (a certificate of the wrong algorithm is `KeyParse`), [`Error::InvalidArgument`] for an
    /// empty appid or 编号, or no platform certificate.
    pub fn new(config: &Config) -> Result<Self> {
        let alg = config.algorithm;
        if config.app_id.is_empty()
            || config.symmetric_key_sn.is_empty()
            || config.private_key_sn.is_empty()
            || config.platform_certificates.is_empty()
            || config
                .platform_certificates
                .iter()
                .any(|(sn, _)| sn.is_empty())
        {
            return Err(Error::InvalidArgument);
        }
        // One key per 编号: a repeated one would leave which key verifies to the reader.
        let certs = &config.platform_certificates;
        if certs
            .iter()
            .enumerate()
            .any(|(i, (sn, _))| certs[..i].iter().any(|(other, _)| other == sn))
        {
            return Err(Error::InvalidArgument);
        }
        let platform = config
            .platform_certificates
            .iter()
            .map(|(sn, pem)| Ok((sn.clone(), public_key_for(alg, pem)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(ApiSecurity {
            app_id: config.app_id.clone(),
            alg,
            sym_key: AeadKey::from_base64(alg.aead(), &config.symmetric_key)?,
            sym_sn: config.symmetric_key_sn.clone(),
            private_key: SigningKey::from_pem(alg, &config.private_key)?,
            private_key_sn: config.private_key_sn.clone(),
            platform,
            max_skew: config.max_skew_seconds,
        })
    }

    /// The private key (e.g. for [`RsaPrivateKey::to_pkcs8_der`] when a host delegates).
    pub fn private_key(&self) -> &SigningKey {
        &self.private_key
    }

    /// Seals a call: `params_json` is the API's parameters object (URL and POST parameters,
    /// without the access token). Returns the headers and the body to POST to `url`.
    /// Errors: [`Error::InvalidArgument`] (not an object, already holding a `_` security field,
    /// a URL without scheme), [`Error::CryptoFailure`].
    pub fn seal_request(
        &self,
        url: &str,
        params_json: &str,
        timestamp: u64,
        opts: &SealOptions<'_>,
    ) -> Result<Sealed> {
        let (mut sealed, to_sign) =
            self.seal_request_unsigned(url, params_json, timestamp, opts)?;
        let sig = self
            .private_key
            .sign(&self.private_key_sn, to_sign.as_bytes())?;
        sealed.headers.signature = Some(B64.encode(sig));
        Ok(sealed)
    }

    /// As [`ApiSecurity::seal_request`] without the signature: the sealed request with no
    /// `Wechatmp-Signature` header, and the string to sign (`urlpath\nappid\ntimestamp\nbody`),
    /// for a host that makes the private-key operation itself (WebCrypto, node:crypto) with the
    /// key [`ApiSecurity::private_key`] validated. Errors as [`ApiSecurity::seal_request`].
    pub fn seal_request_unsigned(
        &self,
        url: &str,
        params_json: &str,
        timestamp: u64,
        opts: &SealOptions<'_>,
    ) -> Result<(Sealed, String)> {
        let path = url_path(url)?;
        let body = seal_body(
            &self.sym_key,
            path,
            &self.app_id,
            timestamp,
            &self.sym_sn,
            params_json,
            opts,
        )?;
        let ts = timestamp.to_string();
        let to_sign = string_to_sign(path, &self.app_id, &ts, &body);
        Ok((
            Sealed {
                headers: Headers {
                    appid: Some(self.app_id.clone()),
                    timestamp: Some(ts),
                    serial: Some(self.private_key_sn.clone()),
                    signature: None,
                    serial_deprecated: None,
                    signature_deprecated: None,
                },
                body,
            },
            to_sign,
        ))
    }

    /// The algorithm pair.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// Opens an answer to a call to `url`: picks the signature whose 编号 is a held platform
    /// certificate (current first, then deprecated), verifies it over the answer's timestamp,
    /// decrypts with the answer's timestamp in the AAD, checks `_appid` and `_timestamp`, and
    /// the clock window around `now` (Unix seconds).
    ///
    /// Errors: [`Error::MissingField`] (no `Wechatmp-Appid`/`-TimeStamp`/signature, or an
    /// unencrypted body: fail closed), [`Error::ValidateAppid`] (header or `_appid` of another
    /// app), [`Error::TimestampWindow`] (outside the window, or `_timestamp` differs),
    /// [`Error::UnknownSerial`], [`Error::SignatureInvalid`], [`Error::MalformedEnvelope`],
    /// [`Error::AeadOpen`].
    pub fn open_response(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
    ) -> Result<OpenedResponse> {
        self.open_response_with(url, headers, body, now, open_body)
    }

    /// The first half of [`ApiSecurity::open_response`] for a host that runs the RSA-PSS
    /// verification itself (WebCrypto, node:crypto: a public-key operation, public data): every
    /// check before the signature (headers, appid, clock window, the 编号 of a held certificate,
    /// base64 of the signature), then the job: the 编号 (whose key
    /// [`ApiSecurity::platform_public_keys`] gives), the exact string to verify and the signature.
    /// The host verifies (RSASSA-PSS SHA-256, any salt length) and passes the outcome to
    /// [`ApiSecurity::open_response_host_verified`]. Errors as [`ApiSecurity::open_response`]
    /// before verification.
    pub fn open_response_verify_job(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
    ) -> Result<VerifyJob> {
        let c = self.check_response(url, headers, body, now)?;
        Ok(VerifyJob {
            serial: c.sn.clone(),
            message: string_to_sign(c.path, c.appid, c.ts, body),
            signature: c.sig,
        })
    }

    /// The second half: with `signature_valid` the host's verdict on the job of
    /// [`ApiSecurity::open_response_verify_job`] for the same arguments, redoes every check
    /// before the signature, fails with [`Error::SignatureInvalid`] unless it verified, then
    /// decrypts and checks as [`ApiSecurity::open_response`] does.
    pub fn open_response_host_verified(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
        signature_valid: bool,
    ) -> Result<OpenedResponse> {
        let c = self.check_response(url, headers, body, now)?;
        if !signature_valid {
            return Err(Error::SignatureInvalid);
        }
        self.finish_response(&c, body)
    }

    /// The held platform keys, `(编号, key)`, in configuration order.
    pub fn platform_public_keys(&self) -> impl Iterator<Item = (&str, &PublicKey)> {
        self.platform.iter().map(|(sn, k)| (sn.as_str(), k))
    }

    /// Every check of an answer before its signature; picks the held certificate.
    fn check_response<'a>(
        &'a self,
        url: &'a str,
        headers: &'a Headers,
        body: &str,
        now: u64,
    ) -> Result<ResponseCheck<'a>> {
        let path = url_path(url)?;
        if body.len() > MAX_BODY_LEN {
            return Err(Error::MalformedEnvelope);
        }
        let appid = headers.appid.as_deref().ok_or(Error::MissingField)?;
        let ts = headers.timestamp.as_deref().ok_or(Error::MissingField)?;
        if headers.signature.is_none() && headers.signature_deprecated.is_none() {
            return Err(Error::MissingField);
        }
        if appid != self.app_id {
            return Err(Error::ValidateAppid);
        }
        let ts_n = parse_ts(ts).ok_or(Error::MalformedEnvelope)?;
        if !in_window(ts_n, now, self.max_skew) {
            return Err(Error::TimestampWindow);
        }
        let held = |sn: &Option<String>| {
            sn.as_deref()
                .and_then(|sn| self.platform.iter().find(|(s, _)| s == sn))
        };
        let (sn, key, sig, deprecated) =
            if let (Some((sn, key)), Some(sig)) = (held(&headers.serial), &headers.signature) {
                (sn, key, sig, false)
            } else if let (Some((sn, key)), Some(sig)) = (
                held(&headers.serial_deprecated),
                &headers.signature_deprecated,
            ) {
                (sn, key, sig, true)
            } else {
                return Err(Error::UnknownSerial);
            };
        let sig = B64.decode(sig).map_err(|_| Error::SignatureInvalid)?;
        Ok(ResponseCheck {
            path,
            appid,
            ts,
            sn,
            key,
            sig,
            deprecated,
        })
    }

    /// Decrypts a checked, verified answer.
    fn finish_response(&self, c: &ResponseCheck<'_>, body: &str) -> Result<OpenedResponse> {
        self.finish_response_with(c, body, open_body)
    }

    /// As [`ApiSecurity::open_response`], with the answer's text as decrypted: `_n`, `_appid`
    /// and `_timestamp` checked and left in, for a host whose own JSON parser builds the object
    /// (and drops them).
    pub(crate) fn open_response_text(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
    ) -> Result<OpenedResponse> {
        self.open_response_with(url, headers, body, now, open_body_text)
    }

    /// Every check, the signature verified by the core, then `open` on the body.
    fn open_response_with(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
        open: BodyOpener,
    ) -> Result<OpenedResponse> {
        let c = self.check_response(url, headers, body, now)?;
        verify(
            self.alg,
            c.key,
            c.sn,
            string_to_sign(c.path, c.appid, c.ts, body).as_bytes(),
            &c.sig,
        )?;
        self.finish_response_with(&c, body, open)
    }

    /// For a host that verifies the RSA-PSS signature itself, in one pass: every check before
    /// the signature (errors as [`ApiSecurity::open_response`]), then the job to verify, whether
    /// the verifying certificate is the deprecated one, and the outcome of decrypting and
    /// checking the body (the answer's text as decrypted, as [`ApiSecurity::open_response_text`]
    /// gives it), which the host may release only once the signature verified.
    pub(crate) fn open_response_prepare(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
    ) -> Result<(VerifyJob, bool, Result<OpenedResponse>)> {
        let c = self.check_response(url, headers, body, now)?;
        let outcome = self.finish_response_with(&c, body, open_body_text);
        let job = VerifyJob {
            serial: c.sn.clone(),
            message: string_to_sign(c.path, c.appid, c.ts, body),
            signature: c.sig,
        };
        Ok((job, c.deprecated, outcome))
    }

    fn finish_response_with(
        &self,
        c: &ResponseCheck<'_>,
        body: &str,
        open: BodyOpener,
    ) -> Result<OpenedResponse> {
        let json =
            open(&self.sym_key, c.path, c.appid, c.ts, &self.sym_sn, body).map_err(
                |e| match e {
                    BodyError::Unencrypted => Error::MissingField,
                    BodyError::Malformed => Error::MalformedEnvelope,
                    BodyError::Open => Error::AeadOpen,
                    BodyError::Appid => Error::ValidateAppid,
                    BodyError::Timestamp => Error::TimestampWindow,
                },
            )?;
        Ok(OpenedResponse {
            json,
            serial: c.sn.clone(),
            deprecated: c.deprecated,
        })
    }
}

/// An answer that passed every check before its signature.
struct ResponseCheck<'a> {
    path: &'a str,
    appid: &'a str,
    ts: &'a str,
    sn: &'a String,
    key: &'a PublicKey,
    sig: Vec<u8>,
    deprecated: bool,
}

/// What a host verifies itself: [`ApiSecurity::open_response_verify_job`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyJob {
    /// The 编号 of the held certificate whose key verifies.
    pub serial: String,
    /// The exact string to verify (`urlpath\nappid\ntimestamp\nbody`, the answer's timestamp).
    pub message: String,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// The platform's keys for one app: what [`Platform::new`] takes (a local simulator).
#[derive(Clone, Debug)]
pub struct PlatformConfig {
    /// The app's appid.
    pub app_id: String,
    /// The algorithm pair.
    pub algorithm: Algorithm,
    /// The app's symmetric key, base64, and its 编号.
    pub symmetric_key: String,
    /// The symmetric key's 编号.
    pub symmetric_key_sn: String,
    /// The app's public key (SPKI PEM or certificate PEM) and its 编号.
    pub app_public_key: String,
    /// The app's asymmetric key 编号 (the SM2 user ID of requests).
    pub app_key_sn: String,
    /// The platform's current private key, PEM, and its certificate 编号.
    pub platform_private_key: String,
    /// The current certificate's 编号.
    pub platform_sn: String,
    /// During a rotation: the retiring private key and its 编号 (answers carry both signatures).
    pub deprecated: Option<(String, String)>,
    /// Clock window, seconds.
    pub max_skew_seconds: u64,
}

/// The platform's side (a simulator): opens requests with WeChat's `40230`..`40240` errors and
/// seals answers.
#[derive(Clone, Debug)]
pub struct Platform {
    app_id: String,
    alg: Algorithm,
    sym_key: AeadKey,
    sym_sn: String,
    app_key: PublicKey,
    app_key_sn: String,
    key: SigningKey,
    sn: String,
    deprecated: Option<(SigningKey, String)>,
    max_skew: u64,
}

impl Platform {
    /// Parses every key. Errors as [`ApiSecurity::new`].
    pub fn new(config: &PlatformConfig) -> Result<Self> {
        let alg = config.algorithm;
        if config.app_id.is_empty()
            || config.symmetric_key_sn.is_empty()
            || config.app_key_sn.is_empty()
            || config.platform_sn.is_empty()
        {
            return Err(Error::InvalidArgument);
        }
        let deprecated = match &config.deprecated {
            Some((pem, sn)) if !sn.is_empty() => {
                Some((SigningKey::from_pem(alg, pem)?, sn.clone()))
            }
            Some(_) => return Err(Error::InvalidArgument),
            None => None,
        };
        Ok(Platform {
            app_id: config.app_id.clone(),
            alg,
            sym_key: AeadKey::from_base64(alg.aead(), &config.symmetric_key)?,
            sym_sn: config.symmetric_key_sn.clone(),
            app_key: public_key_for(alg, &config.app_public_key)?,
            app_key_sn: config.app_key_sn.clone(),
            key: SigningKey::from_pem(alg, &config.platform_private_key)?,
            sn: config.platform_sn.clone(),
            deprecated,
            max_skew: config.max_skew_seconds,
        })
    }

    /// Opens a request to `url`, as WeChat would: returns the parameters object as JSON
    /// (without `_n`, `_appid`, `_timestamp`). Errors, in WeChat's order of checks as far as
    /// known: [`Error::ApiMissingAppid`], [`Error::ApiMissingTimestamp`],
    /// [`Error::ApiMissingSignature`], [`Error::ApiInvalidAppid`] (header or `_appid`),
    /// [`Error::ApiExpiredTimestamp`] (window or `_timestamp`), [`Error::ApiNoPublicKey`] (a
    /// `Wechatmp-Serial` naming another 编号), [`Error::ApiInvalidSignature`],
    /// [`Error::ApiInvalidEncrypt`] (no envelope, malformed, tag mismatch, oversized).
    pub fn open_request(
        &self,
        url: &str,
        headers: &Headers,
        body: &str,
        now: u64,
    ) -> Result<String> {
        let path = url_path(url)?;
        let appid = headers.appid.as_deref().ok_or(Error::ApiMissingAppid)?;
        let ts = headers
            .timestamp
            .as_deref()
            .ok_or(Error::ApiMissingTimestamp)?;
        let sig = headers
            .signature
            .as_deref()
            .ok_or(Error::ApiMissingSignature)?;
        if appid != self.app_id {
            return Err(Error::ApiInvalidAppid);
        }
        let ts_n = parse_ts(ts).ok_or(Error::ApiExpiredTimestamp)?;
        if !in_window(ts_n, now, self.max_skew) {
            return Err(Error::ApiExpiredTimestamp);
        }
        if headers
            .serial
            .as_deref()
            .is_some_and(|s| s != self.app_key_sn)
        {
            return Err(Error::ApiNoPublicKey);
        }
        if body.len() > MAX_BODY_LEN {
            return Err(Error::ApiInvalidEncrypt);
        }
        let sig = B64.decode(sig).map_err(|_| Error::ApiInvalidSignature)?;
        verify(
            self.alg,
            &self.app_key,
            &self.app_key_sn,
            string_to_sign(path, appid, ts, body).as_bytes(),
            &sig,
        )
        .map_err(|_| Error::ApiInvalidSignature)?;
        open_body(&self.sym_key, path, appid, ts, &self.sym_sn, body).map_err(|e| match e {
            BodyError::Appid => Error::ApiInvalidAppid,
            BodyError::Timestamp => Error::ApiExpiredTimestamp,
            _ => Error::ApiInvalidEncrypt,
        })
    }

    /// Seals an answer (`answer_json`, an object) to a call to `url`: encrypted, signed with the
    /// current key (and the deprecated one during a rotation). Errors as
    /// [`ApiSecurity::seal_request`].
    pub fn seal_response(
        &self,
        url: &str,
        answer_json: &str,
        timestamp: u64,
        opts: &SealOptions<'_>,
    ) -> Result<Sealed> {
        let path = url_path(url)?;
        let body = seal_body(
            &self.sym_key,
            path,
            &self.app_id,
            timestamp,
            &self.sym_sn,
            answer_json,
            opts,
        )?;
        let ts = timestamp.to_string();
        let m = string_to_sign(path, &self.app_id, &ts, &body);
        let sig = B64.encode(self.key.sign(&self.sn, m.as_bytes())?);
        let (serial_deprecated, signature_deprecated) = match &self.deprecated {
            Some((k, sn)) => (
                Some(sn.clone()),
                Some(B64.encode(k.sign(sn, m.as_bytes())?)),
            ),
            None => (None, None),
        };
        Ok(Sealed {
            headers: Headers {
                appid: Some(self.app_id.clone()),
                timestamp: Some(ts),
                serial: Some(self.sn.clone()),
                signature: Some(sig),
                serial_deprecated,
                signature_deprecated,
            },
            body,
        })
    }
}
