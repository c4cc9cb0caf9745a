//! WeChat Pay APIv3: the published SDK vectors (vectors/wechatpay.json) and hostile input, each
//! with its code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
use base64::Engine as _;
use common::K1024;
use serde_json::Value;
use wxcrypt::aead::AeadKey;
use wxcrypt::pay::*;
use wxcrypt::pki::*;
use wxcrypt::Error;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const APIV3: &str = "0123456789abcdefghijklmnopqrstuv";
const NOW: u64 = 1_700_000_000;
const PUB_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";

fn v() -> Value {
    serde_json::from_str(include_str!("../../../vectors/wechatpay.json")).unwrap()
}
fn platform_key() -> String {
    v()["keys"]["private_key_pkcs8"]
        .as_str()
        .unwrap()
        .to_string()
}
fn platform_cert() -> String {
    v()["keys"]["platform_certificate"]
        .as_str()
        .unwrap()
        .to_string()
}
fn platform_pub() -> String {
    v()["keys"]["public_key"].as_str().unwrap().to_string()
}
/// Another published 2048-bit key (WeChat's server-API security guide) as the merchant's.
fn merchant_key() -> String {
    let a: Value =
        serde_json::from_str(include_str!("../../../vectors/api-security.json")).unwrap();
    a["private_key"].as_str().unwrap().to_string()
}

fn merchant(keys: Vec<PlatformKeySource<'_>>) -> Merchant {
    let mk = merchant_key();
    Merchant::new(&Config {
        mch_id: "1900009191",
        merchant_serial_no: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        merchant_private_key: &mk,
        api_v3_key: APIV3,
        platform_keys: keys,
        max_skew_seconds: DEFAULT_MAX_SKEW_SECONDS,
    })
    .unwrap()
}

fn both() -> Merchant {
    let (c, p) = (platform_cert(), platform_pub());
    merchant(vec![
        PlatformKeySource::Certificate {
            serial: None,
            pem: &c,
        },
        PlatformKeySource::PublicKey {
            id: PUB_ID,
            pem: &p,
        },
    ])
}

fn platform(serial: &str) -> Platform {
    let mpub = RsaPrivateKey::from_pem(&merchant_key())
        .unwrap()
        .public_key()
        .to_spki_pem()
        .unwrap();
    Platform::new("1900009191", serial, &platform_key(), APIV3, &mpub, 300).unwrap()
}

const TX: &str = r#"{"mchid":"1900009191","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}"#;

/// A signed transaction callback: (headers, body).
fn callback(p: &Platform, ts: u64) -> (Headers, String) {
    let r = p
        .encrypt_resource(
            TX.as_bytes(),
            "transaction",
            "transaction",
            Some("fdasflkja484"),
        )
        .unwrap();
    let body = format!(
        r#"{{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{}}}"#,
        r.to_json()
    );
    let s = p
        .sign_response(body.as_bytes(), ts, Some("fdasfjihihihlkja484"))
        .unwrap();
    (s.headers, body)
}

#[test]
fn published_signature_is_reproduced_and_verifies_with_certificate_and_public_key() {
    let v = v();
    let key = RsaPrivateKey::from_pem(&platform_key()).unwrap();
    let cert = Certificate::from_pem(&platform_cert()).unwrap();
    assert_eq!(cert.serial_hex, v["keys"]["platform_certificate_serial"]);
    let pubkey = RsaPublicKey::from_pem(&platform_pub()).unwrap();
    let PublicKey::Rsa(cert_key) = cert.public_key else {
        panic!()
    };
    assert_eq!(cert_key, pubkey);
    for case in v["signatures"].as_array().unwrap() {
        let msg = case["message"].as_str().unwrap();
        let sig = case["signature"].as_str().unwrap();
        let valid = case["valid"].as_bool().unwrap();
        for k in [&cert_key, &pubkey] {
            let r = verify_signature(k, msg.as_bytes(), sig);
            assert_eq!(r.is_ok(), valid, "{}", case["name"]);
            if !valid {
                assert_eq!(r.unwrap_err(), Error::SignatureInvalid);
            }
        }
        if valid {
            assert_eq!(
                sign(&key, msg.as_bytes()).unwrap(),
                sig,
                "PKCS#1 v1.5 is deterministic"
            );
        }
    }
}

