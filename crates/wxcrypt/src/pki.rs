//! Keys, certificates and signatures: RSA (PSS and PKCS#1 v1.5 with SHA-256, OAEP with SHA-1),
//! X.509 certificates, SM2 with SM3.
//!
//! One layer for WeChat's server-API security mode (RSASSA-PSS SHA-256 salt 32, SM2withSM3) and
//! WeChat Pay APIv3 (RSASSA-PKCS1-v1_5 SHA-256, RSAES-OAEP SHA-1). RSA is RustCrypto `rsa` 0.10
//! (constant-time `crypto-bigint` arithmetic; private-key operations blinded). Private keys wipe
//! themselves on drop and never print themselves; every failure is a documented [`Error`].

use der::{Decode, Encode};
use pkcs1::DecodeRsaPrivateKey;
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use spki::DecodePublicKey;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::rng::OsRng;

/// The smallest RSA modulus accepted, in bits.
pub const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (bounds the work a hostile key can cause).
pub const RSA_MAX_BITS: usize = 8192;
/// PSS salt length for the server-API security mode.
pub const PSS_SALT_LEN: usize = 32;

/// The DER prefix of a SHA-256 `DigestInfo` (RFC 8017, section 9.2, note 1).
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The `DigestInfo` of SHA-256(`message`) (51 bytes): the block an RSASSA-PKCS1-v1_5 SHA-256
/// signature pads and exponentiates (EMSA-PKCS1-v1_5, RFC 8017, section 9.2, step 2). For a
/// host whose RSA signs a block the core hashed and encoded (node:crypto's `privateEncrypt`
/// with `RSA_PKCS1_PADDING` adds the type-1 padding): the same signature as
/// [`RsaPrivateKey::sign_pkcs1v15_sha256`] over `message`.
pub fn pkcs1v15_sha256_digest_info(message: &[u8]) -> [u8; 51] {
    let mut out = [0u8; 51];
    out[..19].copy_from_slice(&SHA256_DIGEST_INFO_PREFIX);
    out[19..].copy_from_slice(&Sha256::digest(message));
    out
}

fn check_bits(bits: usize) -> Result<()> {
    if (RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(Error::KeySize)
    }
}

/// An RSA private key (2048 to 8192 bits). Wiped on drop; `Debug` prints only the size.
#[derive(Clone)]
pub struct RsaPrivateKey {
    key: rsa::PrivateKey,
}

impl core::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

impl RsaPrivateKey {
    /// Parses a PEM private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`, what the MP admin hands out) or
    /// PKCS#8 (`BEGIN PRIVATE KEY`, WeChat Pay's `apiclient_key.pem`). Errors:
    /// [`Error::KeyParse`] for anything else (a public key, a certificate, an EC/SM2 key, an
    /// encrypted key, garbage), [`Error::KeySize`] outside 2048..=8192 bits.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        let key = if pem.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
            rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|_| Error::KeyParse)?
        } else if pem.starts_with("-----BEGIN PRIVATE KEY-----") {
            rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|_| Error::KeyParse)?
        } else {
            return Err(Error::KeyParse);
        };
        Self::checked(key)
    }

    /// Parses a PKCS#8 DER private key. Errors as [`RsaPrivateKey::from_pem`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        Self::checked(rsa::PrivateKey::from_pkcs8_der(der).map_err(|_| Error::KeyParse)?)
    }

    fn checked(key: rsa::PrivateKey) -> Result<Self> {
        check_bits(key.n().bit_width() as usize)?;
        key.validate().map_err(|_| Error::KeyParse)?;
        Ok(RsaPrivateKey { key })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bit_width() as usize
    }

    /// The validated key as PKCS#8 DER (for a host that runs the private-key operation in
    /// WebCrypto / node:crypto after this crate parsed and checked the key). Wiped on drop.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = self.key.to_pkcs8_der().map_err(|_| Error::KeyParse)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The public half.
    pub fn public_key(&self) -> RsaPublicKey {
        RsaPublicKey {
            key: self.key.to_public_key(),
        }
    }

    /// RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 (server-API security). Randomised.
    /// Errors: [`Error::CryptoFailure`] when no randomness is available.
    pub fn sign_pss_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        let hashed = Sha256::digest(message);
        self.key
            .sign_with_rng(
                &mut OsRng,
                rsa::pss::Pss::<Sha256>::new_with_salt(PSS_SALT_LEN),
                &hashed,
            )
            .map_err(|_| Error::CryptoFailure)
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (`SHA256withRSA`: WeChat Pay APIv3). Blinded.
    pub fn sign_pkcs1v15_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        let hashed = Sha256::digest(message);
        self.key
            .sign_with_rng(&mut OsRng, rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed)
            .map_err(|_| Error::CryptoFailure)
    }

    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 decryption (WeChat Pay sensitive fields, for a
    /// simulator). Errors: [`Error::AeadOpen`] for every decryption failure (one error, no
    /// padding oracle detail).
    pub fn oaep_sha1_decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.key
            .decrypt_blinded(&mut OsRng, rsa::Oaep::<sha1::Sha1>::new(), ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| Error::AeadOpen)
    }
}

