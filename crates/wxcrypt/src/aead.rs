//! AES-256-GCM and SM4-GCM with associated data: a 12-byte nonce and a 16-byte tag, the tag
//! appended to the ciphertext ([`AeadKey::seal`] / [`AeadKey::open`]) or kept apart as the
//! server-API security envelope has it (`data` and `authtag`: [`AeadKey::seal_detached`] /
//! [`AeadKey::open_detached`]).
//!
//! Used by WeChat Pay APIv3's callbacks and certificate downloads (AEAD_AES_256_GCM, the APIv3
//! key) and by the server-API security mode (AES256_GCM or SM4_GCM, the symmetric key).

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce, Tag};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// SM4 in GCM mode with a 96-bit nonce and a 128-bit tag.
type Sm4Gcm = AesGcm<sm4::Sm4, aes_gcm::aead::consts::U12>;

/// Nonce length: 12 bytes.
pub const NONCE_LEN: usize = 12;
/// Tag length: 16 bytes.
pub const TAG_LEN: usize = 16;

/// The block cipher under GCM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AeadAlgorithm {
    /// AES-256-GCM (32-byte key): WeChat Pay's AEAD_AES_256_GCM, API security's `AES256_GCM`.
    Aes256Gcm,
    /// SM4-GCM (16-byte key): API security's `SM4_GCM`.
    Sm4Gcm,
}

impl AeadAlgorithm {
    /// The key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes256Gcm => 32,
            AeadAlgorithm::Sm4Gcm => 16,
        }
    }
}

/// A GCM key: the cipher (key schedule and GHASH key) built once, when the key is made, not
/// per message. Wiped on drop (the ciphers' `zeroize`); `Debug` prints only the algorithm.
#[derive(Clone)]
pub struct AeadKey {
    alg: AeadAlgorithm,
    cipher: Cipher,
}

#[derive(Clone)]
enum Cipher {
    Aes(Box<Aes256Gcm>),
    Sm4(Box<Sm4Gcm>),
}

impl core::fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AeadKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl AeadKey {
    /// A key from raw bytes. Errors: [`Error::KeySize`] unless `key` is 32 bytes (AES-256) or 16
    /// bytes (SM4).
    pub fn new(alg: AeadAlgorithm, key: &[u8]) -> Result<Self> {
        if key.len() != alg.key_len() {
            return Err(Error::KeySize);
        }
        let cipher = match alg {
            AeadAlgorithm::Aes256Gcm => Cipher::Aes(Box::new(
                Aes256Gcm::new_from_slice(key).map_err(|_| Error::KeySize)?,
            )),
            AeadAlgorithm::Sm4Gcm => Cipher::Sm4(Box::new(
                Sm4Gcm::new_from_slice(key).map_err(|_| Error::KeySize)?,
            )),
        };
        Ok(AeadKey { alg, cipher })
    }