/// The block a host signs for WeChat Pay (node:crypto's `privateEncrypt`, type-1 padding) is
/// exactly the `T` of EMSA-PKCS1-v1_5 inside wechatpay-go's published signatures: verified by
/// RustCrypto's unprefixed PKCS#1 v1.5 scheme, which compares the whole block.
#[test]
fn digest_info_is_the_block_inside_the_published_signatures() {
    use rsa::pkcs8::DecodePublicKey as _;
    let v = v();
    let key = rsa::PublicKey::from_public_key_pem(&platform_pub()).unwrap();
    let mut checked = 0;
    for case in v["signatures"].as_array().unwrap() {
        let msg = case["message"].as_str().unwrap();
        let sig = B64
            .decode(case["signature"].as_str().unwrap_or(""))
            .unwrap_or_default();
        let block = pkcs1v15_sha256_digest_info(msg.as_bytes());
        assert_eq!(block.len(), 51);
        let r = key.verify(rsa::Pkcs1v15Sign::new_unprefixed(), &block, &sig);
        assert_eq!(
            r.is_ok(),
            case["valid"].as_bool().unwrap(),
            "{}",
            case["name"]
        );
        // One bit off in the hash: refused.
        let mut off = block;
        off[50] ^= 1;
        assert!(key
            .verify(rsa::Pkcs1v15Sign::new_unprefixed(), &off, &sig)
            .is_err());
        checked += usize::from(r.is_ok());
    }
    assert!(checked > 0);
}

#[test]
fn published_gcm_vector_with_a_16_byte_key_is_refused() {
    let c = &v()["aes_gcm"][0];
    assert_eq!(
        AeadKey::from_apiv3_key(c["api_v3_key"].as_str().unwrap()).unwrap_err(),
        Error::KeySize
    );
}

#[test]
fn signed_strings_and_header() {
    assert_eq!(
        request_message(
            "GET",
            "/v3/certificates",
            "1554208460",
            "593BEC0C930BF1AFEB40B4A08C8FB242",
            ""
        ),
        "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
    );
    assert_eq!(response_message("1", "n", b"{}"), b"1\nn\n{}\n");
    assert_eq!(
        pay_sign_message(
            "wx8888888888888888",
            "1414561699",
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            "prepay_id=123456789"
        ),
        "wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=123456789\n"
    );
    let h = authorization_header(
        "1900009191",
        "593BEC0C930BF1AFEB40B4A08C8FB242",
        "c2ln",
        "1554208460",
        "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
    )
    .unwrap();
    assert_eq!(
        h,
        r#"WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="c2ln",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C""#
    );
    let a = parse_authorization(&h).unwrap();
    assert_eq!(a.mch_id, "1900009191");
    assert_eq!(a.signature, "c2ln");
    assert_eq!(
        authorization_header("19\"00", "n", "s", "1", "x").unwrap_err(),
        Error::InvalidArgument
    );
}

#[test]
fn authorization_verifies_on_the_platform_side() {
    let m = both();
    let p = platform("F5765756002FDD77");
    let body = r#"{"appid":"wx1","mchid":"1900009191"}"#;
    let h = m
        .authorization(
            "POST",
            "/v3/pay/transactions/jsapi",
            body,
            &NOW.to_string(),
            "NONCE123",
        )
        .unwrap();
    p.verify_authorization("POST", "/v3/pay/transactions/jsapi", body, &h, NOW)
        .unwrap();
    assert_eq!(
        p.verify_authorization(
            "POST",
            "/v3/pay/transactions/jsapi",
            &format!("{body} "),
            &h,
            NOW
        )
        .unwrap_err(),
        Error::SignatureInvalid
    );
    assert_eq!(
        p.verify_authorization("GET", "/v3/pay/transactions/jsapi", body, &h, NOW)
            .unwrap_err(),
        Error::SignatureInvalid
    );
    assert_eq!(
        p.verify_authorization("POST", "/v3/pay/transactions/jsapi", body, &h, NOW + 301)
            .unwrap_err(),
        Error::TimestampWindow
    );
    assert_eq!(
        p.verify_authorization("POST", "/x", body, "Bearer x", NOW)
            .unwrap_err(),
        Error::MalformedEnvelope
    );
    let no_sig = h.replace(",signature=", ",sig=");
    assert_eq!(
        p.verify_authorization("POST", "/x", body, &no_sig, NOW)
            .unwrap_err(),
        Error::MalformedEnvelope
    );
    // GET: an empty body line.
    let g = m
        .authorization(
            "GET",
            "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1900009191",
            "",
            &NOW.to_string(),
            "N",
        )
        .unwrap();
    p.verify_authorization(
        "GET",
        "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1900009191",
        "",
        &g,
        NOW,
    )
    .unwrap();
    assert_eq!(
        m.authorization("post", "/v3/x", "", "1", "n").unwrap_err(),
        Error::InvalidArgument
    );
    assert_eq!(
        m.authorization("GET", "v3/x", "", "1", "n").unwrap_err(),
        Error::InvalidArgument
    );
}