/// An RSA public key (2048 to 8192 bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicKey {
    key: rsa::PublicKey,
}

impl RsaPublicKey {
    /// Parses an SPKI PEM public key (`BEGIN PUBLIC KEY`, WeChat Pay's public-key mode
    /// `pub_key.pem`) or a PKCS#1 one (`BEGIN RSA PUBLIC KEY`). Errors: [`Error::KeyParse`],
    /// [`Error::KeySize`].
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        let key = if pem.starts_with("-----BEGIN PUBLIC KEY-----") {
            rsa::PublicKey::from_public_key_pem(pem).map_err(|_| Error::KeyParse)?
        } else if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
            use pkcs1::DecodeRsaPublicKey;
            rsa::PublicKey::from_pkcs1_pem(pem).map_err(|_| Error::KeyParse)?
        } else {
            return Err(Error::KeyParse);
        };
        Self::checked(key)
    }

    /// Parses an SPKI DER public key. Errors as [`RsaPublicKey::from_pem`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        Self::checked(rsa::PublicKey::from_public_key_der(der).map_err(|_| Error::KeyParse)?)
    }

    fn checked(key: rsa::PublicKey) -> Result<Self> {
        check_bits(key.n().bit_width() as usize)?;
        Ok(RsaPublicKey { key })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bit_width() as usize
    }

    /// The key as SPKI DER (for a host that verifies with WebCrypto / node:crypto after this
    /// crate parsed and checked the key).
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        use spki::EncodePublicKey;
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| Error::KeyParse)
    }

    /// The key as SPKI PEM (`BEGIN PUBLIC KEY`).
    pub fn to_spki_pem(&self) -> Result<String> {
        use spki::EncodePublicKey;
        self.key
            .to_public_key_pem(der::pem::LineEnding::LF)
            .map_err(|_| Error::KeyParse)
    }

    /// Verifies RSASSA-PSS SHA-256 with any salt length (WeChat: "一般不需要指定salt长度").
    /// Errors: [`Error::SignatureInvalid`].
    pub fn verify_pss_sha256(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let hashed = Sha256::digest(message);
        self.key
            .verify(rsa::pss::Pss::<Sha256>::new(), &hashed, signature)
            .map_err(|_| Error::SignatureInvalid)
    }

    /// Verifies RSASSA-PKCS1-v1_5 SHA-256. Errors: [`Error::SignatureInvalid`].
    pub fn verify_pkcs1v15_sha256(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let hashed = Sha256::digest(message);
        self.key
            .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed, signature)
            .map_err(|_| Error::SignatureInvalid)
    }

    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 encryption (WeChat Pay sensitive fields).
    /// Errors: [`Error::CryptoFailure`] (message too long, no randomness).
    pub fn oaep_sha1_encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.key
            .encrypt(&mut OsRng, rsa::Oaep::<sha1::Sha1>::new(), plaintext)
            .map_err(|_| Error::CryptoFailure)
    }
}

/// The public key a certificate or a key file carries.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// RSA.
    Rsa(RsaPublicKey),
    /// SM2.
    Sm2(Sm2PublicKey),
}