    /// A key from its standard base64 text (how the MP admin hands out the API symmetric key).
    /// Errors: [`Error::KeyParse`] for text that is not base64, [`Error::KeySize`] for a wrong
    /// length.
    pub fn from_base64(alg: AeadAlgorithm, key_b64: &str) -> Result<Self> {
        use base64::Engine as _;
        let raw = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(key_b64.trim())
                .map_err(|_| Error::KeyParse)?,
        );
        Self::new(alg, &raw)
    }

    /// A WeChat Pay APIv3 key: the 32 ASCII characters themselves are the AES-256 key.
    /// Errors: [`Error::KeySize`] unless it is 32 bytes.
    pub fn from_apiv3_key(key: &str) -> Result<Self> {
        Self::new(AeadAlgorithm::Aes256Gcm, key.as_bytes())
    }

    /// The algorithm.
    pub fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }

    /// Encrypts `plaintext` in place and returns the tag.
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        let nonce = Nonce::from(*nonce);
        let tag: Tag = match &self.cipher {
            Cipher::Aes(c) => c
                .encrypt_inout_detached(&nonce, aad, buf.into())
                .map_err(|_| Error::CryptoFailure)?,
            Cipher::Sm4(c) => c
                .encrypt_inout_detached(&nonce, aad, buf.into())
                .map_err(|_| Error::CryptoFailure)?,
        };
        Ok(tag.into())
    }

    /// Seals `plaintext`: the ciphertext with the 16-byte tag appended. The nonce must never
    /// repeat under one key: take it from [`random_nonce`] unless reproducing a vector.
    /// Errors: [`Error::CryptoFailure`] for a message over GCM's limit.
    pub fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buf.extend_from_slice(plaintext);
        let tag = self.seal_in_place(nonce, aad, &mut buf)?;
        buf.extend_from_slice(&tag);
        Ok(buf)
    }

    /// Seals `plaintext` and returns the ciphertext and the tag apart.
    pub fn seal_detached(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, [u8; TAG_LEN])> {
        let mut buf = plaintext.to_vec();
        let tag = self.seal_in_place(nonce, aad, &mut buf)?;
        Ok((buf, tag))
    }

    /// Opens a ciphertext with its tag appended. Errors: [`Error::MalformedEnvelope`] for a
    /// nonce that is not 12 bytes or a ciphertext shorter than the tag, [`Error::AeadOpen`] for
    /// every authentication failure (nothing is returned then).
    pub fn open(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let split = ciphertext_and_tag
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(Error::MalformedEnvelope)?;
        let (ct, tag) = ciphertext_and_tag.split_at(split);
        self.open_detached(nonce, aad, ct, tag)
    }

    /// Opens a ciphertext whose tag travels apart. Errors as [`AeadKey::open`] (a tag that is
    /// not 16 bytes is [`Error::MalformedEnvelope`]).
    pub fn open_detached(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| Error::MalformedEnvelope)?;
        let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| Error::MalformedEnvelope)?;
        let nonce = Nonce::from(nonce);
        let tag = Tag::from(tag);
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        let ok = match &self.cipher {
            Cipher::Aes(c) => c
                .decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag)
                .is_ok(),
            Cipher::Sm4(c) => c
                .decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag)
                .is_ok(),
        };
        if ok {
            Ok(buf)
        } else {
            Err(Error::AeadOpen)
        }
    }
}

/// A fresh random 12-byte nonce from the OS RNG. Errors: [`Error::CryptoFailure`] when no
/// randomness is available.
pub fn random_nonce() -> Result<[u8; NONCE_LEN]> {
    let mut n = [0u8; NONCE_LEN];
    crate::rng::fill(&mut n).map_err(|_| Error::CryptoFailure)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_gcm_nist_test_case_16() {
        // NIST GCM spec (McGrew & Viega), test case 16: AES-256, 96-bit iv, with AAD.
        let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        let iv: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
        let pt = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let k = AeadKey::new(AeadAlgorithm::Aes256Gcm, &key).unwrap();
        let (ct, tag) = k.seal_detached(&iv, &aad, &pt).unwrap();
        assert_eq!(ct, hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"));
        assert_eq!(tag.to_vec(), hex("76fc6ece0f4e1768cddf8853bb2d551b"));
        assert_eq!(&*k.open_detached(&iv, &aad, &ct, &tag).unwrap(), &pt);
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert_eq!(k.open_detached(&iv, &aad, &bad, &tag), Err(Error::AeadOpen));
        assert_eq!(
            k.open(&iv, b"", &k.seal(&iv, &aad, &pt).unwrap()),
            Err(Error::AeadOpen)
        );
        assert_eq!(k.open(&iv, &aad, &[0; 15]), Err(Error::MalformedEnvelope));
        assert_eq!(
            k.open(&iv[..11], &aad, &[0; 16]),
            Err(Error::MalformedEnvelope)
        );
    }

    #[test]
    fn sm4_gcm_rfc8998_vector() {
        // RFC 8998 appendix A.1 (SM4-GCM).
        let key = hex("0123456789ABCDEFFEDCBA9876543210");
        let iv: [u8; 12] = hex("00001234567800000000ABCD").try_into().unwrap();
        let aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        let pt = hex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
        let k = AeadKey::new(AeadAlgorithm::Sm4Gcm, &key).unwrap();
        let (ct, tag) = k.seal_detached(&iv, &aad, &pt).unwrap();
        assert_eq!(ct, hex("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"));
        assert_eq!(tag.to_vec(), hex("83DE3541E4C2B58177E065A9BF7B62EC"));
        assert_eq!(&*k.open_detached(&iv, &aad, &ct, &tag).unwrap(), &pt);
        assert_eq!(
            AeadKey::new(AeadAlgorithm::Sm4Gcm, &[0; 32]).unwrap_err(),
            Error::KeySize
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let k = AeadKey::new(AeadAlgorithm::Aes256Gcm, &[0x41; 32]).unwrap();
        assert!(!format!("{k:?}").contains("65"));
        assert!(!format!("{k:?}").contains("AAAA"));
    }

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
