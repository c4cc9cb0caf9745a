//! # wxcrypt
//!
//! WeChat Mini Program server-side crypto: decrypting `encryptedData` (`WXBizDataCrypt`),
//! checking `rawData`, push-URL, message and session-key signatures, and the message-push
//! encryption of safe mode (`WXBizMsgCrypt`, [`MsgCrypt`]), which every Tencent sender shares:
//! mini programs, official accounts, the open platform and WeCom (XML, JSON and WeCom's
//! lower-case JSON bodies, see [`Format`]).
//!
//! ```
//! use wxcrypt::DataCrypt;
//!
//! // The official "Band" vector from WeChat's open-data sample.
//! let crypt = DataCrypt::new("wx4f4bc4dec97d474b", "tiihtNczf5v6AKRyjwEUhQ==")?;
//! let data = crypt.decrypt_data(
//!     "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==",
//!     "r7BXXKkLb8qrSNn05n0qiA==",
//! )?;
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct UserInfo { open_id: String, nick_name: String }
//! let user: UserInfo = data.parse().expect("user info");
//! assert_eq!(user.nick_name, "Band");
//! assert_eq!(user.open_id, "oGZUI0egBJY1zhBYw2KhdUfwVJJE");
//! # Ok::<(), wxcrypt::Error>(())
//! ```
//!
//! Inputs follow a documented policy ([`DataCrypt`]): standard or URL-safe base64, padding
//! optional, whitespace ignored, and spaces in a single-line value read as the `+` a form
//! decoder turned into them.
//!
//! ## Security
//!
//! - **There is no MAC.** The client supplies the iv, so anyone can rewrite the first 16 bytes
//!   of the plaintext without the key. Take the user's identity from `jscode2session`'s
//!   `openid`, never from decrypted data alone, or compare the decrypted `openId` with it.
//! - **No padding oracle.** Every failure after the key/iv/base64 shape checks is the same
//!   [`Error::IllegalBuffer`], and the padding check runs in constant time; [`DataCrypt`] and
//!   [`open_data_text`] do the same work after decryption for a bad padding as for a bad
//!   plaintext (no timing oracle: `cargo bench -p wxcrypt --bench timing`). Do not add detail to
//!   what a client sees.
//! - **Secrets stay secret.** [`SessionKey`] wipes its memory on drop and never prints itself;
//!   errors carry no input data.
//! - `watermark.timestamp` is the only freshness signal ([`Watermark::timestamp`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod aead;
pub mod api_security;
mod base64_input;
mod data;
mod diagnose;
mod error;
pub mod host;
mod json_check;
mod msg;
pub mod pay;
pub mod pki;
mod rng;
mod signature;

pub use data::{
    decrypt_text, encrypt_data, open_data_text, DataCrypt, DecryptOptions, OpenData, SessionKey,
    Watermark,
};
pub use diagnose::{diagnose, Cause, Diagnosis};
pub use error::{Error, Result};
pub use msg::{DecryptedMsg, Format, MsgCrypt, PushBody};
pub use signature::{
    msg_signature, raw_data_signature, session_key_signature, url_signature, verify_msg_signature,
    verify_raw_data_signature, verify_session_key_signature, verify_url_signature,
};