/// A parsed X.509 certificate: what a verifier needs from it.
#[derive(Clone, Debug)]
pub struct Certificate {
    /// The certificate's own serial number, uppercase hex without leading zero bytes (WeChat
    /// Pay's `serial_no`; NOT the 编号 of the server-API security mode).
    pub serial_hex: String,
    /// `notBefore`, Unix seconds.
    pub not_before: u64,
    /// `notAfter`, Unix seconds.
    pub not_after: u64,
    /// The subject public key (RSA 2048..=8192 bits, or SM2).
    pub public_key: PublicKey,
}

impl Certificate {
    /// Parses one PEM certificate (`BEGIN CERTIFICATE`). The signature of the issuer is not
    /// checked (WeChat hands the certificate over an authenticated channel; the 编号/serial
    /// pins it). Errors: [`Error::KeyParse`], [`Error::KeySize`].
    pub fn from_pem(pem: &str) -> Result<Self> {
        let (label, der) = pem_rfc7468_decode(pem)?;
        if label != "CERTIFICATE" {
            return Err(Error::KeyParse);
        }
        Self::from_der(&der)
    }

    /// Parses a DER certificate. Errors as [`Certificate::from_pem`].
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let cert = x509_cert::Certificate::from_der(der).map_err(|_| Error::KeyParse)?;
        let tbs = cert.tbs_certificate();
        let serial = tbs.serial_number().as_bytes();
        let first = serial
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(serial.len().saturating_sub(1));
        let serial_hex = serial[first..].iter().map(|b| format!("{b:02X}")).collect();
        let validity = tbs.validity();
        let not_before = validity.not_before.to_unix_duration().as_secs();
        let not_after = validity.not_after.to_unix_duration().as_secs();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|_| Error::KeyParse)?;
        let public_key = spki_public_key(&spki)?;
        Ok(Certificate {
            serial_hex,
            not_before,
            not_after,
            public_key,
        })
    }

    /// Whether `now` (Unix seconds) is within the validity period.
    pub fn is_valid_at(&self, now: u64) -> bool {
        (self.not_before..=self.not_after).contains(&now)
    }
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";

/// An SPKI DER public key of either kind. Errors: [`Error::KeyParse`] for another algorithm.
pub fn spki_public_key(der: &[u8]) -> Result<PublicKey> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::KeyParse)?;
    match info.algorithm.oid.to_string().as_str() {
        OID_RSA => Ok(PublicKey::Rsa(RsaPublicKey::from_spki_der(der)?)),
        OID_EC => Ok(PublicKey::Sm2(Sm2PublicKey::from_spki_der(der)?)),
        _ => Err(Error::KeyParse),
    }
}

/// A public key from PEM of any accepted kind: a certificate, an SPKI key (RSA or SM2) or a
/// PKCS#1 RSA public key. Errors: [`Error::KeyParse`], [`Error::KeySize`].
pub fn public_key_from_pem(pem: &str) -> Result<PublicKey> {
    let (label, der) = pem_rfc7468_decode(pem)?;
    match label.as_str() {
        "CERTIFICATE" => Ok(Certificate::from_der(&der)?.public_key),
        "PUBLIC KEY" => spki_public_key(&der),
        "RSA PUBLIC KEY" => Ok(PublicKey::Rsa(RsaPublicKey::from_pem(pem)?)),
        _ => Err(Error::KeyParse),
    }
}

fn pem_rfc7468_decode(pem: &str) -> Result<(String, Vec<u8>)> {
    let (label, der) = der::pem::decode_vec(pem.trim().as_bytes()).map_err(|_| Error::KeyParse)?;
    Ok((label.to_string(), der))
}

/// An SM2 private key. Wiped on drop (the `sm2` crate's `SecretKey` zeroizes); `Debug` prints
/// nothing of it.
#[derive(Clone)]
pub struct Sm2PrivateKey {
    key: sm2::SecretKey,
}

impl core::fmt::Debug for Sm2PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sm2PrivateKey").finish_non_exhaustive()
    }
}

