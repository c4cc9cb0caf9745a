//! WeChat Pay APIv3 (微信支付 APIv3, issue 19): the merchant's side ([`Merchant`]: signed
//! requests, verified answers and callbacks, decrypted resources, `paySign`, sensitive-field
//! encryption) and the platform's side for a local simulator ([`Platform`]).
//!
//! The protocol, as WeChat Pay documents it (签名生成 / 签名验证 / 证书和回调报文解密 /
//! 敏感信息加解密 / JSAPI 调起支付):
//! - request signature: SHA256withRSA (RSASSA-PKCS1-v1_5, SHA-256) with the merchant key over
//!   `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` ([`request_message`]), sent as
//!   `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
//!   timestamp="…",serial_no="…"` ([`authorization_header`]);
//! - answers and callbacks: SHA256withRSA over `Wechatpay-Timestamp\nWechatpay-Nonce\n<raw body
//!   bytes>\n` ([`response_message`]), signature in `Wechatpay-Signature`, key named by
//!   `Wechatpay-Serial`: a platform certificate's serial or a public key's `PUB_KEY_ID_…`. A
//!   [`Verifier`] holds any number of both kinds at once (the switch-over period signs with
//!   either). A signature starting with `WECHATPAY/SIGNTEST/` is WeChat's probe: it always
//!   fails ([`Error::SignatureInvalid`]);
//! - `resource` of callbacks and `/v3/certificates`: AEAD_AES_256_GCM, key = the 32-byte APIv3
//!   key, 12-byte `nonce`, `associated_data`, ciphertext with the 16-byte tag appended
//!   ([`decrypt_resource`]; the tag is always checked);
//! - sensitive fields: RSAES-OAEP (SHA-1, MGF1-SHA-1) under a platform key, with
//!   `Wechatpay-Serial` naming it;
//! - `wx.requestPayment`'s `paySign`: SHA256withRSA over `appId\ntimeStamp\nnonceStr\n
//!   prepay_id=…\n` ([`pay_sign_message`]), `signType: "RSA"`.
//!
//! Error codes reuse the crypto layer's `-420xx` family: [`Error::MissingField`] (a
//! `Wechatpay-*` header missing), [`Error::TimestampWindow`], [`Error::UnknownSerial`],
//! [`Error::SignatureInvalid`] (also SIGNTEST), [`Error::MalformedEnvelope`] (not JSON, a
//! resource of another algorithm, a nonce that is not 12 bytes, base64 that does not decode),
//! [`Error::AeadOpen`], [`Error::KeyParse`] / [`Error::KeySize`] (keys of the wrong kind or
//! size), [`Error::InvalidArgument`] (an empty mchid or serial, a header value that breaks the
//! `Authorization` syntax).

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::aead::{AeadKey, NONCE_LEN};
use crate::error::{Error, Result};
use crate::pki::{ct_eq, Certificate, PublicKey, RsaPrivateKey, RsaPublicKey};

/// Default clock window for `Wechatpay-Timestamp`, seconds.
pub const DEFAULT_MAX_SKEW_SECONDS: u64 = 300;
/// The `Authorization` scheme.
pub const AUTH_SCHEMA: &str = "WECHATPAY2-SHA256-RSA2048";
/// The prefix of WeChat's probe signatures, which must never verify.
pub const SIGNTEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";
/// The prefix of a 微信支付公钥 id.
pub const PUB_KEY_ID_PREFIX: &str = "PUB_KEY_ID_";
/// The only resource algorithm.
pub const RESOURCE_ALGORITHM: &str = "AEAD_AES_256_GCM";
/// Largest body the verifiers accept (bytes): bounds time and memory on hostile input.
pub const MAX_BODY_LEN: usize = 8 * 1024 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` (an empty body line for GET).
pub fn request_message(
    method: &str,
    path_with_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &str,
) -> String {
    lines(&[method, path_with_query, timestamp, nonce, body])
}

/// Each part followed by `\n`, in one allocation.
fn lines(parts: &[&str]) -> String {
    let mut m = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        m.push_str(p);
        m.push('\n');
    }
    m
}

/// `timestamp\nnonce\n<raw body bytes>\n` (answers and callbacks).
pub fn response_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(nonce.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(body);
    m.push(b'\n');
    m
}

/// `appId\ntimeStamp\nnonceStr\nprepay_id=…\n` (`package` is `prepay_id=…`).
pub fn pay_sign_message(app_id: &str, time_stamp: &str, nonce_str: &str, package: &str) -> String {
    lines(&[app_id, time_stamp, nonce_str, package])
}

fn header_value_ok(v: &str) -> bool {
    !v.is_empty()
        && !v
            .bytes()
            .any(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
}

/// `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
/// Errors: [`Error::InvalidArgument`] for an empty value or one holding `"`, `\` or a control
/// character.
pub fn authorization_header(
    mch_id: &str,
    nonce: &str,
    signature: &str,
    timestamp: &str,
    serial_no: &str,
) -> Result<String> {
    if ![mch_id, nonce, signature, timestamp, serial_no]
        .iter()
        .all(|v| header_value_ok(v))
    {
        return Err(Error::InvalidArgument);
    }
    Ok(format!(
        r#"{AUTH_SCHEMA} mchid="{mch_id}",nonce_str="{nonce}",signature="{signature}",timestamp="{timestamp}",serial_no="{serial_no}""#
    ))
}

