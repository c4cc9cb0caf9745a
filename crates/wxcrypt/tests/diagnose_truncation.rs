//! `diagnose` names every truncation: each cut off the end of a valid `encryptedData` is
//! `transport_damage` with a hint that says what the cut left (or decrypts, when only `=` went).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use wxcrypt::{diagnose, encrypt_data, Cause, DataCrypt, DecryptOptions, SessionKey};

mod common;
use common::{band, APP, IV, KEY};

/// The hint each cut must carry: the class of what the cut left, by its length.
fn expected_hint(cut: &str) -> String {
    let chars = cut.trim_end_matches('=').len();
    let bytes = chars * 3 / 4;
    if chars % 4 == 1 {
        format!("encryptedData has {chars} base64 characters, a length (4k+1) that no whole number of bytes encodes to")
    } else if !bytes.is_multiple_of(16) {
        format!("encryptedData decodes to {bytes} bytes, not a multiple of 16")
    } else {
        format!("encryptedData decodes to {bytes} bytes that decrypt to clean text but stop before the padding")
    }
}

/// Every cut of `ed`, from one character to all but one; returns how many cuts fell in each class
/// (padding only, 4k+1 characters, not whole blocks, whole blocks).
fn check_every_cut(ed: &str) -> [usize; 4] {
    let none = DecryptOptions::default();
    let crypt = DataCrypt::new(APP, KEY).unwrap();
    let mut classes = [0; 4];
    for n in 1..ed.len() {
        let cut = &ed[..ed.len() - n];
        let d = diagnose(APP, KEY, cut, IV, &none);
        let errcode = crypt
            .decrypt_data_with(cut, IV, &none)
            .err()
            .map_or(0, |e| e.code());
        assert_eq!(d.errcode, errcode, "cut {n}: {d:?}");
        if ed[cut.len()..].bytes().all(|b| b == b'=') {
            // Only padding went: the same bytes, and the data still decrypts.
            assert_eq!((d.cause, errcode), (Cause::Ok, 0), "cut {n}: {d:?}");
            classes[0] += 1;
            continue;
        }
        assert_eq!(d.cause, Cause::TransportDamage, "cut {n}: {d:?}");
        let want = expected_hint(cut);
        assert!(
            d.hint.starts_with(&want),
            "cut {n}: want {want:?}, got {:?}",
            d.hint
        );
        assert!(
            d.hint.contains("cut short") || d.hint.contains("truncated"),
            "cut {n}: {:?}",
            d.hint
        );
        assert!(!d.hint.contains("outside base64"), "cut {n}: {:?}", d.hint);
        assert_eq!(d.repair, None, "cut {n}");
        let chars = cut.trim_end_matches('=').len();
        classes[match chars % 4 {
            1 => 1,
            _ if !(chars * 3 / 4).is_multiple_of(16) => 2,
            _ => 3,
        }] += 1;
    }
    classes
}

#[test]
fn every_cut_of_the_official_vector_is_transport_damage() {
    let ed = band();
    let classes = check_every_cut(&ed);
    // The official vector: 2 cuts remove only padding; every fourth length is 4k+1; three
    // lengths in every 64 characters decode to whole blocks and reach the padding check; the
    // rest are not whole blocks.
    assert_eq!(classes.iter().sum::<usize>(), ed.len() - 1);
    assert_eq!(classes[0], 2);
    let data_chars = ed.trim_end_matches('=').len();
    assert_eq!(classes[1], (1..data_chars).filter(|r| r % 4 == 1).count());
    // Whole blocks: 64m, 64m + 22 and 64m + 43 characters (48m, 48m + 16, 48m + 32 bytes).
    assert_eq!(
        classes[3],
        (1..data_chars)
            .filter(|r| matches!(r % 64, 0 | 22 | 43))
            .count()
    );
    assert!(classes[3] >= 20, "{classes:?}");
}

#[test]
fn cuts_through_a_chinese_nickname_are_transport_damage() {
    // Block boundaries (every 16 bytes) that split a three-byte character: the clean-text check
    // must take a character cut at either end of the blocks that arrived.
    let text = format!(
        r#"{{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"{}","watermark":{{"timestamp":1477314187,"appid":"{APP}"}}}}"#,
        "微信用户广州市天河区".repeat(6)
    );
    let splits = (16..text.len())
        .step_by(16)
        .filter(|&i| !text.is_char_boundary(i))
        .count();
    assert!(
        splits >= 2,
        "the payload must split characters at block boundaries"
    );
    let key = SessionKey::from_base64(KEY).unwrap();
    let iv: [u8; 16] = STANDARD.decode(IV).unwrap().try_into().unwrap();
    let ed = STANDARD.encode(encrypt_data(&key, &iv, text.as_bytes()));
    let d = diagnose(APP, KEY, &ed, IV, &DecryptOptions::default());
    assert_eq!(d.cause, Cause::Ok, "{d:?}");
    let classes = check_every_cut(&ed);
    assert!(classes[3] >= splits, "{classes:?}");
}

#[test]
fn a_wrong_key_on_whole_blocks_is_still_a_session_key_mismatch() {
    // The check that names a cut at whole blocks must not swallow the refreshed key.
    let ed = band();
    for len in (1..ed.len() - 2).filter(|r| matches!(r % 64, 0 | 22 | 43)) {
        let d = diagnose(
            APP,
            "HyVFkGl5F5OQWJZZaNzBBg==",
            &ed[..len],
            IV,
            &DecryptOptions::default(),
        );
        assert_eq!(d.cause, Cause::SessionKeyMismatch, "{len}: {d:?}");
    }
}
