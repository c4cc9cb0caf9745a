//! Open-data decryption: `WXBizDataCrypt` (spec §2).

use core::fmt;

use aes::cipher::{
    block_padding::NoPadding, BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit,
};
use aes::{Aes128Dec, Aes128Enc};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeLess};
use zeroize::Zeroizing;

use crate::base64_input;
use crate::error::{Error, Result};
use crate::json_check::{object_members, RawValue};

const BLOCK: usize = 16;

/// A mini-program user's `session_key`: 16 bytes, given as base64 by `jscode2session`.
///
/// Holds the expanded AES key and the base64 text (the rawData signature is computed over the
/// text). Both are wiped from memory when the value is dropped, and `Debug` prints neither.
///
/// ```
/// let key = wxcrypt::SessionKey::from_base64("tiihtNczf5v6AKRyjwEUhQ==").unwrap();
/// assert_eq!(format!("{key:?}"), "SessionKey(<redacted>)");
/// assert_eq!(wxcrypt::SessionKey::from_base64("AAAA").unwrap_err().code(), -41001);
/// ```
#[derive(Clone)]
pub struct SessionKey {
    /// The decryption key schedule (all a server needs).
    cipher: Aes128Dec,
    /// The raw key, for [`encrypt_data`] (tests, simulators), which expands its own schedule.
    bytes: Zeroizing<[u8; 16]>,
    text: Zeroizing<String>,
}

impl SessionKey {
    /// Parses the base64 `session_key` under the crate's base64 input policy.
    ///
    /// Errors: [`Error::DecodeBase64`] when it is not base64, [`Error::IllegalAesKey`] when it
    /// does not decode to 16 bytes.
    pub fn from_base64(session_key: &str) -> Result<SessionKey> {
        let bytes = Zeroizing::new(
            base64_input::decode_array::<16>(session_key.as_bytes())
                .map_err(|_| Error::DecodeBase64)?
                .ok_or(Error::IllegalAesKey)?,
        );
        Ok(SessionKey::from_parts(&bytes, session_key))
    }

