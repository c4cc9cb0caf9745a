//! Message-push encryption: `WXBizMsgCrypt`, "safe mode" (spec §4).

use core::fmt;

use aes::cipher::{
    block_padding::NoPadding, BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit,
};
use aes::Aes256;
use base64::Engine as _;
use quick_xml::events::Event;
use subtle::{ConstantTimeEq, ConstantTimeLess};
use zeroize::Zeroizing;

use crate::base64_input;
use crate::error::{Error, Result};
use crate::signature::{msg_signature, verify_msg_signature, verify_url_signature};

/// PKCS#7 block size of the message scheme (not the AES block size).
const PAD_BLOCK: usize = 32;
/// random(16) + msg_len(4).
const HEADER: usize = 20;

/// The envelope format of a push body or reply.
///
/// Each of Tencent's senders uses one form, and a reply goes back in the form of the request
/// ([`MsgCrypt::decrypt_body`] says which one it was):
///
/// | sender | request body | reply |
/// |---|---|---|
/// | mini program (JSON push) | `{"ToUserName","Encrypt"}` | [`Format::Json`] |
/// | mini program (XML push), official account, open platform, WeCom apps | `<xml><Encrypt>` | [`Format::Xml`] |
/// | WeCom JSON callbacks (JSON sample libraries, intelligent robots) | `{"tousername","encrypt","agentid"}` | [`Format::WecomJson`] |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `{"Encrypt": ..}` in, `{"Encrypt","MsgSignature","TimeStamp","Nonce"}` out (the mini
    /// program's JSON push; `TimeStamp` is a bare number when it is a canonical integer).
    #[default]
    Json,
    /// `<xml><Encrypt><![CDATA[..]]></Encrypt>..</xml>`.
    Xml,
    /// WeCom's JSON form, keys in lower case: `{"encrypt": ..}` in,
    /// `{"encrypt","msgsignature","timestamp","nonce"}` out with every value a JSON string, as
    /// Tencent's WeCom JSON samples write it (`WXBizJsonMsgCrypt` in Go, C++ and Python).
    WecomJson,
}

impl Format {
    /// The format a host names `"json"`, `"xml"` or `"wecom-json"`; `None` for any other name.
    ///
    /// ```
    /// use wxcrypt::Format;
    /// assert_eq!(Format::from_name("xml"), Some(Format::Xml));
    /// assert_eq!(Format::from_name("wecom-json"), Some(Format::WecomJson));
    /// assert_eq!(Format::from_name("JSON"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            "wecom-json" => Some(Format::WecomJson),
            _ => None,
        }
    }

    /// The name [`Format::from_name`] reads back: `"json"`, `"xml"` or `"wecom-json"`.
    ///
    /// ```
    /// use wxcrypt::Format;
    /// for f in [Format::Json, Format::Xml, Format::WecomJson] {
    ///     assert_eq!(Format::from_name(f.name()), Some(f));
    /// }
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::WecomJson => "wecom-json",
        }
    }
}

/// A push body taken apart: its `Encrypt` field and the [`Format`] it came in.
///
/// ```
/// use wxcrypt::{Format, PushBody};
/// let body = PushBody::parse(r#"{"tousername":"wx5823bf96d3bd56c7","encrypt":"abc=","agentid":"218"}"#)?;
/// assert_eq!((body.encrypt.as_str(), body.format), ("abc=", Format::WecomJson));
/// let body = PushBody::parse("<xml><Encrypt><![CDATA[abc=]]></Encrypt></xml>")?;
/// assert_eq!((body.encrypt.as_str(), body.format), ("abc=", Format::Xml));
/// # Ok::<(), wxcrypt::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushBody {
    /// The `Encrypt` (or `encrypt`) field: the base64 ciphertext, as received.
    pub encrypt: String,
    /// The envelope the body used, which is the one its reply should use.
    pub format: Format,
}