#[test]
fn callback_opens_with_either_key_kind_and_both_at_once() {
    let m = both();
    for serial in ["F5765756002FDD77", PUB_ID] {
        let p = platform(serial);
        let (h, body) = callback(&p, NOW);
        let n = m.open_notification(&h, body.as_bytes(), NOW).unwrap();
        assert_eq!(n.serial, serial);
        assert_eq!(std::str::from_utf8(&n.resource).unwrap(), TX);
        assert_eq!(n.body, body);
    }
    // Only the certificate held: a public-key callback is an unknown serial.
    let c = platform_cert();
    let only_cert = merchant(vec![PlatformKeySource::Certificate {
        serial: Some("f5765756002fdd77"),
        pem: &c,
    }]);
    let (h, body) = callback(&platform(PUB_ID), NOW);
    assert_eq!(
        only_cert
            .open_notification(&h, body.as_bytes(), NOW)
            .unwrap_err(),
        Error::UnknownSerial
    );
}

fn flip(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] ^= 0x01;
    String::from_utf8(b).unwrap()
}

#[test]
fn hostile_callbacks_each_with_its_code() {
    let m = both();
    let p = platform(PUB_ID);
    let (h, body) = callback(&p, NOW);
    let open = |h: &Headers, b: &[u8]| m.open_notification(h, b, NOW).unwrap_err();
    // Body: any flipped byte.
    for i in [0, 10, body.len() / 2, body.len() - 1] {
        assert_eq!(
            open(&h, flip(&body, i).as_bytes()),
            Error::SignatureInvalid,
            "body byte {i}"
        );
    }
    // Re-serialised body (same JSON, other spacing/order).
    let reser = serde_json::to_string(&serde_json::from_str::<Value>(&body).unwrap()).unwrap();
    assert_ne!(reser, body);
    assert_eq!(open(&h, reser.as_bytes()), Error::SignatureInvalid);
    // Signature, serial, timestamp, nonce headers.
    let mut x = h.clone();
    let sig = x.signature.clone().unwrap();
    x.signature = Some(flip(&sig, 5));
    assert_eq!(open(&x, body.as_bytes()), Error::SignatureInvalid);
    x.signature = Some(format!("{SIGNTEST_PREFIX}{sig}"));
    assert_eq!(open(&x, body.as_bytes()), Error::SignatureInvalid);
    x.signature = Some("WECHATPAY/SIGNTEST/".into());
    assert_eq!(open(&x, body.as_bytes()), Error::SignatureInvalid);
    let mut x = h.clone();
    x.serial = Some(flip(PUB_ID, 12));
    assert_eq!(open(&x, body.as_bytes()), Error::UnknownSerial);
    let mut x = h.clone();
    x.timestamp = Some((NOW + 1).to_string());
    assert_eq!(open(&x, body.as_bytes()), Error::SignatureInvalid);
    let mut x = h.clone();
    x.nonce = Some("other".into());
    assert_eq!(open(&x, body.as_bytes()), Error::SignatureInvalid);
    // Missing headers.
    for i in 0..4 {
        let mut x = h.clone();
        [
            &mut x.timestamp,
            &mut x.nonce,
            &mut x.signature,
            &mut x.serial,
        ][i]
            .take();
        assert_eq!(open(&x, body.as_bytes()), Error::MissingField);
    }
    let mut x = h.clone();
    x.timestamp = Some("12a".into());
    assert_eq!(open(&x, body.as_bytes()), Error::MalformedEnvelope);
    // Stale and future timestamps (signed correctly).
    let (hs, bs) = callback(&p, NOW - 301);
    assert_eq!(open(&hs, bs.as_bytes()), Error::TimestampWindow);
    let (hf, bf) = callback(&p, NOW + 301);
    assert_eq!(open(&hf, bf.as_bytes()), Error::TimestampWindow);
    let (he, be) = callback(&p, NOW - 300);
    m.open_notification(&he, be.as_bytes(), NOW).unwrap();
}