    /// A key from its 16 raw bytes (the base64 text is derived, standard alphabet, padded).
    pub fn from_bytes(bytes: &[u8; 16]) -> SessionKey {
        use base64::Engine as _;
        let text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes));
        SessionKey::from_parts(bytes, &text)
    }

    fn from_parts(bytes: &[u8; 16], text: &str) -> SessionKey {
        SessionKey {
            cipher: Aes128Dec::new(bytes.into()),
            bytes: Zeroizing::new(*bytes),
            text: Zeroizing::new(text.to_owned()),
        }
    }

    /// Decrypts and unpads raw bytes (for diagnostics): `None` on any failure.
    pub(crate) fn decrypt_raw_bytes(&self, ct: &[u8], iv: &[u8]) -> Option<Vec<u8>> {
        let iv: [u8; 16] = iv.try_into().ok()?;
        let mut buf = ct.to_vec();
        let len = cbc_decrypt_unpad(&self.cipher, &iv, &mut buf)?;
        buf.truncate(len);
        Some(buf)
    }

    /// Decrypts and unpads `encrypted_data` with `iv` (both base64) and returns the plaintext as
    /// text, with no JSON or watermark check: the first half of [`DataCrypt::decrypt_data`], for
    /// a host that parses the JSON itself and then checks `watermark.appid` on what its parser
    /// built (the JavaScript package does this with `JSON.parse`). Invalid UTF-8 is replaced by
    /// U+FFFD, as Node's decoder does.
    ///
    /// Errors: [`Error::DecodeBase64`] / [`Error::IllegalIv`] for the shape of the inputs, and
    /// [`Error::IllegalBuffer`] for a bad length or padding.
    ///
    /// ```
    /// use wxcrypt::{encrypt_data, SessionKey};
    /// let key = SessionKey::from_bytes(&[7; 16]);
    /// let b64 = |b: &[u8]| { use base64::Engine as _; base64::engine::general_purpose::STANDARD.encode(b) };
    /// let ct = b64(&encrypt_data(&key, &[9; 16], b"not even JSON"));
    /// assert_eq!(key.decrypt_text(&ct, &b64(&[9; 16])).unwrap(), "not even JSON");
    /// // A cut that leaves whole base64 quanta but not whole AES blocks.
    /// assert_eq!(key.decrypt_text(&ct[..ct.len() - 4], &b64(&[9; 16])).unwrap_err().code(), -41003);
    /// ```
    pub fn decrypt_text(&self, encrypted_data: &str, iv: &str) -> Result<String> {
        open_text(&self.cipher, encrypted_data.as_bytes(), iv.as_bytes())
    }

    /// The `session_key` text this key was made from (needed for signatures). Handle with care:
    /// it is the secret itself.
    pub fn expose_base64(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

/// Decodes a base64 iv of exactly 16 bytes.
fn parse_iv(iv: &[u8]) -> Result<[u8; 16]> {
    base64_input::decode_array::<16>(iv)
        .map_err(|_| Error::DecodeBase64)?
        .ok_or(Error::IllegalIv)
}

/// Decrypts `encrypted_data` with `iv` under `session_key` (all base64) and returns the
/// plaintext as text, with no JSON or watermark check: [`SessionKey::decrypt_text`] for a key
/// used once, which expands only the decryption half of the AES key schedule and keeps no copy of
/// the key's text. The hot path of the JavaScript package's `decryptData` (which parses with
/// `JSON.parse` and checks the watermark on what it built).
///
/// Errors, in this order: the session key's ([`Error::DecodeBase64`], [`Error::IllegalAesKey`]),
/// the iv's ([`Error::DecodeBase64`], [`Error::IllegalIv`]), then the data's
/// ([`Error::DecodeBase64`], and [`Error::IllegalBuffer`] for a bad length or padding).
///
/// ```
/// let text = wxcrypt::decrypt_text(
///     "tiihtNczf5v6AKRyjwEUhQ==",
///     "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==",
///     "r7BXXKkLb8qrSNn05n0qiA==",
/// )?;
/// assert!(text.starts_with(r#"{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE""#));
/// assert_eq!(wxcrypt::decrypt_text("AAAA", "", "").unwrap_err().code(), -41001);
/// # Ok::<(), wxcrypt::Error>(())
/// ```
///
/// The three values are taken as bytes (`&str` or `&[u8]`): a host that reads its strings as
/// UTF-8 bytes need not check them first, since a byte outside ASCII is outside every base64
/// alphabet and refused as such.
pub fn decrypt_text(
    session_key: impl AsRef<[u8]>,
    encrypted_data: impl AsRef<[u8]>,
    iv: impl AsRef<[u8]>,
) -> Result<String> {
    let key = Zeroizing::new(
        base64_input::decode_array::<16>(session_key.as_ref())
            .map_err(|_| Error::DecodeBase64)?
            .ok_or(Error::IllegalAesKey)?,
    );
    let cipher = Aes128Dec::new((&*key).into());
    open_text(&cipher, encrypted_data.as_ref(), iv.as_ref())
}

/// [`decrypt_text`] for `decryptData`: the plaintext only when its padding is valid and it passes
/// [`DataCrypt::decrypt_data`]'s checks (valid JSON by `JSON.parse`'s grammar, an object whose
/// `watermark.appid` is `app_id`), else `Ok(None)`, with the same work done for every plaintext
/// whatever failed (no timing oracle, see the README). Errors: only the shape checks decided
/// before decryption (the key's, the iv's, the data's base64, and [`Error::IllegalBuffer`] for a
/// ciphertext that is not whole AES blocks).
///
/// ```
/// use wxcrypt::{encrypt_data, SessionKey};
/// let key = SessionKey::from_bytes(&[7; 16]);
/// let b64 = |b: &[u8]| { use base64::Engine as _; base64::engine::general_purpose::STANDARD.encode(b) };
/// let iv = b64(&[9; 16]);
/// let ok = b64(&encrypt_data(&key, &[9; 16], br#"{"watermark":{"appid":"wx1"}}"#));
/// let text = wxcrypt::open_data_text(key.expose_base64(), &ok, &iv, "wx1")?;
/// assert_eq!(text.as_deref(), Some(r#"{"watermark":{"appid":"wx1"}}"#));
/// assert_eq!(wxcrypt::open_data_text(key.expose_base64(), &ok, &iv, "wx2")?, None);
/// let garbage = b64(&encrypt_data(&key, &[9; 16], b"not even JSON"));
/// assert_eq!(wxcrypt::open_data_text(key.expose_base64(), &garbage, &iv, "wx1")?, None);
/// // A bad padding is `None` too, not an error.
/// let bad = b64(&[0u8; 32]);
/// assert_eq!(wxcrypt::open_data_text(key.expose_base64(), &bad, &iv, "wx1")?, None);
/// # Ok::<(), wxcrypt::Error>(())
/// ```
pub fn open_data_text(
    session_key: impl AsRef<[u8]>,
    encrypted_data: impl AsRef<[u8]>,
    iv: impl AsRef<[u8]>,
    app_id: &str,
) -> Result<Option<String>> {
    let key = Zeroizing::new(
        base64_input::decode_array::<16>(session_key.as_ref())
            .map_err(|_| Error::DecodeBase64)?
            .ok_or(Error::IllegalAesKey)?,
    );
    let cipher = Aes128Dec::new((&*key).into());
    open_data_checked(&cipher, encrypted_data.as_ref(), iv.as_ref(), app_id)
}

/// Decodes `iv` and `encrypted_data`, decrypts and unpads: the plaintext as (lossy) text.
fn open_text(cipher: &Aes128Dec, encrypted_data: &[u8], iv: &[u8]) -> Result<String> {
    let iv = parse_iv(iv)?;
    let mut buf = base64_input::decode(encrypted_data).map_err(|_| Error::DecodeBase64)?;
    let len = cbc_decrypt_unpad(cipher, &iv, &mut buf).ok_or(Error::IllegalBuffer)?;
    buf.truncate(len);
    Ok(match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Decodes `iv` and `encrypted_data`, decrypts, and returns the plaintext as (lossy) text only
/// when its padding is valid and it is what `DataCrypt::decrypt_data` accepts (`JSON.parse`'s
/// grammar, an object whose `watermark.appid` is `app_id`); `Ok(None)` for every other
/// plaintext, whatever failed. The errors are the shape checks decided before any decryption
/// (base64, iv length, a ciphertext that is not whole AES blocks), which say nothing about the key.
///
/// No timing oracle: the padding verdict is computed branch-free and read only at the end; for a
/// bad padding the text is cut at a fixed rule (one whole block) and goes through the same UTF-8
/// decoding and the same JSON validation as a valid padding's, so a bad padding and a valid
/// padding over garbage cost the same.
pub(crate) fn open_data_checked(
    cipher: &Aes128Dec,
    encrypted_data: &[u8],
    iv: &[u8],
    app_id: &str,
) -> Result<Option<String>> {
    let checked = open_checked(cipher, encrypted_data, iv, |text| {
        payload_fields(text)?.watermark(app_id).map(drop)
    })?;
    Ok(checked.map(|(text, ())| text))
}

/// [`open_data_checked`] with the check as a function of the text (`None`: refused), whose
/// verdict is returned with the text.
fn open_checked<T>(
    cipher: &Aes128Dec,
    encrypted_data: &[u8],
    iv: &[u8],
    check: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<(String, T)>> {
    let iv = parse_iv(iv)?;
    let mut buf = base64_input::decode(encrypted_data).map_err(|_| Error::DecodeBase64)?;
    let (len, padding_ok) =
        cbc_decrypt_checked(cipher, &iv, &mut buf).ok_or(Error::IllegalBuffer)?;
    buf.truncate(len);
    let text = match String::from_utf8(buf) {
        Ok(s) => s,
        // Not UTF-8 (any bad padding's random bytes, and any garbage's): the lossy decoding, which
        // costs more than the rest of a call on random bytes, is only worth it for a text that
        // can still be a JSON object. The same test runs whatever the padding said.
        Err(e) if !opens_object(e.as_bytes()) => return Ok(None),
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    // Runs whatever the padding said; the padding verdict is read only now.
    let verdict = check(&text);
    Ok(if bool::from(padding_ok) {
        verdict.map(|v| (text, v))
    } else {
        None
    })
}

/// Whether `bytes`, after JSON whitespace, starts with `{` (a JSON object may follow).
fn opens_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|&b| b == b'{')
}

/// AES-128-CBC decryption in place with a constant-time PKCS#7 (block 16) check. Returns the
/// plaintext length, or `None` for any failure (length or padding), with no other detail.
fn cbc_decrypt_unpad(cipher: &Aes128Dec, iv: &[u8; 16], buf: &mut [u8]) -> Option<usize> {
    let (len, ok) = cbc_decrypt_checked(cipher, iv, buf)?;
    bool::from(ok).then_some(len)
}

/// AES-128-CBC decryption in place and the PKCS#7 (block 16) verdict, both branch-free: the
/// unpadded length and whether the padding is valid. For a bad padding the length is that of the
/// buffer less one block (a fixed rule, so that what follows does the same work). `None` only
/// for a length that is not whole blocks (known before decrypting).
fn cbc_decrypt_checked(
    cipher: &Aes128Dec,
    iv: &[u8; 16],
    buf: &mut [u8],
) -> Option<(usize, Choice)> {
    if buf.is_empty() || !buf.len().is_multiple_of(BLOCK) {
        return None;
    }
    cbc::Decryptor::<Aes128Dec>::inner_iv_init(cipher.clone(), iv.into())
        .decrypt_padded::<NoPadding>(buf)
        .ok()?;
    let n = buf[buf.len() - 1];
    // 1 <= n <= 16, and each of the last n bytes equals n; every byte of the last block is read.
    // The loop is branch-free arithmetic: `i - n` borrows (high byte 0xFF) exactly when i < n, so
    // `in_pad` is an all-ones mask over the padding bytes; `subtle` keeps the verdict a `Choice`.
    let mut mismatch = 0u8;
    for (i, &b) in buf[buf.len() - BLOCK..].iter().rev().enumerate() {
        let in_pad = ((i as u16).wrapping_sub(u16::from(n)) >> 8) as u8;
        mismatch |= in_pad & (b ^ n);
    }
    let ok = mismatch.ct_eq(&0) & !n.ct_eq(&0) & n.ct_lt(&(BLOCK as u8 + 1));
    let strip = u8::conditional_select(&(BLOCK as u8), &n, ok);
    Some((buf.len() - usize::from(strip), ok))
}

/// AES-128-CBC encryption with PKCS#7 padding: what WeChat does to produce `encryptedData`.
///
/// For tests, simulators and tools: a server never needs to encrypt open data.
///
/// ```
/// use wxcrypt::{encrypt_data, DataCrypt, SessionKey};
/// let key = SessionKey::from_bytes(&[7; 16]);
/// let iv = [9u8; 16];
/// let ct = encrypt_data(&key, &iv, br#"{"watermark":{"appid":"wx1"}}"#);
/// let b64 = |b: &[u8]| { use base64::Engine as _; base64::engine::general_purpose::STANDARD.encode(b) };
/// let crypt = DataCrypt::new("wx1", key.expose_base64()).unwrap();
/// assert!(crypt.decrypt_data(&b64(&ct), &b64(&iv)).is_ok());
/// ```
pub fn encrypt_data(key: &SessionKey, iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let pad = BLOCK - plaintext.len() % BLOCK;
    let mut buf = Vec::with_capacity(plaintext.len() + pad);
    buf.extend_from_slice(plaintext);
    buf.resize(plaintext.len() + pad, pad as u8);
    let len = buf.len();
    // The buffer is a whole number of blocks, so NoPadding cannot fail.
    let _ =
        cbc::Encryptor::<Aes128Enc>::inner_iv_init(Aes128Enc::new((&*key.bytes).into()), iv.into())
            .encrypt_padded::<NoPadding>(&mut buf, len);
    buf
}

/// The `watermark` WeChat adds to every open-data payload.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Watermark {
    /// `watermark.appid`: checked against the app's id before any data is returned.
    pub appid: String,
    /// `watermark.timestamp` (Unix seconds), when it is a number.
    pub timestamp: Option<f64>,
}

/// Decrypted and checked open data: the plaintext JSON text, exactly as WeChat sent it.
///
/// The text is valid JSON (by `JSON.parse`'s grammar), an object, and its watermark names the
/// expected appid. Parse it with [`OpenData::parse`] into your own `serde` types, or hand
/// [`OpenData::as_str`] to a JSON parser of your choice.
#[derive(Clone, PartialEq)]
pub struct OpenData {
    text: String,
    watermark: Watermark,
}

impl OpenData {
    /// The plaintext JSON text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The plaintext JSON text, by value.
    pub fn into_string(self) -> String {
        self.text
    }

    /// The checked watermark.
    pub fn watermark(&self) -> &Watermark {
        &self.watermark
    }

    /// Deserializes the payload with `serde_json`.
    ///
    /// Note that `serde_json` is stricter than `JSON.parse` in one respect: it refuses lone
    /// surrogate escapes such as `"\ud800"`, which WeChat does not produce.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.text)
    }
}

impl fmt::Debug for OpenData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Payloads carry personal data (phone numbers): show only their size and watermark.
        f.debug_struct("OpenData")
            .field("len", &self.text.len())
            .field("watermark", &self.watermark)
            .finish()
    }
}

