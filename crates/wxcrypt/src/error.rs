//! The one error type of the crate, carrying WeChat's official error codes.

use core::fmt;

/// Everything that can go wrong, with the official numeric codes of WeChat's samples.
///
/// Open-data decryption (`WXBizDataCrypt`) uses the `-4100x` codes; message-push crypto
/// (`WXBizMsgCrypt`) the `-400xx` codes. Every failure that happens
/// after the key, iv and base64 shape checks (bad padding, invalid JSON, a missing watermark, a
/// wrong appid) is [`Error::IllegalBuffer`] on purpose: telling them apart to a client would make
/// the server a padding oracle. The variant carries no detail, and its `Display` is the same
/// `"Illegal Buffer"` text for every cause.
///
/// Neither `Display` nor `Debug` ever contains key material or input data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `-41001`: the session key does not decode to exactly 16 bytes.
    IllegalAesKey,
    /// `-41002`: the iv does not decode to exactly 16 bytes.
    IllegalIv,
    /// `-41003`: decryption failed (length, padding, JSON, watermark or appid; deliberately
    /// indistinguishable).
    IllegalBuffer,
    /// `-41004`: a base64 field holds a character outside the accepted alphabets, or is
    /// malformed (misplaced `=`, a dangling sextet).
    DecodeBase64,
    /// `-41005`: `watermark.timestamp` is older than the allowed age, in the future beyond the
    /// allowed skew, or missing (only with [`crate::DecryptOptions::max_age_seconds`]).
    Expired,
    /// `-41006`: the payload's `openId` is not the session's openid (only with
    /// [`crate::DecryptOptions::expect_open_id`]).
    OpenIdMismatch,
    /// `-40001`: the `msg_signature` (or URL `signature`) does not match.
    ValidateSignature,
    /// `-40002`: the push body is neither JSON with an `Encrypt` or `encrypt` field nor XML
    /// with an `Encrypt` field, or is JSON with both fields holding different values.
    ParseBody,
    /// `-40003`: a signature could not be computed.
    ComputeSignature,
    /// `-40004`: the EncodingAESKey is not 43 base64 characters decoding to 32 bytes.
    IllegalEncodingAesKey,
    /// `-40005`: the message was encrypted for another appid.
    ValidateAppid,
    /// `-40006`: encryption failed (no randomness available, a message over 4 GiB).
    EncryptAes,
    /// `-40007`: the ciphertext has a bad length or bad padding.
    DecryptAes,
    /// `-40008`: the decrypted buffer is too short, its length field is out of bounds, or the
    /// message is not UTF-8.
    IllegalMsgBuffer,
    /// `-40009`: base64 encoding failed.
    EncodeBase64,
    /// `-40010`: `Encrypt` is not base64.
    DecodeMsgBase64,
    /// `-40011`: the reply envelope could not be written (a nonce that breaks CDATA).
    GenReturnXml,
    /// `-42001`: the PEM or DER is not a key or certificate of the expected kind (not PEM, a certificate where a key was expected, a non-RSA key where RSA was expected, a malformed structure).
    KeyParse,
    /// `-42002`: a key of a refused size: an RSA modulus under 2048 bits (or over 8192), a symmetric key that does not decode to 32 bytes (AES-256) or 16 bytes (SM4).
    KeySize,
    /// `-42003`: a signature does not verify (or is not base64, or has the wrong length).
    SignatureInvalid,
    /// `-42004`: GCM decryption failed: the tag does not match the key, nonce, associated data and ciphertext (deliberately one error for every cause).
    AeadOpen,
    /// `-42005`: no held certificate or public key has the 编号 / serial the message names.
    UnknownSerial,
    /// `-42006`: a timestamp is outside the allowed window around the local clock, or the body's timestamp differs from the header's.
    TimestampWindow,
    /// `-42007`: a required header or field is missing: an answer that is unsigned or unencrypted where the secure mode requires both is refused with this code.
    MissingField,
    /// `-42008`: the envelope is not what the protocol defines: not JSON, a field of the wrong type, base64 that does not decode, an iv that is not 12 bytes, a body over the size limit.
    MalformedEnvelope,
    /// `-42009`: a signature or encryption could not be computed (no randomness available, a message too long for the key).
    CryptoFailure,
    /// `-42010`: an argument is not acceptable (an unknown algorithm name, an empty 编号, a URL with a query or without a scheme).
    InvalidArgument,
    /// `40230` (WeChat): the request has no `Wechatmp-Serial` header.
    ApiMissingSerial,
    /// `40231` (WeChat): the request has no `Wechatmp-TimeStamp` header.
    ApiMissingTimestamp,
    /// `40232` (WeChat): the request has no `Wechatmp-Signature` header.
    ApiMissingSignature,
    /// `40233` (WeChat): the request has no `Wechatmp-Appid` header.
    ApiMissingAppid,
    /// `40234` (WeChat): the request's signature does not verify with the app's public key.
    ApiInvalidSignature,
    /// `40235` (WeChat): the request's envelope does not decrypt (tag, iv, AAD, key) or is malformed.
    ApiInvalidEncrypt,
    /// `40236` (WeChat): `Wechatmp-Appid` is not a known app, or `_appid` differs from it.
    ApiInvalidAppid,
    /// `40237` (WeChat): `Wechatmp-Appid` does not match the access token's app (a simulator with tokens decides this).
    ApiAppidTokenMismatch,
    /// `40238` (WeChat): the app has no symmetric key configured (or the request names another 编号).
    ApiNoSymmetricKey,
    /// `40239` (WeChat): the app has no public key configured (or the request names another 编号).
    ApiNoPublicKey,
    /// `40240` (WeChat): the request's timestamp is outside the platform's window, or `_timestamp` differs from the header.
    ApiExpiredTimestamp,
}

