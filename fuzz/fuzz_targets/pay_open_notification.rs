//! WeChat Pay's callback opener (`wxcrypt::pay::Merchant::open_notification`), holding the
//! platform certificate and public key published by wechatpay-go's tests
//! (vectors/wechatpay.json) at once, with a callback signed and encrypted once by
//! `wxcrypt::pay::Platform`.
//!
//! The first byte picks the mode:
//! - even: arbitrary `timestamp \xFF nonce \xFF signature \xFF serial \xFF body` (each header
//!   present when non-empty) at the callback's clock: no panic, only documented errors;
//! - odd: the genuine callback with the rest XORed over the body (or, by `mode / 2 % 4`, over the
//!   signature, nonce or serial header) from an offset: refused with a documented error unless
//!   nothing changed (but the serial's letter case: the serial only names the key), in which case
//!   the genuine resource comes back.
//!
//! In both modes the host-verified opener (`Merchant::open_host_verified`, the path wxcrypt/pay
//! takes when node:crypto or WebCrypto makes the RSA operation) gives exactly the same answer or
//! error, with a host that verifies whenever it holds the serial's key.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use base64::Engine as _;
use wxcrypt::pay::{
    response_message, Config, Headers, HostVerdict, Merchant, Platform, PlatformKeySource,
    ResourceInput,
};
use wxcrypt::Error;
use wxcrypt_fuzz::{check_code, fields, text};

const NOW: u64 = 1_700_000_000;
const APIV3: &str = "0123456789abcdefghijklmnopqrstuv";
const PLAINTEXT: &str = r#"{"mchid":"1900009191","out_trade_no":"T1","trade_state":"SUCCESS","amount":{"total":100}}"#;

struct Fixture {
    merchant: Merchant,
    headers: Headers,
    body: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../vectors/wechatpay.json")).unwrap();
        let a: serde_json::Value =
            serde_json::from_str(include_str!("../../vectors/api-security.json")).unwrap();
        let k = |n: &str| v["keys"][n].as_str().unwrap().to_string();
        let mkey = a["private_key"].as_str().unwrap().to_string();
        let (cert, public) = (k("platform_certificate"), k("public_key"));
        let merchant = Merchant::new(&Config {
            mch_id: "1900009191",
            merchant_serial_no: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
            merchant_private_key: &mkey,
            api_v3_key: APIV3,
            platform_keys: vec![
                PlatformKeySource::Certificate { serial: None, pem: &cert },
                PlatformKeySource::PublicKey { id: "PUB_KEY_ID_0114232134912410000000000000", pem: &public },
            ],
            max_skew_seconds: 300,
        })
        .unwrap();
        let mpub = wxcrypt::pki::RsaPrivateKey::from_pem(&mkey)
            .unwrap()
            .public_key()
            .to_spki_pem()
            .unwrap();
        let platform = Platform::new(
            "1900009191",
            "PUB_KEY_ID_0114232134912410000000000000",
            &k("private_key_pkcs8"),
            APIV3,
            &mpub,
            300,
        )
        .unwrap();
        let r = platform
            .encrypt_resource(PLAINTEXT.as_bytes(), "transaction", "transaction", Some("fdasflkja484"))
            .unwrap();
        let body = format!(r#"{{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{}}}"#, r.to_json());
        let headers = platform.sign_response(body.as_bytes(), NOW, Some("n0nce")).unwrap().headers;
        Fixture { merchant, headers, body }
    })
}

fn documented(e: Error) -> bool {
    check_code(e);
    matches!(
        e,
        Error::MissingField
            | Error::TimestampWindow
            | Error::UnknownSerial
            | Error::SignatureInvalid
            | Error::MalformedEnvelope
            | Error::AeadOpen
    )
}

fn xor(s: &str, offset: usize, flips: &[u8]) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    let len = b.len().max(1);
    for (i, f) in flips.iter().enumerate() {
        if let Some(x) = b.get_mut(offset.wrapping_add(i) % len) {
            *x ^= f;
        }
    }
    b
}

/// The callback opened the way wxcrypt/pay does with a host's RSA: the host finds the serial's
/// key (exact id, else in another letter case), verifies, and the core makes every check.
fn host_open(m: &Merchant, h: &Headers, body: &[u8]) -> Result<Vec<u8>, Error> {
    let key = h.serial.as_deref().and_then(|s| {
        let mut keys = m.verifier().keys();
        keys.find(|(id, _)| *id == s).or_else(|| {
            m.verifier()
                .keys()
                .find(|(id, _)| id.eq_ignore_ascii_case(s))
        })
    });
    let valid = match (key, &h.timestamp, &h.nonce, &h.signature) {
        (Some((_, k)), Some(ts), Some(nonce), Some(sig)) => {
            let sig = base64::engine::general_purpose::STANDARD.decode(sig);
            sig.is_ok_and(|s| k.verify_pkcs1v15_sha256(&response_message(ts, nonce, body), &s).is_ok())
        }
        _ => false,
    };
    let verdict = HostVerdict {
        key_id: key.map(|(id, _)| id),
        valid,
    };
    m.open_host_verified(h, verdict, body.len(), ResourceInput::Body(body), NOW)
        .map(|p| p.to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    if mode % 2 == 0 {
        let [ts, nonce, sig, serial, body] = fields::<5>(rest);
        let names = ["Wechatpay-Timestamp", "wechatpay-nonce", "WECHATPAY-SIGNATURE", "Wechatpay-Serial"];
        let values = [ts, nonce, sig, serial].map(text);
        let headers = Headers::from_pairs(
            names
                .iter()
                .zip(values.iter())
                .filter(|(_, x)| !x.is_empty())
                .map(|(n, x)| (*n, x.as_str())),
        );
        let opened = f.merchant.open_notification(&headers, body, NOW);
        if let Err(e) = &opened {
            assert!(documented(*e), "{e:?}");
        }
        let opened = opened.map(|n| n.resource.to_vec());
        assert_eq!(opened, host_open(&f.merchant, &headers, body), "host-verified path differs");
    } else {
        let (offset, flips) = match rest {
            [a, b, flips @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), flips),
            _ => return,
        };
        let mut headers = f.headers.clone();
        let mut body = f.body.clone().into_bytes();
        let lossy = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        match mode / 2 % 4 {
            0 => body = xor(&f.body, offset, flips),
            1 => headers.signature = Some(lossy(xor(headers.signature.as_deref().unwrap(), offset, flips))),
            2 => headers.nonce = Some(lossy(xor(headers.nonce.as_deref().unwrap(), offset, flips))),
            _ => headers.serial = Some(lossy(xor(headers.serial.as_deref().unwrap(), offset, flips))),
        }
        let opened = f.merchant.open_notification(&headers, &body, NOW);
        assert_eq!(
            opened.as_ref().map(|n| n.resource.to_vec()).map_err(|e| *e),
            host_open(&f.merchant, &headers, &body),
            "host-verified path differs"
        );
        match opened {
            Ok(n) => {
                assert_eq!(body, f.body.as_bytes(), "a changed body was accepted");
                // The serial only names the key (it is not signed): the core matches it in any
                // letter case (`Verifier::key`), so a case flip of it may open.
                let mut h = headers.clone();
                let serial = f.headers.serial.as_deref().unwrap_or_default();
                if h.serial.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(serial)) {
                    h.serial = f.headers.serial.clone();
                }
                assert_eq!(h, f.headers, "changed headers were accepted");
                assert_eq!(&*n.resource, PLAINTEXT.as_bytes());
            }
            Err(e) => assert!(documented(e), "{e:?}"),
        }
    }
});