/// `WXBizDataCrypt`: decrypts the `encryptedData` + `iv` a mini program sends, for one app and
/// one user's session key.
///
/// ```
/// use wxcrypt::DataCrypt;
/// let crypt = DataCrypt::new("wx4f4bc4dec97d474b", "tiihtNczf5v6AKRyjwEUhQ==")?;
/// let data = crypt.decrypt_data(
///     "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==",
///     "r7BXXKkLb8qrSNn05n0qiA==",
/// )?;
/// assert!(data.as_str().starts_with(r#"{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band""#));
/// assert_eq!(data.watermark().timestamp, Some(1477314187.0));
/// # Ok::<(), wxcrypt::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DataCrypt {
    app_id: String,
    key: SessionKey,
}

impl DataCrypt {
    /// Checks and expands the session key (base64) for `app_id`.
    pub fn new(app_id: &str, session_key: &str) -> Result<DataCrypt> {
        Ok(DataCrypt::with_key(
            app_id,
            SessionKey::from_base64(session_key)?,
        ))
    }

    /// For a session key already parsed.
    pub fn with_key(app_id: &str, key: SessionKey) -> DataCrypt {
        DataCrypt {
            app_id: app_id.to_owned(),
            key,
        }
    }

    /// The app id the watermark must carry.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The session key.
    pub fn session_key(&self) -> &SessionKey {
        &self.key
    }