impl Error {
    /// The numeric code: `-4100x` for open data, `-400xx` for message push, `-420xx` for the
    /// crypto layer and `40230`..`40240` for WeChat's server-API security answers.
    ///
    /// ```
    /// assert_eq!(wxcrypt::Error::IllegalBuffer.code(), -41003);
    /// ```
    pub const fn code(self) -> i32 {
        match self {
            Error::IllegalAesKey => -41001,
            Error::IllegalIv => -41002,
            Error::IllegalBuffer => -41003,
            Error::DecodeBase64 => -41004,
            Error::Expired => -41005,
            Error::OpenIdMismatch => -41006,
            Error::ValidateSignature => -40001,
            Error::ParseBody => -40002,
            Error::ComputeSignature => -40003,
            Error::IllegalEncodingAesKey => -40004,
            Error::ValidateAppid => -40005,
            Error::EncryptAes => -40006,
            Error::DecryptAes => -40007,
            Error::IllegalMsgBuffer => -40008,
            Error::EncodeBase64 => -40009,
            Error::DecodeMsgBase64 => -40010,
            Error::GenReturnXml => -40011,
            Error::KeyParse => -42001,
            Error::KeySize => -42002,
            Error::SignatureInvalid => -42003,
            Error::AeadOpen => -42004,
            Error::UnknownSerial => -42005,
            Error::TimestampWindow => -42006,
            Error::MissingField => -42007,
            Error::MalformedEnvelope => -42008,
            Error::CryptoFailure => -42009,
            Error::InvalidArgument => -42010,
            Error::ApiMissingSerial => 40230,
            Error::ApiMissingTimestamp => 40231,
            Error::ApiMissingSignature => 40232,
            Error::ApiMissingAppid => 40233,
            Error::ApiInvalidSignature => 40234,
            Error::ApiInvalidEncrypt => 40235,
            Error::ApiInvalidAppid => 40236,
            Error::ApiAppidTokenMismatch => 40237,
            Error::ApiNoSymmetricKey => 40238,
            Error::ApiNoPublicKey => 40239,
            Error::ApiExpiredTimestamp => 40240,
        }
    }