/// The members of an `Authorization` header, as [`parse_authorization`] reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// `mchid`.
    pub mch_id: String,
    /// `nonce_str`.
    pub nonce: String,
    /// `signature` (base64).
    pub signature: String,
    /// `timestamp`.
    pub timestamp: String,
    /// `serial_no`.
    pub serial_no: String,
}

/// Parses an `Authorization` header of the [`AUTH_SCHEMA`] scheme (members in any order, each
/// once). Errors: [`Error::MissingField`] for a missing member, [`Error::MalformedEnvelope`]
/// for another scheme or syntax.
pub fn parse_authorization(header: &str) -> Result<Authorization> {
    let rest = header
        .trim()
        .strip_prefix(AUTH_SCHEMA)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(Error::MalformedEnvelope)?;
    let mut slots: [Option<String>; 5] = Default::default();
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(Error::MalformedEnvelope)?;
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or(Error::MalformedEnvelope)?;
        let i = match k {
            "mchid" => 0,
            "nonce_str" => 1,
            "signature" => 2,
            "timestamp" => 3,
            "serial_no" => 4,
            _ => return Err(Error::MalformedEnvelope),
        };
        if slots[i].replace(v.to_string()).is_some() {
            return Err(Error::MalformedEnvelope);
        }
    }
    let [a, b, c, d, e] = slots;
    Ok(Authorization {
        mch_id: a.ok_or(Error::MissingField)?,
        nonce: b.ok_or(Error::MissingField)?,
        signature: c.ok_or(Error::MissingField)?,
        timestamp: d.ok_or(Error::MissingField)?,
        serial_no: e.ok_or(Error::MissingField)?,
    })
}

/// The `Wechatpay-*` headers of an answer or a callback, read in any letter case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// `Wechatpay-Timestamp`.
    pub timestamp: Option<String>,
    /// `Wechatpay-Nonce`.
    pub nonce: Option<String>,
    /// `Wechatpay-Signature`.
    pub signature: Option<String>,
    /// `Wechatpay-Serial`.
    pub serial: Option<String>,
}

impl Headers {
    /// Collects the headers from name/value pairs (names in any letter case; others ignored;
    /// values trimmed).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut h = Headers::default();
        for (name, value) in pairs {
            let slot = match name.trim().to_ascii_lowercase().as_str() {
                "wechatpay-timestamp" => &mut h.timestamp,
                "wechatpay-nonce" => &mut h.nonce,
                "wechatpay-signature" => &mut h.signature,
                "wechatpay-serial" => &mut h.serial,
                _ => continue,
            };
            *slot = Some(value.trim().to_string());
        }
        h
    }

    /// The headers as (name, value) pairs in WeChat Pay's spelling, present ones only.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        [
            ("Wechatpay-Timestamp", &self.timestamp),
            ("Wechatpay-Nonce", &self.nonce),
            ("Wechatpay-Signature", &self.signature),
            ("Wechatpay-Serial", &self.serial),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_ref().map(|v| (n.to_string(), v.clone())))
        .collect()
    }
}

fn parse_ts(ts: &str) -> Option<u64> {
    if ts.is_empty() || ts.len() > 19 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ts.parse().ok()
}

/// Verifies a base64 SHA256withRSA signature; SIGNTEST probes, bad base64 and wrong lengths
/// are [`Error::SignatureInvalid`].
pub fn verify_signature(key: &RsaPublicKey, message: &[u8], signature_b64: &str) -> Result<()> {
    if signature_b64.starts_with(SIGNTEST_PREFIX) {
        return Err(Error::SignatureInvalid);
    }
    let sig = B64
        .decode(signature_b64)
        .map_err(|_| Error::SignatureInvalid)?;
    key.verify_pkcs1v15_sha256(message, &sig)
}

/// Signs `message` with SHA256withRSA; base64.
pub fn sign(key: &RsaPrivateKey, message: &[u8]) -> Result<String> {
    Ok(B64.encode(key.sign_pkcs1v15_sha256(message)?))
}