    /// Decrypts `encryptedData` with `iv` (both base64) and checks that the plaintext is a JSON
    /// object whose `watermark.appid` is this app's id.
    ///
    /// Errors: [`Error::DecodeBase64`] / [`Error::IllegalIv`] for the shape of the inputs, and
    /// [`Error::IllegalBuffer`] for every other failure, whatever its cause.
    pub fn decrypt_data(&self, encrypted_data: &str, iv: &str) -> Result<OpenData> {
        self.decrypt_data_with(encrypted_data, iv, &DecryptOptions::default())
    }

    /// [`DataCrypt::decrypt_data`] with the optional freshness and identity checks of `options`
    /// ([`Error::Expired`], [`Error::OpenIdMismatch`]), which run after the watermark check.
    ///
    /// ```
    /// use wxcrypt::{encrypt_data, DataCrypt, DecryptOptions, SessionKey};
    /// let key = SessionKey::from_bytes(&[7; 16]);
    /// let text = br#"{"openId":"o1","watermark":{"appid":"wx1","timestamp":1000}}"#;
    /// let b64 = |b: &[u8]| { use base64::Engine as _; base64::engine::general_purpose::STANDARD.encode(b) };
    /// let (ct, iv) = (b64(&encrypt_data(&key, &[0; 16], text)), b64(&[0; 16]));
    /// let crypt = DataCrypt::with_key("wx1", key);
    /// let fresh = DecryptOptions { max_age_seconds: Some(300), now: Some(1100), ..Default::default() };
    /// assert!(crypt.decrypt_data_with(&ct, &iv, &fresh).is_ok());
    /// let late = DecryptOptions { now: Some(1400), ..fresh.clone() };
    /// assert_eq!(crypt.decrypt_data_with(&ct, &iv, &late).unwrap_err().code(), -41005);
    /// let other = DecryptOptions { expect_open_id: Some("o2".into()), ..Default::default() };
    /// assert_eq!(crypt.decrypt_data_with(&ct, &iv, &other).unwrap_err().code(), -41006);
    /// ```
    pub fn decrypt_data_with(
        &self,
        encrypted_data: &str,
        iv: &str,
        options: &DecryptOptions,
    ) -> Result<OpenData> {
        // The same work for a bad padding as for a bad plaintext (no timing oracle).
        let (text, (watermark, checked)) = open_checked(
            &self.key.cipher,
            encrypted_data.as_bytes(),
            iv.as_bytes(),
            |text| {
                let fields = payload_fields(text)?;
                let watermark = fields.watermark(&self.app_id)?;
                let checked = options.check(&watermark, fields.open_id);
                Some((watermark, checked))
            },
        )?
        .ok_or(Error::IllegalBuffer)?;
        checked?;
        Ok(OpenData { text, watermark })
    }