impl PushBody {
    /// Finds the encrypted field of a push body.
    ///
    /// - JSON (validated as `JSON.parse` would): a top-level string member `Encrypt`
    ///   ([`Format::Json`]) or `encrypt` ([`Format::WecomJson`]). A body with both is accepted
    ///   only when the two values are the same string (read as [`Format::Json`]); differing
    ///   values are refused, since the signature covers one of them and the other would go
    ///   unchecked. Other spellings (`ENCRYPT`) are not read.
    /// - XML: the `Encrypt` child of the single root element ([`Format::Xml`]); document type
    ///   declarations are refused.
    ///
    /// Errors: [`Error::ParseBody`] when there is no such field, or two that differ.
    pub fn parse(body: &str) -> Result<PushBody> {
        let trimmed = body.trim_start();
        if trimmed.starts_with('{') {
            return json_encrypt_field(body).ok_or(Error::ParseBody);
        }
        if trimmed.starts_with('<') {
            return xml_encrypt_field(body)
                .map(|encrypt| PushBody {
                    encrypt,
                    format: Format::Xml,
                })
                .ok_or(Error::ParseBody);
        }
        Err(Error::ParseBody)
    }

    /// The encrypted field of a body a framework already parsed into an object: its `Encrypt`
    /// ([`Format::Json`]) or `encrypt` ([`Format::WecomJson`]) string member, under the same
    /// rule as [`PushBody::parse`] (both present: accepted only when equal, as [`Format::Json`]).
    ///
    /// ```
    /// use wxcrypt::{Format, PushBody};
    /// assert_eq!(PushBody::from_fields(None, Some("x")).unwrap().format, Format::WecomJson);
    /// assert_eq!(PushBody::from_fields(Some("x"), Some("x")).unwrap().format, Format::Json);
    /// assert_eq!(PushBody::from_fields(Some("x"), Some("y")).unwrap_err().code(), -40002);
    /// assert_eq!(PushBody::from_fields(None, None).unwrap_err().code(), -40002);
    /// ```
    pub fn from_fields(upper: Option<&str>, lower: Option<&str>) -> Result<PushBody> {
        let (encrypt, format) = match (upper, lower) {
            (Some(u), None) => (u, Format::Json),
            (None, Some(l)) => (l, Format::WecomJson),
            (Some(u), Some(l)) if u == l => (u, Format::Json),
            _ => return Err(Error::ParseBody),
        };
        Ok(PushBody {
            encrypt: encrypt.to_owned(),
            format,
        })
    }
}

/// A decrypted push message and the [`Format`] its body came in (the one to reply in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecryptedMsg {
    /// The message text (JSON or XML, as the sender wrote it).
    pub message: String,
    /// The envelope of the request body, and so of its reply.
    pub format: Format,
}

/// `WXBizMsgCrypt`: decrypts and encrypts the messages WeChat pushes to a server in safe mode.
///
/// ```
/// use wxcrypt::{Format, MsgCrypt};
/// let mc = MsgCrypt::new("AAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wxba5fad812f8e6fb9")?;
/// let reply = mc.encrypt_msg(r#"{"demo_resp":"good luck"}"#, "1713424427", "415670741", Format::Json)?;
/// // What WeChat does with the reply:
/// let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
/// let text = mc.decrypt_msg(
///     v["MsgSignature"].as_str().unwrap(), "1713424427", "415670741", &reply)?;
/// assert_eq!(text, r#"{"demo_resp":"good luck"}"#);
/// # Ok::<(), wxcrypt::Error>(())
/// ```
#[derive(Clone)]
pub struct MsgCrypt {
    token: Zeroizing<String>,
    cipher: Aes256,
    iv: Zeroizing<[u8; 16]>,
    app_id: String,
}

impl fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("app_id", &self.app_id)
            .field("token", &"<redacted>")
            .field("encoding_aes_key", &"<redacted>")
            .finish()
    }
}

