//! The one error type of the crate, carrying WeChat's official error codes.

use core::fmt;

/// Everything that can go wrong, with the official numeric codes of WeChat's samples.
///
/// Open-data decryption (`WXBizDataCrypt`) uses the `-4100x` codes. Every failure that happens
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
}

impl Error {
    /// The official numeric code (`-41001` ... `-41004`).
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
        }
    }

    /// The official name of the code, as in the samples' `ErrorCode` files.
    pub const fn name(self) -> &'static str {
        match self {
            Error::IllegalAesKey => "IllegalAesKey",
            Error::IllegalIv => "IllegalIv",
            Error::IllegalBuffer => "IllegalBuffer",
            Error::DecodeBase64 => "DecodeBase64Error",
        }
    }

    /// The error for a numeric code, if it is one of ours.
    pub const fn from_code(code: i32) -> Option<Error> {
        Some(match code {
            -41001 => Error::IllegalAesKey,
            -41002 => Error::IllegalIv,
            -41003 => Error::IllegalBuffer,
            -41004 => Error::DecodeBase64,
            _ => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message the official samples use for every failure; the code tells the shape
        // errors apart, and nothing tells the decryption failures apart.
        write!(f, "Illegal Buffer ({} {})", self.code(), self.name())
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