    /// Decrypts and unpads, and returns the plaintext as text with no JSON or watermark check:
    /// for payloads that are not JSON, such as `wx.authPrivateMessage`'s bare activityId.
    /// Invalid UTF-8 is replaced by U+FFFD, as Node's decoder does.
    pub fn decrypt_raw(&self, encrypted_data: &str, iv: &str) -> Result<String> {
        self.key.decrypt_text(encrypted_data, iv)
    }
}

/// Optional checks on top of the watermark check: freshness and identity (spec §6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    /// Reject data whose `watermark.timestamp` is older than this many seconds, in the future
    /// by more than [`DecryptOptions::MAX_FUTURE_SKEW_SECONDS`], or missing ([`Error::Expired`]).
    pub max_age_seconds: Option<u64>,
    /// Reject a payload whose top-level `openId` is not this openid (from `jscode2session`)
    /// ([`Error::OpenIdMismatch`]). Closes the iv forgery of the identity field; payloads without
    /// an `openId` (phone numbers, share info) pass.
    pub expect_open_id: Option<String>,
    /// The current Unix time in seconds; `None` reads the system clock. (Give it on targets
    /// without one, such as `wasm32-unknown-unknown`, and in tests.)
    pub now: Option<u64>,
}

impl DecryptOptions {
    /// How far in the future a watermark may be (clock skew between WeChat and the server).
    pub const MAX_FUTURE_SKEW_SECONDS: u64 = 60;