    /// The official name of the code, as in the samples' error-code files (the message-push
    /// ones carry their `WXBizMsgCrypt_` prefix, which keeps every name unique).
    pub const fn name(self) -> &'static str {
        match self {
            Error::IllegalAesKey => "IllegalAesKey",
            Error::IllegalIv => "IllegalIv",
            Error::IllegalBuffer => "IllegalBuffer",
            Error::DecodeBase64 => "DecodeBase64Error",
            Error::Expired => "Expired",
            Error::OpenIdMismatch => "OpenIdMismatch",
            Error::ValidateSignature => "WXBizMsgCrypt_ValidateSignature_Error",
            Error::ParseBody => "WXBizMsgCrypt_ParseXml_Error",
            Error::ComputeSignature => "WXBizMsgCrypt_ComputeSignature_Error",
            Error::IllegalEncodingAesKey => "WXBizMsgCrypt_IllegalAesKey",
            Error::ValidateAppid => "WXBizMsgCrypt_ValidateAppid_Error",
            Error::EncryptAes => "WXBizMsgCrypt_EncryptAES_Error",
            Error::DecryptAes => "WXBizMsgCrypt_DecryptAES_Error",
            Error::IllegalMsgBuffer => "WXBizMsgCrypt_IllegalBuffer",
            Error::EncodeBase64 => "WXBizMsgCrypt_EncodeBase64_Error",
            Error::DecodeMsgBase64 => "WXBizMsgCrypt_DecodeBase64_Error",
            Error::GenReturnXml => "WXBizMsgCrypt_GenReturnXml_Error",
            Error::KeyParse => "KeyParse",
            Error::KeySize => "KeySize",
            Error::SignatureInvalid => "SignatureInvalid",
            Error::AeadOpen => "AeadOpen",
            Error::UnknownSerial => "UnknownSerial",
            Error::TimestampWindow => "TimestampWindow",
            Error::MissingField => "MissingField",
            Error::MalformedEnvelope => "MalformedEnvelope",
            Error::CryptoFailure => "CryptoFailure",
            Error::InvalidArgument => "InvalidArgument",
            Error::ApiMissingSerial => "API_Missing_Wechatmp_Serial",
            Error::ApiMissingTimestamp => "API_Missing_Wechatmp_Timestamp",
            Error::ApiMissingSignature => "API_Missing_Wechatmp_Signature",
            Error::ApiMissingAppid => "API_Missing_Wechatmp_Appid",
            Error::ApiInvalidSignature => "API_Invalid_Signature",
            Error::ApiInvalidEncrypt => "API_Invalid_Encrypt",
            Error::ApiInvalidAppid => "API_Invalid_Wechatmp_Appid",
            Error::ApiAppidTokenMismatch => "API_Invalid_Wechatmp_Appidmatch",
            Error::ApiNoSymmetricKey => "API_NoExist_DevSecretSym",
            Error::ApiNoPublicKey => "API_NoExist_DevSecretAsym",
            Error::ApiExpiredTimestamp => "API_Expired_Wechatmp_Timestamp",
        }
    }

    /// Every error, in code order (for tables and bindings).
    pub const ALL: [Error; 38] = [
        Error::IllegalAesKey,
        Error::IllegalIv,
        Error::IllegalBuffer,
        Error::DecodeBase64,
        Error::Expired,
        Error::OpenIdMismatch,
        Error::ValidateSignature,
        Error::ParseBody,
        Error::ComputeSignature,
        Error::IllegalEncodingAesKey,
        Error::ValidateAppid,
        Error::EncryptAes,
        Error::DecryptAes,
        Error::IllegalMsgBuffer,
        Error::EncodeBase64,
        Error::DecodeMsgBase64,
        Error::GenReturnXml,
        Error::KeyParse,
        Error::KeySize,
        Error::SignatureInvalid,
        Error::AeadOpen,
        Error::UnknownSerial,
        Error::TimestampWindow,
        Error::MissingField,
        Error::MalformedEnvelope,
        Error::CryptoFailure,
        Error::InvalidArgument,
        Error::ApiMissingSerial,
        Error::ApiMissingTimestamp,
        Error::ApiMissingSignature,
        Error::ApiMissingAppid,
        Error::ApiInvalidSignature,
        Error::ApiInvalidEncrypt,
        Error::ApiInvalidAppid,
        Error::ApiAppidTokenMismatch,
        Error::ApiNoSymmetricKey,
        Error::ApiNoPublicKey,
        Error::ApiExpiredTimestamp,
    ];

    /// The error for a numeric code, if it is one of ours.
    pub fn from_code(code: i32) -> Option<Error> {
        Error::ALL.into_iter().find(|e| e.code() == code)
    }

    /// A plain description of the error (no input data, ever).
    pub const fn description(self) -> &'static str {
        match self {
            // The official samples' message for every open-data failure.
            Error::IllegalAesKey
            | Error::IllegalIv
            | Error::IllegalBuffer
            | Error::DecodeBase64
            | Error::Expired
            | Error::OpenIdMismatch => "Illegal Buffer",
            Error::ValidateSignature => "signature mismatch",
            Error::ParseBody => "no Encrypt field in the JSON or XML body",
            Error::ComputeSignature => "cannot compute the signature",
            Error::IllegalEncodingAesKey => "EncodingAESKey must be 43 base64 characters",
            Error::ValidateAppid => "the message belongs to another appid",
            Error::EncryptAes => "encryption failed",
            Error::DecryptAes => "decryption failed",
            Error::IllegalMsgBuffer => "malformed decrypted message",
            Error::EncodeBase64 => "base64 encoding failed",
            Error::DecodeMsgBase64 => "Encrypt is not base64",
            Error::GenReturnXml => "cannot build the reply envelope",
            Error::KeyParse => "not a key or certificate of the expected kind",
            Error::KeySize => "key of a refused size",
            Error::SignatureInvalid => "signature does not verify",
            Error::AeadOpen => "decryption failed (GCM tag mismatch)",
            Error::UnknownSerial => "no held key has that serial",
            Error::TimestampWindow => "timestamp outside the allowed window",
            Error::MissingField => "a required header or field is missing",
            Error::MalformedEnvelope => "malformed envelope",
            Error::CryptoFailure => "cannot compute the signature or ciphertext",
            Error::InvalidArgument => "invalid argument",
            Error::ApiMissingSerial => "缺少Wechatmp_Serial (missing Wechatmp-Serial)",
            Error::ApiMissingTimestamp => "缺少Wechatmp_Timestamp (missing Wechatmp-TimeStamp)",
            Error::ApiMissingSignature => "缺少Wechatmp_Signature (missing Wechatmp-Signature)",
            Error::ApiMissingAppid => "缺少Wechatmp_Appid (missing Wechatmp-Appid)",
            Error::ApiInvalidSignature => "签名错误 (invalid signature)",
            Error::ApiInvalidEncrypt => "错误的加密 (invalid encryption)",
            Error::ApiInvalidAppid => "无效的Wechatmp_Appid (invalid Wechatmp-Appid)",
            Error::ApiAppidTokenMismatch => {
                "Wechatmp_Appid和Token不匹配 (appid does not match the access token)"
            }
            Error::ApiNoSymmetricKey => "开发者未设置对称密钥 (no symmetric key configured)",
            Error::ApiNoPublicKey => "开发者未设置公钥 (no public key configured)",
            Error::ApiExpiredTimestamp => "超时的数据 (expired timestamp)",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // For open data, the message the official samples use for every failure: the code tells
        // the shape errors apart, and nothing tells the decryption failures apart.
        write!(
            f,
            "{} ({} {})",
            self.description(),
            self.code(),
            self.name()
        )
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
