//! Regressions found by the fuzz targets in `fuzz/` (issue 5). Each test names the target and the
//! minimized input it came from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use wxcrypt::{Format, MsgCrypt};

/// fuzz target `msg_crypt` (round-trip mode), minimized: a JSON reply whose timestamp is
/// digits-only with a leading zero. `encrypt_msg_with_random` writes such a timestamp as a bare
/// number (`"TimeStamp":0364896914`), which is not JSON (RFC 8259 §6 forbids leading zeros), so
/// neither WeChat nor this crate's own `decrypt_msg` can read the reply (-40002).
///
/// Fixed (src/msg.rs, `encrypt_msg_with_random`, `Format::Json`): the timestamp is a bare number
/// only when it is a canonical JSON integer of at most 15 digits; it is quoted otherwise.
#[test]
fn json_reply_timestamp_with_leading_zero() {
    let mc = MsgCrypt::new("AAAAA", &"A".repeat(43), "wxba5fad812f8e6fb9").unwrap();
    for ts in ["0364896914", "00", "0"] {
        let reply = mc
            .encrypt_msg_with_random("{}", ts, "415670741", Format::Json, &[b'a'; 16])
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&reply)
            .unwrap_or_else(|e| panic!("reply for timestamp {ts:?} is not JSON ({e}): {reply}"));
        let sig = v["MsgSignature"].as_str().unwrap();
        assert_eq!(
            mc.decrypt_msg(sig, ts, "415670741", &reply).as_deref(),
            Ok("{}")
        );
    }
}