impl Sm2PrivateKey {
    /// Parses an SM2 private key: PEM PKCS#8 (`BEGIN PRIVATE KEY`), SEC1 (`BEGIN EC PRIVATE
    /// KEY` / `BEGIN SM2 PRIVATE KEY`, the curve OID 1.2.156.10197.1.301), or the bare 32-byte
    /// scalar as 64 hex digits or base64. Errors: [`Error::KeyParse`].
    pub fn from_pem(text: &str) -> Result<Self> {
        let t = text.trim();
        let key = if t.starts_with("-----BEGIN PRIVATE KEY-----") {
            sm2::SecretKey::from_pkcs8_pem(t).map_err(|_| Error::KeyParse)?
        } else if t.starts_with("-----BEGIN") {
            let (label, der) = pem_rfc7468_decode(t)?;
            if label != "EC PRIVATE KEY" && label != "SM2 PRIVATE KEY" {
                return Err(Error::KeyParse);
            }
            let der = Zeroizing::new(der);
            sm2::SecretKey::from_sec1_der(&der).map_err(|_| Error::KeyParse)?
        } else {
            let raw = Zeroizing::new(decode_hex_or_base64(t)?);
            sm2::SecretKey::from_slice(&raw).map_err(|_| Error::KeyParse)?
        };
        Ok(Sm2PrivateKey { key })
    }

    /// The public half.
    pub fn public_key(&self) -> Sm2PublicKey {
        Sm2PublicKey {
            key: self.key.public_key(),
        }
    }

    /// SM2withSM3 (GB/T 32918.2, ZA over `user_id`), DER-encoded (ASN.1 `SEQUENCE { r, s }`, as
    /// WeChat sends). Errors: [`Error::InvalidArgument`] for a user ID over 8191 bytes,
    /// [`Error::CryptoFailure`].
    pub fn sign_sm3(&self, user_id: &str, message: &[u8]) -> Result<Vec<u8>> {
        use sm2::dsa::signature::RandomizedSigner;
        let sk =
            sm2::dsa::SigningKey::new(user_id, &self.key).map_err(|_| Error::InvalidArgument)?;
        let sig: sm2::dsa::Signature = sk
            .try_sign_with_rng(&mut OsRng, message)
            .map_err(|_| Error::CryptoFailure)?;
        Ok(sig.to_der().to_vec())
    }

    /// The key as PKCS#8 DER (for a host delegating the operation). Wiped on drop.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = self.key.to_pkcs8_der().map_err(|_| Error::KeyParse)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }
}

/// An SM2 public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sm2PublicKey {
    key: sm2::PublicKey,
}

impl Sm2PublicKey {
    /// Parses an SPKI PEM SM2 public key, or the uncompressed point (`04 || x || y`) as hex or
    /// base64. Errors: [`Error::KeyParse`].
    pub fn from_pem(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with("-----BEGIN") {
            match public_key_from_pem(t)? {
                PublicKey::Sm2(k) => Ok(k),
                PublicKey::Rsa(_) => Err(Error::KeyParse),
            }
        } else {
            let raw = decode_hex_or_base64(t)?;
            let key = sm2::PublicKey::from_sec1_bytes(&raw).map_err(|_| Error::KeyParse)?;
            Ok(Sm2PublicKey { key })
        }
    }

    /// Parses an SPKI DER SM2 public key. Errors: [`Error::KeyParse`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let key = sm2::PublicKey::from_public_key_der(der).map_err(|_| Error::KeyParse)?;
        Ok(Sm2PublicKey { key })
    }

    /// The key as SPKI PEM (`BEGIN PUBLIC KEY`).
    pub fn to_spki_pem(&self) -> Result<String> {
        use spki::EncodePublicKey;
        self.key
            .to_public_key_pem(der::pem::LineEnding::LF)
            .map_err(|_| Error::KeyParse)
    }

    /// Verifies a DER SM2withSM3 signature for `user_id`. Errors: [`Error::SignatureInvalid`].
    pub fn verify_sm3(&self, user_id: &str, message: &[u8], signature_der: &[u8]) -> Result<()> {
        use sm2::dsa::signature::Verifier;
        let vk =
            sm2::dsa::VerifyingKey::new(user_id, self.key).map_err(|_| Error::SignatureInvalid)?;
        let sig =
            sm2::dsa::Signature::from_der(signature_der).map_err(|_| Error::SignatureInvalid)?;
        vk.verify(message, &sig)
            .map_err(|_| Error::SignatureInvalid)
    }
}

fn decode_hex_or_base64(t: &str) -> Result<Vec<u8>> {
    if t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (0..t.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&t[i..i + 2], 16).map_err(|_| Error::KeyParse))
            .collect();
    }
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .map_err(|_| Error::KeyParse)
}

/// Constant-time equality of two byte strings (lengths are not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