/// A platform key as configured: a platform certificate (named by its serial) or a 微信支付公钥
/// (named by its `PUB_KEY_ID_…`).
#[derive(Clone, Debug)]
pub enum PlatformKeySource<'a> {
    /// `{ serial?, certificate }`: the certificate PEM; `serial`, when given, must be its own.
    Certificate {
        /// The serial the configuration names (checked against the certificate's), if any.
        serial: Option<&'a str>,
        /// PEM.
        pem: &'a str,
    },
    /// `{ id, publicKey }`: SPKI PEM.
    PublicKey {
        /// `PUB_KEY_ID_…`.
        id: &'a str,
        /// PEM.
        pem: &'a str,
    },
}

/// One held platform key.
#[derive(Clone, Debug)]
struct HeldKey {
    id: String,
    key: RsaPublicKey,
    /// Certificates: `notBefore` (for choosing the newest); public keys: `u64::MAX` (preferred).
    rank: u64,
}

/// The platform keys a merchant holds, both kinds at once, chosen by `Wechatpay-Serial`, with
/// a clock window.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: Vec<HeldKey>,
    max_skew: u64,
}

fn rsa_of(k: PublicKey) -> Result<RsaPublicKey> {
    match k {
        PublicKey::Rsa(k) => Ok(k),
        _ => Err(Error::KeyParse),
    }
}

impl Verifier {
    /// An empty verifier with a clock window of `max_skew_seconds`.
    pub fn new(max_skew_seconds: u64) -> Self {
        Verifier {
            keys: Vec::new(),
            max_skew: max_skew_seconds,
        }
    }

    /// Adds a platform key (replacing a held one with the same id). Returns its id (the
    /// certificate's serial, uppercase hex). Errors: [`Error::KeyParse`] (not a certificate /
    /// SPKI key, not RSA, a certificate whose serial is not the configured one),
    /// [`Error::KeySize`], [`Error::InvalidArgument`] (an empty id).
    pub fn add(&mut self, source: &PlatformKeySource<'_>) -> Result<String> {
        let held = match source {
            PlatformKeySource::Certificate { serial, pem } => {
                let cert = Certificate::from_pem(pem)?;
                if let Some(s) = serial {
                    if !s.eq_ignore_ascii_case(&cert.serial_hex) {
                        return Err(Error::KeyParse);
                    }
                }
                HeldKey {
                    id: cert.serial_hex.clone(),
                    key: rsa_of(cert.public_key)?,
                    rank: cert.not_before,
                }
            }
            PlatformKeySource::PublicKey { id, pem } => {
                if id.is_empty() {
                    return Err(Error::InvalidArgument);
                }
                if pem.trim_start().starts_with("-----BEGIN CERTIFICATE") {
                    return Err(Error::KeyParse);
                }
                HeldKey {
                    id: id.to_string(),
                    key: RsaPublicKey::from_pem(pem)?,
                    rank: u64::MAX,
                }
            }
        };
        let id = held.id.clone();
        self.keys.retain(|k| k.id != id);
        self.keys.push(held);
        Ok(id)
    }