    /// Options from a JavaScript host's numbers: `now_seconds` from `Date.now() / 1000` (wasm32 has
    /// no clock), negative or non-finite values saturate to 0 (the bindings check them first).
    pub fn from_host(
        max_age_seconds: Option<f64>,
        expect_open_id: Option<String>,
        now_seconds: f64,
    ) -> DecryptOptions {
        DecryptOptions {
            max_age_seconds: max_age_seconds.map(|s| s as u64),
            expect_open_id,
            now: Some(now_seconds as u64),
        }
    }

    fn now(&self) -> u64 {
        self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
    }

    /// The age check alone: `Ok(age in seconds)` (negative: from the future), or the error.
    pub(crate) fn check_age(&self, watermark: &Watermark) -> Result<Option<f64>> {
        let Some(max_age) = self.max_age_seconds else {
            return Ok(None);
        };
        let ts = watermark
            .timestamp
            .filter(|t| t.is_finite())
            .ok_or(Error::Expired)?;
        let age = self.now() as f64 - ts;
        if age > max_age as f64 || -age > Self::MAX_FUTURE_SKEW_SECONDS as f64 {
            return Err(Error::Expired);
        }
        Ok(Some(age))
    }

    pub(crate) fn check_open_id(&self, open_id: Option<RawValue<'_>>) -> Result<()> {
        match (&self.expect_open_id, open_id) {
            (Some(want), Some(got)) => match got.as_string() {
                Some(s) if s.equals(want) => Ok(()),
                _ => Err(Error::OpenIdMismatch),
            },
            _ => Ok(()),
        }
    }