impl MsgCrypt {
    /// `token` and `encoding_aes_key` (43 characters) as set on the sender's message-push page;
    /// `app_id` is the receiver id every message must carry, compared exactly:
    ///
    /// - mini program or official account: its appid;
    /// - open platform (third-party platform): the component appid;
    /// - WeCom internal app: the corp id;
    /// - WeCom third-party app: the suite id for instruction callbacks (`suite_ticket`, ...);
    ///   the authorizing corp's id for its data callbacks;
    /// - WeCom intelligent robot, and third-party apps of individual developers: `""`.
    ///
    /// Errors: [`Error::IllegalEncodingAesKey`] when the key is not 43 base64 characters that
    /// decode to 32 bytes.
    pub fn new(token: &str, encoding_aes_key: &str, app_id: &str) -> Result<MsgCrypt> {
        if encoding_aes_key.len() != 43 {
            return Err(Error::IllegalEncodingAesKey);
        }
        let key = Zeroizing::new(
            base64_input::decode_array::<32>(encoding_aes_key.as_bytes())
                .ok()
                .flatten()
                .ok_or(Error::IllegalEncodingAesKey)?,
        );
        let mut iv = Zeroizing::new([0u8; 16]);
        iv.copy_from_slice(&key[..16]);
        Ok(MsgCrypt {
            token: Zeroizing::new(token.to_owned()),
            cipher: Aes256::new((&*key).into()),
            iv,
            app_id: app_id.to_owned(),
        })
    }

