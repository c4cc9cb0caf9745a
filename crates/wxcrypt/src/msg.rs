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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// `{"Encrypt": ..}` in, `{"Encrypt","MsgSignature","TimeStamp","Nonce"}` out.
    #[default]
    Json,
    /// `<xml><Encrypt><![CDATA[..]]></Encrypt>..</xml>`.
    Xml,
}

impl Format {
    /// The format a host names `"json"` or `"xml"`; `None` for any other name.
    ///
    /// ```
    /// use wxcrypt::Format;
    /// assert_eq!(Format::from_name("xml"), Some(Format::Xml));
    /// assert_eq!(Format::from_name("JSON"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }
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
    /// `token` and `encoding_aes_key` (43 characters) as set on the mini program's
    /// message-push page; `app_id` is the mini program's appid.
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

    /// The app id messages must carry.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// GET URL verification: returns `echostr` when `signature` is the URL signature of
    /// `timestamp` and `nonce` with this token; [`Error::ValidateSignature`] otherwise.
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

    /// Decrypts a push body (JSON `{"Encrypt":..}` or XML `<xml><Encrypt>..`): checks
    /// `msg_signature` first (constant time), then decrypts, and returns the message text.
    pub fn decrypt_msg(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &str,
    ) -> Result<String> {
        let encrypt = encrypt_field(body)?;
        self.decrypt_encrypt(msg_signature, timestamp, nonce, &encrypt)
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

/// The `Encrypt` field of a JSON or XML push body; [`Error::ParseBody`] when there is none.
fn encrypt_field(body: &str) -> Result<String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        // The same JSON.parse-exact validator as open data; the last "Encrypt" wins.
        let [encrypt] = crate::json_check::object_members(body, ["Encrypt"])
            .ok()
            .flatten()
            .ok_or(Error::ParseBody)?;
        return encrypt
            .and_then(|v| v.as_string())
            .map(|s| s.to_string_lossy())
            .ok_or(Error::ParseBody);
    }
    if trimmed.starts_with('<') {
        return xml_encrypt_field(body).ok_or(Error::ParseBody);
    }
    Err(Error::ParseBody)
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