    /// The ids of the held keys, in the order added.
    pub fn ids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.id.clone()).collect()
    }

    /// The held key with this id (serials compared without regard to letter case).
    pub fn key(&self, id: &str) -> Option<&RsaPublicKey> {
        self.held(id).map(|k| &k.key)
    }

    fn held(&self, id: &str) -> Option<&HeldKey> {
        self.keys
            .iter()
            .find(|k| k.id.len() == id.len() && ct_eq(k.id.as_bytes(), id.as_bytes()))
            .or_else(|| self.keys.iter().find(|k| k.id.eq_ignore_ascii_case(id)))
    }

    /// The held keys as (id, key), in the order added: what a host imports once into its own
    /// crypto (node:crypto, WebCrypto) to verify signatures for
    /// [`Verifier::verify_host_verified`].
    pub fn keys(&self) -> impl Iterator<Item = (&str, &RsaPublicKey)> {
        self.keys.iter().map(|k| (k.id.as_str(), &k.key))
    }

    /// The key to encrypt sensitive fields with: a 微信支付公钥 when one is held (the newest
    /// mode), else the newest certificate. `None` when nothing is held.
    pub fn preferred(&self) -> Option<(&str, &RsaPublicKey)> {
        self.keys
            .iter()
            .enumerate()
            .max_by_key(|(i, k)| (k.rank, *i))
            .map(|(_, k)| (k.id.as_str(), &k.key))
    }

    /// The checks of [`Verifier::verify`] before the RSA operation: the headers are present,
    /// the body is not over [`MAX_BODY_LEN`], the timestamp is within the window,
    /// `Wechatpay-Serial` names a held key, the signature is not a SIGNTEST probe and is base64
    /// of the key's length. Returns the key and the decoded signature.
    fn check(&self, headers: &Headers, body_len: usize, now: u64) -> Result<(&HeldKey, Vec<u8>)> {
        let ts = headers.timestamp.as_deref().ok_or(Error::MissingField)?;
        headers.nonce.as_deref().ok_or(Error::MissingField)?;
        let sig = headers.signature.as_deref().ok_or(Error::MissingField)?;
        let serial = headers.serial.as_deref().ok_or(Error::MissingField)?;
        if body_len > MAX_BODY_LEN {
            return Err(Error::MalformedEnvelope);
        }
        let t = parse_ts(ts).ok_or(Error::MalformedEnvelope)?;
        if t.abs_diff(now) > self.max_skew {
            return Err(Error::TimestampWindow);
        }
        let held = self.held(serial).ok_or(Error::UnknownSerial)?;
        if sig.starts_with(SIGNTEST_PREFIX) {
            return Err(Error::SignatureInvalid);
        }
        let sig = B64.decode(sig).map_err(|_| Error::SignatureInvalid)?;
        if sig.len() != held.key.bits().div_ceil(8) {
            return Err(Error::SignatureInvalid);
        }
        Ok((held, sig))
    }

    /// Verifies an answer or a callback: the headers are present, `Wechatpay-Timestamp` is
    /// within the window around `now` (Unix seconds), `Wechatpay-Serial` names a held key, and
    /// the signature verifies over `timestamp\nnonce\n<body>\n`. Returns the serial used (as
    /// the header gave it).
    ///
    /// Errors: [`Error::MissingField`], [`Error::MalformedEnvelope`] (a timestamp that is not a
    /// number, a body over [`MAX_BODY_LEN`]), [`Error::TimestampWindow`],
    /// [`Error::UnknownSerial`], [`Error::SignatureInvalid`].
    pub fn verify(&self, headers: &Headers, body: &[u8], now: u64) -> Result<String> {
        let (held, sig) = self.check(headers, body.len(), now)?;
        let (ts, nonce) = (
            headers.timestamp.as_deref().unwrap_or_default(),
            headers.nonce.as_deref().unwrap_or_default(),
        );
        held.key
            .verify_pkcs1v15_sha256(&response_message(ts, nonce, body), &sig)?;
        Ok(headers.serial.clone().unwrap_or_default())
    }

    /// [`Verifier::verify`] for a host that made the RSA operation itself (node:crypto,
    /// WebCrypto: SHA256withRSA over `timestamp\nnonce\n<body>\n` of these very header values,
    /// with the key [`Verifier::keys`] gave under `verdict.key_id`): every check of
    /// [`Verifier::verify`], in the same order and with the same errors, then the verdict, which
    /// counts only when it was made with the key `Wechatpay-Serial` names. `body_len` is the
    /// body's length. Returns the serial (as the header gave it).
    pub fn verify_host_verified(
        &self,
        headers: &Headers,
        verdict: HostVerdict<'_>,
        body_len: usize,
        now: u64,
    ) -> Result<String> {
        let (held, _) = self.check(headers, body_len, now)?;
        if !verdict.valid || verdict.key_id != Some(held.id.as_str()) {
            return Err(Error::SignatureInvalid);
        }
        Ok(headers.serial.clone().unwrap_or_default())
    }
}

/// A host's verdict on a platform signature it verified with its own crypto (see
/// [`Verifier::verify_host_verified`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostVerdict<'a> {
    /// The id (from [`Verifier::keys`]) of the key the host verified with; `None` when it held
    /// none for the serial.
    pub key_id: Option<&'a str>,
    /// Whether the signature verified.
    pub valid: bool,
}

/// Where [`Merchant::open_host_verified`] finds a callback's `resource`.
#[derive(Clone, Copy, Debug)]
pub enum ResourceInput<'a> {
    /// The members of `resource`, read by a host that parsed the body itself (every one a
    /// string; `associated_data` empty when absent).
    Fields(&'a Resource),
    /// The body, for the core to parse (anything a host did not recognise as a JSON object
    /// with a `resource` object of string members): errors as [`Merchant::open_notification`].
    Body(&'a [u8]),
}

/// A `resource` object: `{ algorithm, ciphertext, nonce, associated_data, original_type }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    /// `algorithm` (must be [`RESOURCE_ALGORITHM`]).
    pub algorithm: String,
    /// `ciphertext`: base64 of the ciphertext with the tag appended.
    pub ciphertext: String,
    /// `nonce`: 12 bytes.
    pub nonce: String,
    /// `associated_data` (may be empty or absent).
    pub associated_data: String,
    /// `original_type` (e.g. `transaction`, `refund`, `certificate`).
    pub original_type: String,
}