    fn check(&self, watermark: &Watermark, open_id: Option<RawValue<'_>>) -> Result<()> {
        self.check_age(watermark)?;
        self.check_open_id(open_id)
    }
}

/// The top-level members of a payload that the checks read.
pub(crate) struct PayloadFields<'a> {
    pub(crate) watermark: Option<RawValue<'a>>,
    pub(crate) open_id: Option<RawValue<'a>>,
}

/// `None` unless `text` is valid JSON and an object.
pub(crate) fn payload_fields(text: &str) -> Option<PayloadFields<'_>> {
    let [watermark, open_id] = object_members(text, ["watermark", "openId"]).ok()??;
    Some(PayloadFields { watermark, open_id })
}

impl PayloadFields<'_> {
    /// The raw `watermark.appid` string and timestamp, when the watermark is an object with a
    /// string appid.
    pub(crate) fn watermark_parts(
        &self,
    ) -> Option<(crate::json_check::RawString<'_>, Option<f64>)> {
        let [appid, timestamp] =
            object_members(self.watermark?.0, ["appid", "timestamp"]).ok()??;
        Some((appid?.as_string()?, timestamp.and_then(RawValue::as_f64)))
    }

    /// The watermark, if its appid is `app_id`.
    fn watermark(&self, app_id: &str) -> Option<Watermark> {
        let (appid, timestamp) = self.watermark_parts()?;
        appid.equals(app_id).then(|| Watermark {
            appid: app_id.to_owned(),
            timestamp,
        })
    }
}

#[cfg(test)]
fn check_watermark(text: &str, app_id: &str) -> Option<Watermark> {
    payload_fields(text)?.watermark(app_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_check_is_exact() {
        let key = SessionKey::from_bytes(&[1; 16]);
        let iv = [2u8; 16];
        // Encrypts one plaintext block as it stands (no padding added), then decrypts and unpads.
        let unpad = |mut block: [u8; 16]| {
            let _ = cbc::Encryptor::<Aes128Enc>::inner_iv_init(
                Aes128Enc::new((&*key.bytes).into()),
                (&iv).into(),
            )
            .encrypt_padded::<NoPadding>(&mut block, 16);
            cbc_decrypt_unpad(&key.cipher, &iv, &mut block)
        };
        for pad in 0u8..=17 {
            // A block whose tail claims `pad` padding bytes.
            let mut block = [b'x'; 16];
            for b in block.iter_mut().rev().take(usize::from(pad.min(16))) {
                *b = pad;
            }
            let valid = (1..=16).contains(&pad);
            assert_eq!(
                unpad(block),
                valid.then(|| 16 - usize::from(pad)),
                "pad {pad}"
            );
            if valid {
                // Every padding byte is checked, not only the last: change any other and it fails.
                for j in 1..usize::from(pad) {
                    let mut bad = block;
                    bad[15 - j] ^= 0x40;
                    assert_eq!(unpad(bad), None, "pad {pad} byte {j}");
                }
            }
        }
    }

    #[test]
    fn watermark_rules() {
        assert!(check_watermark(r#"{"watermark":{"appid":"wx1","timestamp":5}}"#, "wx1").is_some());
        for t in [
            r#"{"watermark":{"appid":"wx2"}}"#,
            r#"{"watermark":{"appid":1}}"#,
            r#"{"watermark":["wx1"]}"#,
            r#"{"watermark":"wx1"}"#,
            r#"{"watermark":null}"#,
            r#"{"watermark":{"appid":"wx1"},"watermark":{}}"#,
            r#"[{"watermark":{"appid":"wx1"}}]"#,
            r#"{"x":{"watermark":{"appid":"wx1"}}}"#,
            r#"{"watermark":{"appid":"wx1"}"#,
        ] {
            assert!(check_watermark(t, "wx1").is_none(), "{t}");
        }
    }
}
