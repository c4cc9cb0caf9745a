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
}

impl Error {
    /// The official numeric code: `-4100x` for open data, `-400xx` for message push.
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
        }
    }

    /// Every error, in code order (for tables and bindings).
    pub const ALL: [Error; 17] = [
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