impl Resource {
    /// Reads a resource from a JSON value. Errors: [`Error::MissingField`] (no `ciphertext` /
    /// `nonce` / `algorithm`), [`Error::MalformedEnvelope`] (not an object, a member of the
    /// wrong type).
    pub fn from_value(v: &serde_json::Value) -> Result<Self> {
        let obj = v.as_object().ok_or(Error::MalformedEnvelope)?;
        let s = |name: &str, required: bool| -> Result<String> {
            match obj.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                None | Some(serde_json::Value::Null) if !required => Ok(String::new()),
                None => Err(Error::MissingField),
                Some(_) => Err(Error::MalformedEnvelope),
            }
        };
        Ok(Resource {
            algorithm: s("algorithm", true)?,
            ciphertext: s("ciphertext", true)?,
            nonce: s("nonce", true)?,
            associated_data: s("associated_data", false)?,
            original_type: s("original_type", false)?,
        })
    }

    /// Reads a resource from JSON text. Errors as [`Resource::from_value`].
    pub fn from_json(json: &str) -> Result<Self> {
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|_| Error::MalformedEnvelope)?;
        Self::from_value(&v)
    }

    /// The resource as JSON text (WeChat Pay's member order).
    pub fn to_json(&self) -> String {
        use crate::json_check::quote;
        format!(
            r#"{{"original_type":{},"algorithm":{},"ciphertext":{},"associated_data":{},"nonce":{}}}"#,
            quote(&self.original_type),
            quote(&self.algorithm),
            quote(&self.ciphertext),
            quote(&self.associated_data),
            quote(&self.nonce)
        )
    }
}

/// Decrypts a resource with the APIv3 key: the algorithm must be `AEAD_AES_256_GCM`, the nonce
/// 12 bytes, the tag is always checked. Errors: [`Error::MalformedEnvelope`] (another
/// algorithm, a nonce that is not 12 bytes, ciphertext that is not base64 or shorter than the
/// tag), [`Error::AeadOpen`] (any authentication failure).
pub fn decrypt_resource(key: &AeadKey, resource: &Resource) -> Result<Zeroizing<Vec<u8>>> {
    if resource.algorithm != RESOURCE_ALGORITHM || resource.nonce.len() != NONCE_LEN {
        return Err(Error::MalformedEnvelope);
    }
    let ct = B64
        .decode(resource.ciphertext.as_bytes())
        .map_err(|_| Error::MalformedEnvelope)?;
    key.open(
        resource.nonce.as_bytes(),
        resource.associated_data.as_bytes(),
        &ct,
    )
}

/// Encrypts a resource (the platform's side). `nonce` must be 12 bytes (default: 12 random
/// alphanumeric characters, as WeChat Pay sends). Errors: [`Error::InvalidArgument`] for a
/// nonce that is not 12 bytes, [`Error::CryptoFailure`].
pub fn encrypt_resource(
    key: &AeadKey,
    plaintext: &[u8],
    associated_data: &str,
    original_type: &str,
    nonce: Option<&str>,
) -> Result<Resource> {
    let nonce = match nonce {
        Some(n) => n.to_string(),
        None => random_alnum(12)?,
    };
    let n: [u8; NONCE_LEN] = nonce
        .as_bytes()
        .try_into()
        .map_err(|_| Error::InvalidArgument)?;
    let ct = key.seal(&n, associated_data.as_bytes(), plaintext)?;
    Ok(Resource {
        algorithm: RESOURCE_ALGORITHM.to_string(),
        ciphertext: B64.encode(ct),
        nonce,
        associated_data: associated_data.to_string(),
        original_type: original_type.to_string(),
    })
}

/// `len` random characters of `[0-9A-Za-z]` (nonces). Errors: [`Error::CryptoFailure`].
pub fn random_alnum(len: usize) -> Result<String> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        crate::rng::fill(&mut buf).map_err(|_| Error::CryptoFailure)?;
        for &b in &buf {
            // 248 = 4 * 62: rejection sampling keeps the distribution uniform.
            if b < 248 && out.len() < len {
                out.push(ALPHABET[(b % 62) as usize] as char);
            }
        }
    }
    Ok(out)
}

fn is_json_object_text(body: &[u8]) -> Result<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::MalformedEnvelope)?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(Error::MalformedEnvelope)
    }
}

/// What a merchant holds: what [`Merchant::new`] takes.
#[derive(Clone, Debug)]
pub struct Config<'a> {
    /// 商户号.
    pub mch_id: &'a str,
    /// The serial of the merchant API certificate (`serial_no` of `Authorization`).
    pub merchant_serial_no: &'a str,
    /// The merchant private key (`apiclient_key.pem`, PKCS#8; PKCS#1 accepted).
    pub merchant_private_key: &'a str,
    /// The APIv3 key (32 ASCII characters).
    pub api_v3_key: &'a str,
    /// Platform certificates and public keys, any number of both kinds (may be empty: keys can
    /// be added later, e.g. after downloading `/v3/certificates`).
    pub platform_keys: Vec<PlatformKeySource<'a>>,
    /// Clock window, seconds (default [`DEFAULT_MAX_SKEW_SECONDS`]).
    pub max_skew_seconds: u64,
}