/// A resource tampered, then the whole callback re-signed by the platform: the signature holds,
/// the GCM tag must catch it.
#[test]
fn tampered_resource_fails_the_tag_even_when_signed() {
    let m = both();
    let p = platform("F5765756002FDD77");
    let base = p
        .encrypt_resource(
            TX.as_bytes(),
            "transaction",
            "transaction",
            Some("fdasflkja484"),
        )
        .unwrap();
    let ct = B64.decode(&base.ciphertext).unwrap();
    let mut cases: Vec<(Resource, Error)> = Vec::new();
    for i in [0, ct.len() / 2, ct.len() - 1, ct.len() - 16] {
        let mut c = ct.clone();
        c[i] ^= 1;
        cases.push((
            Resource {
                ciphertext: B64.encode(&c),
                ..base.clone()
            },
            Error::AeadOpen,
        ));
    }
    cases.push((
        Resource {
            nonce: flip(&base.nonce, 3),
            ..base.clone()
        },
        Error::AeadOpen,
    ));
    cases.push((
        Resource {
            associated_data: flip(&base.associated_data, 0),
            ..base.clone()
        },
        Error::AeadOpen,
    ));
    cases.push((
        Resource {
            associated_data: String::new(),
            ..base.clone()
        },
        Error::AeadOpen,
    ));
    cases.push((
        Resource {
            ciphertext: B64.encode(&ct[..ct.len() - 16]),
            ..base.clone()
        },
        Error::AeadOpen,
    ));
    cases.push((
        Resource {
            ciphertext: B64.encode(&ct[..15]),
            ..base.clone()
        },
        Error::MalformedEnvelope,
    ));
    cases.push((
        Resource {
            nonce: "short".into(),
            ..base.clone()
        },
        Error::MalformedEnvelope,
    ));
    cases.push((
        Resource {
            algorithm: "AEAD_SM4_GCM".into(),
            ..base.clone()
        },
        Error::MalformedEnvelope,
    ));
    cases.push((
        Resource {
            ciphertext: "!!".into(),
            ..base.clone()
        },
        Error::MalformedEnvelope,
    ));
    for (r, code) in cases {
        assert_eq!(m.decrypt_resource(&r).unwrap_err(), code);
        let body = format!(r#"{{"id":"EV-1","resource":{}}}"#, r.to_json());
        let s = p.sign_response(body.as_bytes(), NOW, None).unwrap();
        assert_eq!(
            m.open_notification(&s.headers, body.as_bytes(), NOW)
                .unwrap_err(),
            code
        );
    }
    // Decrypted with the right key: the same plaintext.
    assert_eq!(&*m.decrypt_resource(&base).unwrap(), TX.as_bytes());
    // Signed bodies that are not callbacks.
    for (body, code) in [
        ("[]", Error::MalformedEnvelope),
        ("{", Error::MalformedEnvelope),
        (r#"{"id":1}"#, Error::MissingField),
        (r#"{"resource":"x"}"#, Error::MalformedEnvelope),
        (
            r#"{"resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"abcdefghijkl"}}"#,
            Error::MissingField,
        ),
    ] {
        let s = p.sign_response(body.as_bytes(), NOW, None).unwrap();
        assert_eq!(
            m.verify(&s.headers, body.as_bytes(), NOW).unwrap(),
            "F5765756002FDD77"
        );
        assert_eq!(
            m.open_notification(&s.headers, body.as_bytes(), NOW)
                .unwrap_err(),
            code,
            "{body}"
        );
    }
    let bad_utf8 = b"{\"a\":\"\xff\"}";
    let s = p.sign_response(bad_utf8, NOW, None).unwrap();
    assert_eq!(
        m.open_notification(&s.headers, bad_utf8, NOW).unwrap_err(),
        Error::MalformedEnvelope
    );
}

#[test]
fn certificates_download_resource_decrypts_to_a_usable_certificate() {
    let m = both();
    let p = platform("F5765756002FDD77");
    let cert = platform_cert();
    let r = p
        .encrypt_resource(cert.as_bytes(), "certificate", "certificate", None)
        .unwrap();
    let plain = m.decrypt_resource(&r).unwrap();
    let c = Certificate::from_pem(std::str::from_utf8(&plain).unwrap()).unwrap();
    assert_eq!(c.serial_hex, "F5765756002FDD77");
    let mut fresh = merchant(vec![]);
    fresh
        .verifier_mut()
        .add(&PlatformKeySource::Certificate {
            serial: Some("F5765756002FDD77"),
            pem: std::str::from_utf8(&plain).unwrap(),
        })
        .unwrap();
    let (h, body) = callback(&p, NOW);
    fresh.open_notification(&h, body.as_bytes(), NOW).unwrap();
}

#[test]
fn pay_sign_and_sensitive_fields() {
    let m = both();
    let p = platform(PUB_ID);
    let (params, sig) = m
        .request_payment_params(
            "wx8888888888888888",
            "wx201410272009395522657a690389285100",
            "1414561699",
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        )
        .unwrap();
    assert_eq!(
        params.package,
        "prepay_id=wx201410272009395522657a690389285100"
    );
    let mk = RsaPrivateKey::from_pem(&merchant_key()).unwrap();
    verify_signature(&mk.public_key(), params.message.as_bytes(), &sig).unwrap();
    assert_eq!(
        m.payment_params("wx1", "p", "14a", "n").unwrap_err(),
        Error::InvalidArgument
    );
    assert_eq!(
        m.payment_params("", "p", "1", "n").unwrap_err(),
        Error::InvalidArgument
    );
    // OAEP: the public key mode is preferred; the platform decrypts.
    let (ct, serial) = m.encrypt_sensitive("张三", None).unwrap();
    assert_eq!(serial, PUB_ID);
    assert_eq!(&*p.decrypt_sensitive(&ct).unwrap(), "张三".as_bytes());
    let (ct2, serial2) = m
        .encrypt_sensitive("13800138000", Some("F5765756002FDD77"))
        .unwrap();
    assert_eq!(serial2, "F5765756002FDD77");
    assert_eq!(&*p.decrypt_sensitive(&ct2).unwrap(), b"13800138000");
    assert_eq!(
        m.encrypt_sensitive("x", Some("NOPE")).unwrap_err(),
        Error::UnknownSerial
    );
    assert_eq!(
        merchant(vec![]).encrypt_sensitive("x", None).unwrap_err(),
        Error::UnknownSerial
    );
    // Flip a bit of the ciphertext itself, not of its base64 text: a flipped
    // base64 character can leave the alphabet (`z` -> `{`) and be refused as
    // malformed before any decryption is tried.
    let mut raw = B64.decode(&ct).unwrap();
    raw[10] ^= 0x01;
    assert_eq!(
        p.decrypt_sensitive(&B64.encode(&raw)).unwrap_err(),
        Error::AeadOpen
    );
    assert_eq!(
        p.decrypt_sensitive("%%").unwrap_err(),
        Error::MalformedEnvelope
    );
    assert_eq!(
        m.encrypt_sensitive(&"x".repeat(300), None).unwrap_err(),
        Error::CryptoFailure
    );
}

#[test]
fn keys_of_the_wrong_kind_or_size() {
    let (c, pk, mk) = (platform_cert(), platform_pub(), merchant_key());
    let cfg = |key: &str, v3: &str| {
        Merchant::new(&Config {
            mch_id: "1900009191",
            merchant_serial_no: "1DDE",
            merchant_private_key: key,
            api_v3_key: v3,
            platform_keys: vec![],
            max_skew_seconds: 300,
        })
        .map(|_| ())
        .unwrap_err()
    };
    assert_eq!(cfg(&c, APIV3), Error::KeyParse);
    assert_eq!(cfg(&pk, APIV3), Error::KeyParse);
    assert_eq!(cfg("garbage", APIV3), Error::KeyParse);
    assert_eq!(cfg(K1024, APIV3), Error::KeySize);
    assert_eq!(cfg(&mk, "short"), Error::KeySize);
    assert_eq!(cfg(&mk, &format!("{APIV3}x")), Error::KeySize);
    let mut ver = Verifier::new(300);
    assert_eq!(
        ver.add(&PlatformKeySource::Certificate {
            serial: None,
            pem: &pk
        })
        .unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        ver.add(&PlatformKeySource::PublicKey {
            id: PUB_ID,
            pem: &c
        })
        .unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        ver.add(&PlatformKeySource::PublicKey {
            id: PUB_ID,
            pem: &mk
        })
        .unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        ver.add(&PlatformKeySource::PublicKey { id: "", pem: &pk })
            .unwrap_err(),
        Error::InvalidArgument
    );
    assert_eq!(
        ver.add(&PlatformKeySource::Certificate {
            serial: Some("ABCDEF"),
            pem: &c
        })
        .unwrap_err(),
        Error::KeyParse
    );
    let small_pub = RsaPrivateKey::from_pem(K1024).map(|_| ()).unwrap_err();
    assert_eq!(small_pub, Error::KeySize);
    assert_eq!(
        Platform::new("1", "S", K1024, APIV3, &pk, 300).unwrap_err(),
        Error::KeySize
    );
    assert_eq!(
        Platform::new("1", "S", &mk, APIV3, &mk, 300).unwrap_err(),
        Error::KeyParse
    );
}

#[test]
fn headers_in_any_letter_case() {
    let h = Headers::from_pairs([
        ("WECHATPAY-TIMESTAMP", " 1 "),
        ("wechatpay-nonce", "n"),
        ("Wechatpay-Signature", "s"),
        ("wechatpay-serial", "x"),
        ("Other", "y"),
    ]);
    assert_eq!(h.timestamp.as_deref(), Some("1"));
    assert_eq!(h.to_pairs().len(), 4);
}

#[test]
fn host_verified_callbacks_and_parts_for_a_host_that_makes_the_rsa_operation() {
    let m = both();
    let p = platform(PUB_ID);
    let (h, body) = callback(&p, NOW);
    // The host imports the keys the core exports and verifies with the one the serial names.
    let keys: Vec<(String, RsaPublicKey)> = m
        .verifier()
        .keys()
        .map(|(id, k)| (id.to_string(), k.clone()))
        .collect();
    assert_eq!(keys.len(), 2);
    let (id, key) = keys.iter().find(|(id, _)| id == PUB_ID).unwrap();
    let msg = response_message(
        h.timestamp.as_deref().unwrap(),
        h.nonce.as_deref().unwrap(),
        body.as_bytes(),
    );
    let sig = B64.decode(h.signature.as_deref().unwrap()).unwrap();
    key.verify_pkcs1v15_sha256(&msg, &sig).unwrap();
    let ok = HostVerdict {
        key_id: Some(id),
        valid: true,
    };
    let v: Value = serde_json::from_str(&body).unwrap();
    let fields = Resource::from_value(&v["resource"]).unwrap();
    let open = |h: &Headers, verdict: HostVerdict<'_>, len: usize, r: ResourceInput<'_>, now| {
        m.open_host_verified(h, verdict, len, r, now)
            .map(|p| p.to_vec())
    };
    let all = [
        ResourceInput::Fields(&fields),
        ResourceInput::Body(body.as_bytes()),
    ];
    for r in all {
        assert_eq!(open(&h, ok, body.len(), r, NOW).unwrap(), TX.as_bytes());
        assert_eq!(
            m.verifier()
                .verify_host_verified(&h, ok, body.len(), NOW)
                .unwrap(),
            PUB_ID
        );
        // The verdict counts only with the key the serial names, and only when it says valid.
        let cert_id = keys.iter().find(|(i, _)| i != PUB_ID).unwrap().0.as_str();
        for verdict in [
            HostVerdict {
                key_id: Some(id),
                valid: false,
            },
            HostVerdict {
                key_id: Some(cert_id),
                valid: true,
            },
            HostVerdict {
                key_id: None,
                valid: true,
            },
        ] {
            assert_eq!(
                open(&h, verdict, body.len(), r, NOW).unwrap_err(),
                Error::SignatureInvalid
            );
        }
        // Every check before the verdict keeps its code, whatever the host said.
        let mut x = h.clone();
        x.signature = Some(B64.encode([0u8; 255]));
        assert_eq!(
            open(&x, ok, body.len(), r, NOW).unwrap_err(),
            Error::SignatureInvalid
        );
        x.signature = Some(format!(
            "WECHATPAY/SIGNTEST/{}",
            h.signature.as_deref().unwrap()
        ));
        assert_eq!(
            open(&x, ok, body.len(), r, NOW).unwrap_err(),
            Error::SignatureInvalid
        );
        assert_eq!(
            open(&h, ok, MAX_BODY_LEN + 1, r, NOW).unwrap_err(),
            Error::MalformedEnvelope
        );
        assert_eq!(
            open(&h, ok, body.len(), r, NOW + 301).unwrap_err(),
            Error::TimestampWindow
        );
        let mut x = h.clone();
        x.serial = Some("PUB_KEY_ID_0".into());
        assert_eq!(
            open(&x, ok, body.len(), r, NOW).unwrap_err(),
            Error::UnknownSerial
        );
        let mut x = h.clone();
        x.nonce = None;
        assert_eq!(
            open(&x, ok, body.len(), r, NOW).unwrap_err(),
            Error::MissingField
        );
        // The serial in another letter case names the same key.
        let mut x = h.clone();
        x.serial = Some(PUB_ID.to_ascii_lowercase());
        assert_eq!(open(&x, ok, body.len(), r, NOW).unwrap(), TX.as_bytes());
    }
    // The resource is decrypted with its tag checked; a body the core parses keeps its codes.
    let mut bad = fields.clone();
    bad.ciphertext = B64.encode([1u8; 40]);
    assert_eq!(
        open(&h, ok, body.len(), ResourceInput::Fields(&bad), NOW).unwrap_err(),
        Error::AeadOpen
    );
    for (text, code) in [
        ("[]", Error::MalformedEnvelope),
        ("{}", Error::MissingField),
        (r#"{"resource":1}"#, Error::MalformedEnvelope),
        (
            r#"{"resource":{"algorithm":"AEAD_AES_256_GCM"}}"#,
            Error::MissingField,
        ),
    ] {
        assert_eq!(
            open(
                &h,
                ok,
                body.len(),
                ResourceInput::Body(text.as_bytes()),
                NOW
            )
            .unwrap_err(),
            code,
            "{text}"
        );
    }
    let (msg, before, after) = m
        .authorization_parts("GET", "/v3/certificates", "", "1554208460", "N")
        .unwrap();
    let mk = RsaPrivateKey::from_pem(&merchant_key()).unwrap();
    let full = format!("{before}{}{after}", sign(&mk, msg.as_bytes()).unwrap());
    assert_eq!(
        full,
        m.authorization("GET", "/v3/certificates", "", "1554208460", "N")
            .unwrap()
    );
}

/// wechatpay-java's published test material (`vectors/wechatpay.json`, "java").
fn java() -> Value {
    v()["java"].clone()
}
fn java_str(key: &str) -> String {
    java()[key].as_str().unwrap().to_string()
}

#[test]
fn java_published_signature_is_reproduced_and_verifies_only_with_its_certificate() {
    let j = java();
    let s = &j["signature"];
    let (msg, sig) = (
        s["message"].as_str().unwrap(),
        s["signature"].as_str().unwrap(),
    );
    let key = RsaPrivateKey::from_pem(&java_str("merchant_private_key_pkcs8")).unwrap();
    assert_eq!(
        sign(&key, msg.as_bytes()).unwrap(),
        sig,
        "PKCS#1 v1.5 is deterministic"
    );
    let cert = Certificate::from_pem(&java_str("merchant_certificate")).unwrap();
    assert_eq!(cert.serial_hex, java_str("merchant_certificate_serial"));
    let PublicKey::Rsa(cert_key) = cert.public_key else {
        panic!()
    };
    assert_eq!(cert_key, key.public_key());
    verify_signature(&cert_key, msg.as_bytes(), sig).unwrap();
    let wechat = RsaPublicKey::from_pem(&java_str("platform_public_key")).unwrap();
    assert_eq!(
        verify_signature(&wechat, msg.as_bytes(), sig).unwrap_err(),
        Error::SignatureInvalid
    );
    // The platform certificate carries the published public key under its own serial.
    let pc = Certificate::from_pem(&java_str("platform_certificate")).unwrap();
    assert_eq!(pc.serial_hex, java_str("platform_certificate_serial"));
    let PublicKey::Rsa(pc_key) = pc.public_key else {
        panic!()
    };
    assert_eq!(pc_key, wechat);
}

#[test]
fn java_published_gcm_vector_both_directions_and_its_failures() {
    let j = java();
    let c = &j["aes_gcm"];
    let s = |k: &str| c[k].as_str().unwrap().to_string();
    let key = AeadKey::from_apiv3_key(&java_str("api_v3_key")).unwrap();
    let r = encrypt_resource(
        &key,
        s("plaintext").as_bytes(),
        &s("associated_data"),
        "",
        Some(&s("nonce")),
    )
    .unwrap();
    assert_eq!(r.ciphertext, s("ciphertext"));
    assert_eq!(
        &decrypt_resource(&key, &r).unwrap()[..],
        s("plaintext").as_bytes()
    );
    let bad_aad = Resource {
        associated_data: s("bad_associated_data"),
        ..r.clone()
    };
    assert_eq!(
        decrypt_resource(&key, &bad_aad).unwrap_err(),
        Error::AeadOpen
    );
    let bad_nonce = Resource {
        nonce: s("bad_nonce"),
        ..r.clone()
    };
    assert_eq!(
        decrypt_resource(&key, &bad_nonce).unwrap_err(),
        Error::AeadOpen
    );
    // testDecryptBadCipher: 128 zero bytes.
    let zeros = Resource {
        ciphertext: B64.encode([0u8; 128]),
        ..r
    };
    assert_eq!(decrypt_resource(&key, &zeros).unwrap_err(), Error::AeadOpen);
}

#[test]
fn java_published_certificates_answer_opens_to_a_certificate_with_its_serial() {
    let j = java();
    let body: Value =
        serde_json::from_str(j["certificates_response"]["body"].as_str().unwrap()).unwrap();
    let item = &body["data"][0];
    let key = AeadKey::from_apiv3_key(&java_str("api_v3_key")).unwrap();
    let r = Resource::from_value(&item["encrypt_certificate"]).unwrap();
    let plain = decrypt_resource(&key, &r).unwrap();
    let pem = std::str::from_utf8(&plain).unwrap();
    let cert = Certificate::from_pem(pem).unwrap();
    assert_eq!(cert.serial_hex, item["serial_no"].as_str().unwrap());
    assert_eq!(cert.serial_hex, j["certificates_response"]["serial"]);
    let mut held = Verifier::new(DEFAULT_MAX_SKEW_SECONDS);
    let id = held
        .add(&PlatformKeySource::Certificate {
            serial: Some(item["serial_no"].as_str().unwrap()),
            pem,
        })
        .unwrap();
    assert_eq!(id, cert.serial_hex);
    // One flipped ciphertext byte: the tag refuses it.
    let mut ct = B64.decode(&r.ciphertext).unwrap();
    ct[100] ^= 1;
    let flipped = Resource {
        ciphertext: B64.encode(&ct),
        ..r
    };
    assert_eq!(
        decrypt_resource(&key, &flipped).unwrap_err(),
        Error::AeadOpen
    );
}

#[test]
fn java_published_oaep_ciphertext_decrypts_and_its_bad_case_fails() {
    let j = java();
    let o = &j["oaep"];
    let key = RsaPrivateKey::from_pem(&java_str("merchant_private_key_pkcs8")).unwrap();
    let ct = B64.decode(o["ciphertext"].as_str().unwrap()).unwrap();
    assert_eq!(
        &key.oaep_sha1_decrypt(&ct).unwrap()[..],
        o["plaintext"].as_str().unwrap().as_bytes()
    );
    let bad = B64.decode(o["bad_ciphertext"].as_str().unwrap()).unwrap();
    assert_eq!(key.oaep_sha1_decrypt(&bad).unwrap_err(), Error::AeadOpen);
}

/// The whole protocol with the java SDK's published key pairs on both sides: the merchant's
/// request verifies on the platform side, a callback signed with the published platform key
/// opens with its certificate and with its public key, a sensitive field comes back.
#[test]
fn java_published_keys_run_the_protocol_both_ways() {
    let mk = java_str("merchant_private_key_pkcs8");
    let (pc, pp) = (
        java_str("platform_certificate"),
        java_str("platform_public_key"),
    );
    let serial = java_str("platform_certificate_serial");
    let m = Merchant::new(&Config {
        mch_id: &java_str("merchant_id"),
        merchant_serial_no: &java_str("merchant_certificate_serial"),
        merchant_private_key: &mk,
        api_v3_key: &java_str("api_v3_key"),
        platform_keys: vec![
            PlatformKeySource::Certificate {
                serial: Some(&serial),
                pem: &pc,
            },
            PlatformKeySource::PublicKey {
                id: PUB_ID,
                pem: &pp,
            },
        ],
        max_skew_seconds: DEFAULT_MAX_SKEW_SECONDS,
    })
    .unwrap();
    let mpub = RsaPrivateKey::from_pem(&mk)
        .unwrap()
        .public_key()
        .to_spki_pem()
        .unwrap();
    let pk = java_str("platform_private_key_pkcs8");
    for id in [serial.as_str(), PUB_ID] {
        let p = Platform::new(
            &java_str("merchant_id"),
            id,
            &pk,
            &java_str("api_v3_key"),
            &mpub,
            300,
        )
        .unwrap();
        let body = r#"{"out_trade_no":"1217752501201407033233368018"}"#;
        let auth = m
            .authorization(
                "POST",
                "/v3/pay/transactions/jsapi",
                body,
                &NOW.to_string(),
                "n0nce",
            )
            .unwrap();
        let a = p
            .verify_authorization("POST", "/v3/pay/transactions/jsapi", body, &auth, NOW)
            .unwrap();
        assert_eq!(a.serial_no, java_str("merchant_certificate_serial"));
        let (h, cb) = callback(&p, NOW);
        let n = m.open_notification(&h, cb.as_bytes(), NOW).unwrap();
        assert_eq!(n.serial, id);
        assert_eq!(String::from_utf8(n.resource.to_vec()).unwrap(), TX);
        let (ct, used) = m.encrypt_sensitive("张三", Some(id)).unwrap();
        assert_eq!(used, id);
        assert_eq!(&p.decrypt_sensitive(&ct).unwrap()[..], "张三".as_bytes());
    }
}