    /// The receiver id messages must carry (app id, corp id, suite id or `""`).
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// GET URL verification as mini programs and official accounts do it: returns `echostr`
    /// unchanged when `signature` is the URL signature of `timestamp` and `nonce` with this
    /// token; [`Error::ValidateSignature`] otherwise. WeCom's encrypted `echostr` is
    /// [`MsgCrypt::verify_url_encrypted`].
    pub fn verify_url<'a>(
        &self,
        signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &'a str,
    ) -> Result<&'a str> {
        if verify_url_signature(&self.token, timestamp, nonce, signature) {
            Ok(echostr)
        } else {
            Err(Error::ValidateSignature)
        }
    }

    /// GET URL verification as WeCom does it (`VerifyURL` of its samples): `echostr` is
    /// encrypted and `msg_signature` is the message signature of `timestamp`, `nonce` and
    /// `echostr`. Checks the signature, decrypts, checks the receiver id (corp id, suite id or
    /// `""`, exactly) and returns the plaintext to answer with.
    ///
    /// Errors: as [`MsgCrypt::decrypt_encrypt`].
    pub fn verify_url_encrypted(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String> {
        self.decrypt_encrypt(msg_signature, timestamp, nonce, echostr)
    }

    /// GET URL verification picked from the query: with a `msg_signature` parameter it is
    /// WeCom's encrypted `echostr` ([`MsgCrypt::verify_url_encrypted`]), otherwise the plain
    /// `signature` check of mini programs and official accounts ([`MsgCrypt::verify_url`]).
    /// [`Error::ValidateSignature`] when the query has neither.
    ///
    /// ```
    /// use wxcrypt::MsgCrypt;
    /// let mc = MsgCrypt::new("AAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wxba5fad812f8e6fb9")?;
    /// let echo = mc.verify_url_query(
    ///     Some("f464b24fc39322e44b38aa78f5edd27bd1441696"), None,
    ///     "1714036504", "1514711492", "4375120948345356249")?;
    /// assert_eq!(echo, "4375120948345356249");
    /// # Ok::<(), wxcrypt::Error>(())
    /// ```
    pub fn verify_url_query(
        &self,
        signature: Option<&str>,
        msg_signature: Option<&str>,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String> {
        match (msg_signature, signature) {
            (Some(msg_signature), _) => {
                self.verify_url_encrypted(msg_signature, timestamp, nonce, echostr)
            }
            (None, Some(signature)) => self
                .verify_url(signature, timestamp, nonce, echostr)
                .map(str::to_owned),
            (None, None) => Err(Error::ValidateSignature),
        }
    }

    /// Decrypts a push body (JSON `{"Encrypt":..}` or `{"encrypt":..}`, or XML
    /// `<xml><Encrypt>..`, see [`PushBody::parse`]): checks `msg_signature` first (constant
    /// time), then decrypts, and returns the message text.
    pub fn decrypt_msg(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> Result<String> {
        self.decrypt_body(msg_signature, timestamp, nonce, body)
            .map(|d| d.message)
    }

    /// As [`MsgCrypt::decrypt_msg`], also saying which [`Format`] the body came in, so that the
    /// reply can be written in the same one.
    ///
    /// ```
    /// use wxcrypt::{Format, MsgCrypt};
    /// let mc = MsgCrypt::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")?;
    /// let req = mc.encrypt_msg(r#"{"MsgType":"text"}"#, "1409659813", "1372623149", Format::WecomJson)?;
    /// let v: serde_json::Value = serde_json::from_str(&req).unwrap();
    /// let got = mc.decrypt_body(v["msgsignature"].as_str().unwrap(), "1409659813", "1372623149", &req)?;
    /// assert_eq!(got.format, Format::WecomJson);
    /// let reply = mc.encrypt_msg("{}", "1409659814", "nonce", got.format)?;
    /// assert!(reply.starts_with(r#"{"encrypt":""#));
    /// # Ok::<(), wxcrypt::Error>(())
    /// ```
    pub fn decrypt_body(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> Result<DecryptedMsg> {
        let PushBody { encrypt, format } = PushBody::parse(body)?;
        let message = self.decrypt_encrypt(msg_signature, timestamp, nonce, &encrypt)?;
        Ok(DecryptedMsg { message, format })
    }

    /// As [`MsgCrypt::decrypt_msg`], for the `Encrypt` field already taken out of the body.
    pub fn decrypt_encrypt(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<String> {
        if !verify_msg_signature(&self.token, timestamp, nonce, encrypt, msg_signature) {
            return Err(Error::ValidateSignature);
        }
        let mut buf =
            base64_input::decode(encrypt.as_bytes()).map_err(|_| Error::DecodeMsgBase64)?;
        let len = self.decrypt_unpad(&mut buf).ok_or(Error::DecryptAes)?;
        let plain = &buf[..len];
        if plain.len() < HEADER {
            return Err(Error::IllegalMsgBuffer);
        }
        let msg_len = u32::from_be_bytes([plain[16], plain[17], plain[18], plain[19]]) as usize;
        let rest = &plain[HEADER..];
        if msg_len > rest.len() {
            return Err(Error::IllegalMsgBuffer);
        }
        let (msg, app_id) = rest.split_at(msg_len);
        if app_id != self.app_id.as_bytes() {
            return Err(Error::ValidateAppid);
        }
        String::from_utf8(msg.to_vec()).map_err(|_| Error::IllegalMsgBuffer)
    }

    /// Encrypts a reply into its envelope text, with a fresh random prefix from the operating
    /// system's CSPRNG (16 alphanumerics, as the official samples use).
    pub fn encrypt_msg(
        &self,
        reply: &str,
        timestamp: &str,
        nonce: &str,
        format: Format,
    ) -> Result<String> {
        let random = random_prefix().map_err(|_| Error::EncryptAes)?;
        self.encrypt_msg_with_random(reply, timestamp, nonce, format, &random)
    }

    /// As [`MsgCrypt::encrypt_msg`] with the random prefix given: for tests and for reproducing
    /// published vectors byte for byte. Production code uses [`MsgCrypt::encrypt_msg`].
    pub fn encrypt_msg_with_random(
        &self,
        reply: &str,
        timestamp: &str,
        nonce: &str,
        format: Format,
        random: &[u8; 16],
    ) -> Result<String> {
        let encrypt = self.encrypt(reply, random)?;
        let signature = msg_signature(&self.token, timestamp, nonce, &encrypt);
        match format {
            Format::Json => {
                // A bare number only when it is a canonical JSON integer that a JS reader gets
                // back exactly (no leading zero, at most 15 digits); quoted otherwise.
                let canonical = (1..=15).contains(&timestamp.len())
                    && timestamp.bytes().all(|b| b.is_ascii_digit())
                    && (timestamp == "0" || !timestamp.starts_with('0'));
                let ts = if canonical {
                    timestamp.to_owned()
                } else {
                    json_string(timestamp)?
                };
                Ok(format!(
                    r#"{{"Encrypt":{},"MsgSignature":"{signature}","TimeStamp":{ts},"Nonce":{}}}"#,
                    json_string(&encrypt)?,
                    json_string(nonce)?
                ))
            }
            Format::WecomJson => Ok(format!(
                r#"{{"encrypt":{},"msgsignature":"{signature}","timestamp":{},"nonce":{}}}"#,
                json_string(&encrypt)?,
                json_string(timestamp)?,
                json_string(nonce)?
            )),
            Format::Xml => {
                if nonce.contains("]]>") {
                    return Err(Error::GenReturnXml);
                }
                Ok(format!(
                    "<xml>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n<MsgSignature><![CDATA[{signature}]]></MsgSignature>\n<TimeStamp>{}</TimeStamp>\n<Nonce><![CDATA[{nonce}]]></Nonce>\n</xml>",
                    quick_xml::escape::escape(timestamp)
                ))
            }
        }
    }

    /// `base64(AES-256-CBC(random || msg_len || msg || appid, PKCS#7 block 32))`.
    fn encrypt(&self, msg: &str, random: &[u8; 16]) -> Result<String> {
        let msg_len = u32::try_from(msg.len()).map_err(|_| Error::EncryptAes)?;
        let body = HEADER + msg.len() + self.app_id.len();
        let pad = PAD_BLOCK - body % PAD_BLOCK;
        let mut buf = Vec::with_capacity(body + pad);
        buf.extend_from_slice(random);
        buf.extend_from_slice(&msg_len.to_be_bytes());
        buf.extend_from_slice(msg.as_bytes());
        buf.extend_from_slice(self.app_id.as_bytes());
        buf.resize(body + pad, pad as u8);
        let len = buf.len();
        cbc::Encryptor::<Aes256>::inner_iv_init(self.cipher.clone(), (&*self.iv).into())
            .encrypt_padded::<NoPadding>(&mut buf, len)
            .map_err(|_| Error::EncryptAes)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(&buf))
    }

    /// AES-256-CBC decryption in place and a constant-time PKCS#7 check with block 32.
    // Not inlined: two callers, and each copy of the software AES rounds costs ~6 KB in wasm.
    #[inline(never)]
    fn decrypt_unpad(&self, buf: &mut [u8]) -> Option<usize> {
        if buf.len() < PAD_BLOCK || !buf.len().is_multiple_of(16) {
            return None;
        }
        cbc::Decryptor::<Aes256>::inner_iv_init(self.cipher.clone(), (&*self.iv).into())
            .decrypt_padded::<NoPadding>(buf)
            .ok()?;
        let n = buf[buf.len() - 1];
        let mut ok = !n.ct_eq(&0) & n.ct_lt(&(PAD_BLOCK as u8 + 1));
        for (i, &b) in buf[buf.len() - PAD_BLOCK..].iter().rev().enumerate() {
            ok &= !(i as u8).ct_lt(&n) | b.ct_eq(&n);
        }
        bool::from(ok).then(|| buf.len() - usize::from(n))
    }
}

fn json_string(s: &str) -> Result<String> {
    Ok(crate::json_check::quote(s))
}

/// 16 random alphanumerics (uniform: rejection sampling over the OS CSPRNG).
fn random_prefix() -> core::result::Result<[u8; 16], getrandom::Error> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = [0u8; 16];
    let mut filled = 0;
    let mut pool = [0u8; 32];
    while filled < out.len() {
        getrandom::fill(&mut pool)?;
        for &b in &pool {
            // 248 = 4 * 62: keep bytes below it so every symbol is equally likely.
            if b < 248 && filled < out.len() {
                out[filled] = ALPHABET[usize::from(b % 62)];
                filled += 1;
            }
        }
    }
    Ok(out)
}

/// The `Encrypt` or `encrypt` member of a JSON push body (see [`PushBody::parse`]).
fn json_encrypt_field(body: &str) -> Option<PushBody> {
    // The same JSON.parse-exact validator as open data; the last member of a name wins.
    let [upper, lower] = crate::json_check::object_members(body, ["Encrypt", "encrypt"])
        .ok()
        .flatten()?;
    let (value, format) = match (upper, lower) {
        (Some(u), None) => (u.as_string()?, Format::Json),
        (None, Some(l)) => (l.as_string()?, Format::WecomJson),
        (Some(u), Some(l)) => {
            let (u, l) = (u.as_string()?, l.as_string()?);
            // Equal as JSON.parse reads them (UTF-16 unit by unit, escapes resolved).
            let text = u.to_string_lossy();
            if !(u.equals(&text) && l.equals(&text)) {
                return None;
            }
            (u, Format::Json)
        }
        (None, None) => return None,
    };
    Some(PushBody {
        encrypt: value.to_string_lossy(),
        format,
    })
}

/// `<xml>...<Encrypt>TEXT or CDATA</Encrypt>...</xml>`: the `Encrypt` child of the root element.
/// Document type declarations are refused (no entity tricks), the document must be well formed.
fn xml_encrypt_field(body: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut in_encrypt = false;
    let mut roots = 0;
    let mut found: Option<String> = None;
    let mut current = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                if depth == 1 {
                    roots += 1;
                }
                if depth == 2 && e.name().as_ref() == b"Encrypt" {
                    in_encrypt = true;
                    current.clear();
                }
            }
            Event::Empty(e) => {
                if depth == 0 {
                    roots += 1;
                }
                if depth == 1 && e.name().as_ref() == b"Encrypt" {
                    found = Some(String::new());
                }
            }
            Event::End(_) => {
                if depth == 2 && in_encrypt {
                    in_encrypt = false;
                    found = Some(core::mem::take(&mut current));
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Text(t) if in_encrypt => current.push_str(&t.unescape().ok()?),
            Event::CData(c) if in_encrypt => current.push_str(core::str::from_utf8(&c).ok()?),
            Event::DocType(_) => return None,
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || roots != 1 {
        return None;
    }
    found.map(|s| s.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_field_extraction() {
        let ok = [
            ("<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>", "abc+/="),
            ("<xml>\n <Encrypt>a&amp;b</Encrypt>\n<MsgType>text</MsgType></xml>", "a&b"),
            ("<?xml version=\"1.0\"?><xml><Encrypt>\n  abc\n</Encrypt></xml>", "abc"),
        ];
        for (xml, want) in ok {
            assert_eq!(xml_encrypt_field(xml).as_deref(), Some(want), "{xml}");
        }
        for xml in [
            "<xml><Encrypt>abc</Encrypt>",
            "<xml><a><Encrypt>abc</Encrypt></a></xml>",
            "<xml><Encrypt>abc</Encrypt></xml><xml/>",
            "<!DOCTYPE x [<!ENTITY e \"x\">]><xml><Encrypt>&e;</Encrypt></xml>",
            "<xml><Encrypt>abc</Encrypt2></xml>",
            "<xml></xml>",
        ] {
            assert_eq!(xml_encrypt_field(xml), None, "{xml}");
        }
    }

    #[test]
    fn random_prefix_is_alphanumeric_and_fresh() {
        let a = random_prefix().unwrap();
        let b = random_prefix().unwrap();
        assert!(a.iter().all(u8::is_ascii_alphanumeric));
        assert_ne!(a, b);
    }

    #[test]
    fn fail_bad_encoding_aes_keys() {
        for k in ["", "AAAA", &"A".repeat(44), &format!("{}!", "A".repeat(42))] {
            assert_eq!(
                MsgCrypt::new("t", k, "wx").unwrap_err(),
                Error::IllegalEncodingAesKey,
                "{k}"
            );
        }
        let shown = format!(
            "{:?}",
            MsgCrypt::new("secret-token", &"A".repeat(43), "wx1").unwrap()
        );
        assert!(
            !shown.contains("secret-token") && !shown.contains("AAAA"),
            "{shown}"
        );
    }
}