/// An opened callback: the raw body (the notification, its `resource` still encrypted) and the
/// decrypted resource plaintext.
#[derive(Clone, Debug)]
pub struct Notification {
    /// The notification body exactly as received (UTF-8).
    pub body: String,
    /// The decrypted `resource` (JSON text for transaction and refund callbacks).
    pub resource: Zeroizing<Vec<u8>>,
    /// The platform key id that verified it.
    pub serial: String,
}

/// The parameters of `wx.requestPayment`, unsigned: the host signs [`PaymentParams::message`]
/// (or [`Merchant::request_payment_params`] does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentParams {
    /// `timeStamp`.
    pub time_stamp: String,
    /// `nonceStr`.
    pub nonce_str: String,
    /// `package`: `prepay_id=…`.
    pub package: String,
    /// The string `paySign` signs.
    pub message: String,
}

/// The merchant's side. Parse once, use for every call.
#[derive(Clone, Debug)]
pub struct Merchant {
    mch_id: String,
    serial_no: String,
    private_key: RsaPrivateKey,
    api_v3: AeadKey,
    verifier: Verifier,
}

impl Merchant {
    /// Parses and checks every key. Errors: [`Error::InvalidArgument`] (an empty mchid or
    /// serial, or one that breaks the header syntax), [`Error::KeyParse`] / [`Error::KeySize`]
    /// for a key or certificate (a certificate or public key where the private key goes, a
    /// 1024-bit key, an APIv3 key that is not 32 bytes).
    pub fn new(config: &Config<'_>) -> Result<Self> {
        if !header_value_ok(config.mch_id) || !header_value_ok(config.merchant_serial_no) {
            return Err(Error::InvalidArgument);
        }
        let private_key = RsaPrivateKey::from_pem(config.merchant_private_key)?;
        let api_v3 = AeadKey::from_apiv3_key(config.api_v3_key)?;
        let mut verifier = Verifier::new(config.max_skew_seconds);
        for k in &config.platform_keys {
            verifier.add(k)?;
        }
        Ok(Merchant {
            mch_id: config.mch_id.to_string(),
            serial_no: config.merchant_serial_no.to_string(),
            private_key,
            api_v3,
            verifier,
        })
    }

    /// The verifier (to add downloaded certificates).
    pub fn verifier_mut(&mut self) -> &mut Verifier {
        &mut self.verifier
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The private key (for [`RsaPrivateKey::to_pkcs8_der`] when a host delegates signing).
    pub fn private_key(&self) -> &RsaPrivateKey {
        &self.private_key
    }

    /// The string to sign for a request and the `Authorization` header's pieces; the host
    /// signs the message and calls [`Merchant::authorization_with`].
    pub fn authorization_message(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<String> {
        if method.is_empty()
            || !method.bytes().all(|b| b.is_ascii_uppercase())
            || !path_with_query.starts_with('/')
            || path_with_query.bytes().any(|b| b < 0x20)
            || parse_ts(timestamp).is_none()
            || !header_value_ok(nonce)
        {
            return Err(Error::InvalidArgument);
        }
        Ok(request_message(
            method,
            path_with_query,
            timestamp,
            nonce,
            body,
        ))
    }

    /// [`Merchant::authorization_message`] and the header around the signature: (message,
    /// before, after), the header being `before + base64 signature + after` (one boundary
    /// crossing for a host that signs).
    pub fn authorization_parts(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<(String, String, String)> {
        let m = self.authorization_message(method, path_with_query, body, timestamp, nonce)?;
        if ![&self.mch_id, nonce, timestamp, &self.serial_no]
            .iter()
            .all(|v| header_value_ok(v))
        {
            return Err(Error::InvalidArgument);
        }
        let before = format!(
            r#"{AUTH_SCHEMA} mchid="{}",nonce_str="{nonce}",signature=""#,
            self.mch_id
        );
        let after = format!(
            r#"",timestamp="{timestamp}",serial_no="{}""#,
            self.serial_no
        );
        Ok((m, before, after))
    }

    /// The `Authorization` header with a signature the host made.
    pub fn authorization_with(
        &self,
        nonce: &str,
        timestamp: &str,
        signature: &str,
    ) -> Result<String> {
        authorization_header(&self.mch_id, nonce, signature, timestamp, &self.serial_no)
    }

    /// The `Authorization` header of a request (`method` uppercase, `path_with_query` from
    /// `/v3/…`, `body` exactly as sent, empty for GET). Errors: [`Error::InvalidArgument`].
    pub fn authorization(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<String> {
        let m = self.authorization_message(method, path_with_query, body, timestamp, nonce)?;
        let sig = sign(&self.private_key, m.as_bytes())?;
        self.authorization_with(nonce, timestamp, &sig)
    }

    /// Verifies an answer or a callback ([`Verifier::verify`]).
    pub fn verify(&self, headers: &Headers, body: &[u8], now: u64) -> Result<String> {
        self.verifier.verify(headers, body, now)
    }

    /// Decrypts a resource with the APIv3 key ([`decrypt_resource`]).
    pub fn decrypt_resource(&self, resource: &Resource) -> Result<Zeroizing<Vec<u8>>> {
        decrypt_resource(&self.api_v3, resource)
    }

    /// Verifies a callback, then decrypts its `resource`. Errors as [`Verifier::verify`], then
    /// [`Error::MalformedEnvelope`] (a body that is not a JSON object, not UTF-8, without a
    /// `resource` object), [`Error::MissingField`], [`Error::AeadOpen`].
    pub fn open_notification(
        &self,
        headers: &Headers,
        body: &[u8],
        now: u64,
    ) -> Result<Notification> {
        let serial = self.verify(headers, body, now)?;
        let text = core::str::from_utf8(body).map_err(|_| Error::MalformedEnvelope)?;
        let plain = self.open_verified(body)?;
        Ok(Notification {
            body: text.to_string(),
            resource: plain,
            serial,
        })
    }

    /// [`Merchant::open_notification`] for a host that verified the signature itself
    /// ([`Verifier::verify_host_verified`]: every check, in the same order, then the verdict)
    /// and, usually, parsed the body too ([`ResourceInput::Fields`]): decrypts the `resource`.
    /// Errors as [`Merchant::open_notification`].
    pub fn open_host_verified(
        &self,
        headers: &Headers,
        verdict: HostVerdict<'_>,
        body_len: usize,
        resource: ResourceInput<'_>,
        now: u64,
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.verifier
            .verify_host_verified(headers, verdict, body_len, now)?;
        match resource {
            ResourceInput::Fields(r) => self.decrypt_resource(r),
            ResourceInput::Body(body) => self.open_verified(body),
        }
    }

    /// Parses a body whose signature was verified and decrypts its `resource`. Errors:
    /// [`Error::MalformedEnvelope`], [`Error::MissingField`], [`Error::AeadOpen`].
    fn open_verified(&self, body: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        core::str::from_utf8(body).map_err(|_| Error::MalformedEnvelope)?;
        let v = is_json_object_text(body)?;
        let resource = Resource::from_value(v.get("resource").ok_or(Error::MissingField)?)?;
        self.decrypt_resource(&resource)
    }

    /// The unsigned `wx.requestPayment` parameters. Errors: [`Error::InvalidArgument`] (an
    /// empty value, a `timeStamp` that is not digits, a `prepay_id` with a newline).
    pub fn payment_params(
        &self,
        app_id: &str,
        prepay_id: &str,
        time_stamp: &str,
        nonce_str: &str,
    ) -> Result<PaymentParams> {
        let ok = |s: &str| !s.is_empty() && !s.bytes().any(|b| b < 0x20);
        if !ok(app_id) || !ok(prepay_id) || !ok(nonce_str) || parse_ts(time_stamp).is_none() {
            return Err(Error::InvalidArgument);
        }
        let package = format!("prepay_id={prepay_id}");
        Ok(PaymentParams {
            message: pay_sign_message(app_id, time_stamp, nonce_str, &package),
            time_stamp: time_stamp.to_string(),
            nonce_str: nonce_str.to_string(),
            package,
        })
    }

    /// The signed `wx.requestPayment` parameters: (params, `paySign`).
    pub fn request_payment_params(
        &self,
        app_id: &str,
        prepay_id: &str,
        time_stamp: &str,
        nonce_str: &str,
    ) -> Result<(PaymentParams, String)> {
        let p = self.payment_params(app_id, prepay_id, time_stamp, nonce_str)?;
        let sig = sign(&self.private_key, p.message.as_bytes())?;
        Ok((p, sig))
    }

    /// Encrypts a sensitive field (RSAES-OAEP SHA-1) under the preferred platform key
    /// ([`Verifier::preferred`]) or the one named `serial`: (base64 ciphertext, the serial to
    /// send in `Wechatpay-Serial`). Errors: [`Error::UnknownSerial`] (no key held, or not that
    /// one), [`Error::CryptoFailure`] (text too long for the key).
    pub fn encrypt_sensitive(&self, text: &str, serial: Option<&str>) -> Result<(String, String)> {
        let (id, key) = match serial {
            Some(s) => (
                s.to_string(),
                self.verifier.key(s).ok_or(Error::UnknownSerial)?,
            ),
            None => {
                let (id, key) = self.verifier.preferred().ok_or(Error::UnknownSerial)?;
                (id.to_string(), key)
            }
        };
        Ok((B64.encode(key.oaep_sha1_encrypt(text.as_bytes())?), id))
    }
}

/// The platform's side, for a local simulator and tests: signs answers and callbacks with a
/// platform key (named by a certificate serial or a `PUB_KEY_ID_…`), encrypts resources,
/// decrypts sensitive fields, verifies merchants' `Authorization`.
#[derive(Clone, Debug)]
pub struct Platform {
    serial: String,
    key: RsaPrivateKey,
    api_v3: AeadKey,
    merchant: RsaPublicKey,
    mch_id: String,
    max_skew: u64,
}

/// A signed answer or callback: the headers to send with the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// `Wechatpay-Timestamp`, `-Nonce`, `-Signature`, `-Serial`.
    pub headers: Headers,
}

impl Platform {
    /// `serial` the id answers carry (the platform certificate's serial, or `PUB_KEY_ID_…`),
    /// `private_key` the platform key, `merchant_public_key` the merchant's SPKI PEM or
    /// certificate. Errors: [`Error::InvalidArgument`], [`Error::KeyParse`],
    /// [`Error::KeySize`].
    pub fn new(
        mch_id: &str,
        serial: &str,
        private_key: &str,
        api_v3_key: &str,
        merchant_public_key: &str,
        max_skew_seconds: u64,
    ) -> Result<Self> {
        if !header_value_ok(serial) || !header_value_ok(mch_id) {
            return Err(Error::InvalidArgument);
        }
        let merchant = if merchant_public_key
            .trim_start()
            .starts_with("-----BEGIN CERTIFICATE")
        {
            rsa_of(Certificate::from_pem(merchant_public_key)?.public_key)?
        } else {
            RsaPublicKey::from_pem(merchant_public_key)?
        };
        Ok(Platform {
            serial: serial.to_string(),
            key: RsaPrivateKey::from_pem(private_key)?,
            api_v3: AeadKey::from_apiv3_key(api_v3_key)?,
            merchant,
            mch_id: mch_id.to_string(),
            max_skew: max_skew_seconds,
        })
    }

    /// The id answers carry in `Wechatpay-Serial`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The platform key (for a host that delegates signing).
    pub fn private_key(&self) -> &RsaPrivateKey {
        &self.key
    }

    /// Signs an answer or a callback body. `nonce` default: 32 random alphanumerics.
    pub fn sign_response(
        &self,
        body: &[u8],
        timestamp: u64,
        nonce: Option<&str>,
    ) -> Result<Signed> {
        let nonce = match nonce {
            Some(n) => n.to_string(),
            None => random_alnum(32)?,
        };
        let ts = timestamp.to_string();
        let sig = sign(&self.key, &response_message(&ts, &nonce, body))?;
        Ok(Signed {
            headers: Headers {
                timestamp: Some(ts),
                nonce: Some(nonce),
                signature: Some(sig),
                serial: Some(self.serial.clone()),
            },
        })
    }

    /// Encrypts a resource with the APIv3 key ([`encrypt_resource`]).
    pub fn encrypt_resource(
        &self,
        plaintext: &[u8],
        associated_data: &str,
        original_type: &str,
        nonce: Option<&str>,
    ) -> Result<Resource> {
        encrypt_resource(
            &self.api_v3,
            plaintext,
            associated_data,
            original_type,
            nonce,
        )
    }

    /// Decrypts a sensitive field (base64 RSAES-OAEP SHA-1). Errors:
    /// [`Error::MalformedEnvelope`] (not base64), [`Error::AeadOpen`] (does not decrypt).
    pub fn decrypt_sensitive(&self, ciphertext_b64: &str) -> Result<Zeroizing<Vec<u8>>> {
        let ct = B64
            .decode(ciphertext_b64.trim())
            .map_err(|_| Error::MalformedEnvelope)?;
        self.key.oaep_sha1_decrypt(&ct)
    }

    /// Verifies a merchant request's `Authorization` against the merchant public key: the
    /// scheme, `mchid`, the timestamp window, the signature over the request. Returns the
    /// parsed header. Errors: [`Error::MalformedEnvelope`], [`Error::MissingField`],
    /// [`Error::InvalidArgument`] (another mchid), [`Error::TimestampWindow`],
    /// [`Error::SignatureInvalid`].
    pub fn verify_authorization(
        &self,
        method: &str,
        path_with_query: &str,
        body: &str,
        authorization: &str,
        now: u64,
    ) -> Result<Authorization> {
        let a = parse_authorization(authorization)?;
        if !ct_eq(a.mch_id.as_bytes(), self.mch_id.as_bytes()) {
            return Err(Error::InvalidArgument);
        }
        let t = parse_ts(&a.timestamp).ok_or(Error::MalformedEnvelope)?;
        if t.abs_diff(now) > self.max_skew {
            return Err(Error::TimestampWindow);
        }
        let m = request_message(method, path_with_query, &a.timestamp, &a.nonce, body);
        verify_signature(&self.merchant, m.as_bytes(), &a.signature)?;
        Ok(a)
    }
}
