//! The official server-API security vector (vectors/api-security.json) and hostile inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
use base64::Engine as _;
use common::K1024;
use serde_json::Value;
use wxcrypt::aead::{AeadAlgorithm, AeadKey};
use wxcrypt::api_security::*;
use wxcrypt::pki::*;
use wxcrypt::Error;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn v() -> Value {
    serde_json::from_str(include_str!("../../../vectors/api-security.json")).unwrap()
}
fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap()
}
fn config(v: &Value, certs: Vec<(String, String)>) -> Config {
    Config {
        app_id: s(v, "appid").into(),
        algorithm: Algorithm::Aes256GcmRsaSha256,
        symmetric_key: s(v, "symmetric_key").into(),
        symmetric_key_sn: s(v, "symmetric_key_sn").into(),
        private_key: s(v, "private_key").into(),
        private_key_sn: s(v, "private_key_sn").into(),
        platform_certificates: certs,
        max_skew_seconds: DEFAULT_MAX_SKEW_SECONDS,
    }
}
fn official() -> (Value, ApiSecurity) {
    let v = v();
    let c = config(
        &v,
        vec![(
            s(&v, "platform_certificate_sn").into(),
            s(&v, "platform_certificate").into(),
        )],
    );
    let sec = ApiSecurity::new(&c).unwrap();
    (v, sec)
}
fn resp_headers(v: &Value) -> Headers {
    let h = v["response"]["headers"].as_object().unwrap();
    Headers::from_pairs(h.iter().map(|(k, x)| (k.as_str(), x.as_str().unwrap())))
}

#[test]
fn request_reproduced_byte_for_byte() {
    let (v, sec) = official();
    let r = &v["request"];
    let iv: [u8; 12] = B64.decode(s(r, "iv")).unwrap().try_into().unwrap();
    let sealed = sec
        .seal_request(
            s(&v, "url"),
            s(r, "params"),
            r["timestamp"].as_u64().unwrap(),
            &SealOptions {
                nonce: Some(s(r, "nonce")),
                iv: Some(iv),
            },
        )
        .unwrap();
    assert_eq!(sealed.body, s(r, "body"));
    assert_eq!(sealed.headers.appid.as_deref(), Some("wxba6223c06417af7b"));
    assert_eq!(sealed.headers.timestamp.as_deref(), Some("1635927954"));
    // A fresh PSS signature verifies with the app's public key.
    let pk = RsaPrivateKey::from_pem(s(&v, "private_key"))
        .unwrap()
        .public_key();
    let m = string_to_sign(s(&v, "url"), s(&v, "appid"), "1635927954", &sealed.body);
    let sig = B64.decode(sealed.headers.signature.unwrap()).unwrap();
    pk.verify_pss_sha256(m.as_bytes(), &sig).unwrap();
    // The published signature verifies too.
    pk.verify_pss_sha256(m.as_bytes(), &B64.decode(s(r, "signature")).unwrap())
        .unwrap();
}

#[test]
fn response_verified_and_decrypted() {
    let (v, sec) = official();
    let opened = sec
        .open_response(
            s(&v, "url"),
            &resp_headers(&v),
            s(&v["response"], "body"),
            1635927956,
        )
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&opened.json).unwrap(),
        v["response"]["answer"]
    );
    assert_eq!(opened.serial, "79ba700ea147819f640941bceb38b1d1");
    assert!(!opened.deprecated);
}

#[test]
fn certificate_parsed() {
    let v = v();
    let c = Certificate::from_pem(s(&v, "platform_certificate")).unwrap();
    assert_eq!(c.serial_hex, "784F98CBBBCCFE8F9E1C7B1F33ED5B1892446534");
    assert!(c.is_valid_at(1700000000));
    assert!(!c.is_valid_at(1635927956)); // issued 2022-09-05, after the vector's date
    assert!(matches!(c.public_key, PublicKey::Rsa(ref k) if k.bits() == 2048));
}

#[test]
fn unknown_serial_refused() {
    let v = v();
    // Holding only the (unpublished) deprecated 编号, mapped to some other key.
    let c = config(
        &v,
        vec![(
            "2171af9cdf1d7404423852e7e183d852".into(),
            s(&v, "platform_certificate").into(),
        )],
    );
    let sec = ApiSecurity::new(&c).unwrap();
    let e = sec.open_response(
        s(&v, "url"),
        &resp_headers(&v),
        s(&v["response"], "body"),
        1635927956,
    );
    assert_eq!(e, Err(Error::SignatureInvalid));
    let c = config(
        &v,
        vec![("0000".into(), s(&v, "platform_certificate").into())],
    );
    let sec = ApiSecurity::new(&c).unwrap();
    let e = sec.open_response(
        s(&v, "url"),
        &resp_headers(&v),
        s(&v["response"], "body"),
        1635927956,
    );
    assert_eq!(e, Err(Error::UnknownSerial));
}

#[test]
fn hostile_responses() {
    let (v, sec) = official();
    let url = s(&v, "url");
    let body = s(&v["response"], "body");
    let h = resp_headers(&v);
    let now = 1635927956;
    let open = |h: &Headers, b: &str, now| sec.open_response(url, h, b, now);
    // Flipped byte in data / tag / iv: the signature covers the body, so it fails first.
    for field in ["HExs", "z2BF", "r2WD"] {
        let b = body.replacen(field, &field.to_lowercase(), 1);
        assert_eq!(open(&h, &b, now), Err(Error::SignatureInvalid), "{field}");
    }
    // Flipped signature.
    let mut h2 = h.clone();
    h2.signature = Some(h.signature.clone().unwrap().replacen('H', "G", 1));
    assert_eq!(open(&h2, body, now), Err(Error::SignatureInvalid));
    // Timestamp header changed (AAD part and signed part).
    let mut h2 = h.clone();
    h2.timestamp = Some("1635927957".into());
    assert_eq!(open(&h2, body, now), Err(Error::SignatureInvalid));
    // Out of window.
    assert_eq!(open(&h, body, now + 301), Err(Error::TimestampWindow));
    assert_eq!(open(&h, body, now - 301), Err(Error::TimestampWindow));
    // Another appid in the header.
    let mut h2 = h.clone();
    h2.appid = Some("wx0000000000000000".into());
    assert_eq!(open(&h2, body, now), Err(Error::ValidateAppid));
    // Missing headers: unsigned answer.
    for i in 0..3 {
        let mut h2 = h.clone();
        match i {
            0 => h2.appid = None,
            1 => h2.timestamp = None,
            _ => {
                h2.signature = None;
                h2.signature_deprecated = None
            }
        }
        assert_eq!(open(&h2, body, now), Err(Error::MissingField));
    }
    // Wrong URL (AAD and signed string).
    assert_eq!(
        sec.open_response("https://api.weixin.qq.com/wxa/other", &h, body, now),
        Err(Error::SignatureInvalid)
    );
    // Huge body, bounded.
    let huge = "x".repeat(MAX_BODY_LEN + 1);
    assert_eq!(open(&h, &huge, now), Err(Error::MalformedEnvelope));
}

#[test]
fn header_names_in_any_case() {
    let (v, sec) = official();
    let h = v["response"]["headers"].as_object().unwrap();
    let lower: Vec<(String, String)> = h
        .iter()
        .map(|(k, x)| (k.to_lowercase(), x.as_str().unwrap().into()))
        .collect();
    let hs = Headers::from_pairs(lower.iter().map(|(a, b)| (a.as_str(), b.as_str())));
    sec.open_response(s(&v, "url"), &hs, s(&v["response"], "body"), 1635927956)
        .unwrap();
    // Values trimmed; a blank one is a missing header (the host boundary's rule too: the fuzz
    // target api_security_open found them apart).
    let blank = Headers::from_pairs([("Wechatmp-Appid", " \t"), ("wechatmp-timestamp", " 5 ")]);
    assert_eq!(blank.appid, None);
    assert_eq!(blank.timestamp.as_deref(), Some("5"));
    let mut hs = hs;
    hs.appid = Headers::from_pairs([("Wechatmp-Appid", " ")]).appid;
    assert_eq!(
        sec.open_response(s(&v, "url"), &hs, s(&v["response"], "body"), 1635927956),
        Err(Error::MissingField)
    );
}

/// A platform using the vector's app key as its own key, to exercise the platform side and
/// every post-signature check with valid signatures.
fn rsa_pair() -> (Value, ApiSecurity, Platform) {
    let v = v();
    let key = RsaPrivateKey::from_pem(s(&v, "private_key")).unwrap();
    let pub_pem = key.public_key().to_spki_pem().unwrap();
    let sec = ApiSecurity::new(&config(&v, vec![("PLATSN".into(), pub_pem.clone())])).unwrap();
    let plat = Platform::new(&PlatformConfig {
        app_id: s(&v, "appid").into(),
        algorithm: Algorithm::Aes256GcmRsaSha256,
        symmetric_key: s(&v, "symmetric_key").into(),
        symmetric_key_sn: s(&v, "symmetric_key_sn").into(),
        app_public_key: pub_pem,
        app_key_sn: s(&v, "private_key_sn").into(),
        platform_private_key: s(&v, "private_key").into(),
        platform_sn: "PLATSN".into(),
        deprecated: Some((s(&v, "private_key").into(), "OLDSN".into())),
        max_skew_seconds: 300,
    })
    .unwrap();
    (v, sec, plat)
}

#[test]
fn platform_round_trip_and_errcodes() {
    let (v, sec, plat) = rsa_pair();
    let url = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T";
    let req = sec
        .seal_request(
            url,
            r#"{"openid":"o1","scene":0}"#,
            1000,
            &SealOptions::default(),
        )
        .unwrap();
    let params = plat
        .open_request(url, &req.headers, &req.body, 1000)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&params).unwrap(),
        serde_json::json!({"openid":"o1","scene":0})
    );
    let mut h = req.headers.clone();
    h.signature = None;
    assert_eq!(
        plat.open_request(url, &h, &req.body, 1000)
            .unwrap_err()
            .code(),
        40232
    );
    let mut h = req.headers.clone();
    h.appid = None;
    assert_eq!(
        plat.open_request(url, &h, &req.body, 1000)
            .unwrap_err()
            .code(),
        40233
    );
    let mut h = req.headers.clone();
    h.timestamp = None;
    assert_eq!(
        plat.open_request(url, &h, &req.body, 1000)
            .unwrap_err()
            .code(),
        40231
    );
    assert_eq!(
        plat.open_request(url, &req.headers, &req.body, 1400)
            .unwrap_err()
            .code(),
        40240
    );
    let tampered = req.body.replacen("\"data\":\"", "\"data\":\"A", 1);
    assert_eq!(
        plat.open_request(url, &req.headers, &tampered, 1000)
            .unwrap_err()
            .code(),
        40234
    );
    let mut h = req.headers.clone();
    h.serial = Some("other".into());
    assert_eq!(
        plat.open_request(url, &h, &req.body, 1000)
            .unwrap_err()
            .code(),
        40239
    );
    let mut h = req.headers.clone();
    h.appid = Some("wxother".into());
    assert_eq!(
        plat.open_request(url, &h, &req.body, 1000)
            .unwrap_err()
            .code(),
        40236
    );

    // Answers: current and deprecated signatures.
    let ans = plat
        .seal_response(
            url,
            r#"{"errcode":0,"errmsg":"ok"}"#,
            1001,
            &SealOptions::default(),
        )
        .unwrap();
    let o = sec
        .open_response(url, &ans.headers, &ans.body, 1001)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&o.json).unwrap(),
        serde_json::json!({"errcode":0,"errmsg":"ok"})
    );
    assert!(!o.deprecated);
    // A client holding only the retiring certificate: verified by the deprecated signature.
    let key = RsaPrivateKey::from_pem(s(&v, "private_key")).unwrap();
    let old = ApiSecurity::new(&config(
        &v,
        vec![("OLDSN".into(), key.public_key().to_spki_pem().unwrap())],
    ))
    .unwrap();
    let o = old
        .open_response(url, &ans.headers, &ans.body, 1001)
        .unwrap();
    assert!(o.deprecated);
    assert_eq!(o.serial, "OLDSN");
}

#[test]
fn unencrypted_answer_refused_even_when_signed() {
    let (v, sec, _) = rsa_pair();
    let key = RsaPrivateKey::from_pem(s(&v, "private_key")).unwrap();
    let url = "https://api.weixin.qq.com/wxa/x";
    let body = r#"{"errcode":0,"errmsg":"ok"}"#;
    let sig = key
        .sign_pss_sha256(string_to_sign(url, s(&v, "appid"), "5", body).as_bytes())
        .unwrap();
    let h = Headers {
        appid: Some(s(&v, "appid").into()),
        timestamp: Some("5".into()),
        serial: Some("PLATSN".into()),
        signature: Some(B64.encode(sig)),
        ..Headers::default()
    };
    assert_eq!(
        sec.open_response(url, &h, body, 5),
        Err(Error::MissingField)
    );
}

#[test]
fn sm2_sm4_round_trip() {
    let app = Sm2PrivateKey::from_pem(&"11".repeat(32)).unwrap();
    let plat_key = Sm2PrivateKey::from_pem(&"22".repeat(32)).unwrap();
    let sym = B64.encode([7u8; 16]);
    let sec = ApiSecurity::new(&Config {
        app_id: "wxapp".into(),
        algorithm: Algorithm::Sm4GcmSm2Sm3,
        symmetric_key: sym.clone(),
        symmetric_key_sn: "SYMSN".into(),
        private_key: "11".repeat(32),
        private_key_sn: "APPSN".into(),
        platform_certificates: vec![(
            "PLATSN".into(),
            plat_key.public_key().to_spki_pem().unwrap(),
        )],
        max_skew_seconds: 300,
    })
    .unwrap();
    let plat = Platform::new(&PlatformConfig {
        app_id: "wxapp".into(),
        algorithm: Algorithm::Sm4GcmSm2Sm3,
        symmetric_key: sym,
        symmetric_key_sn: "SYMSN".into(),
        app_public_key: app.public_key().to_spki_pem().unwrap(),
        app_key_sn: "APPSN".into(),
        platform_private_key: "22".repeat(32),
        platform_sn: "PLATSN".into(),
        deprecated: None,
        max_skew_seconds: 300,
    })
    .unwrap();
    let url = "https://api.weixin.qq.com/wxa/getuserriskrank";
    let req = sec
        .seal_request(url, r#"{"a":1}"#, 50, &SealOptions::default())
        .unwrap();
    // The SM2 user ID of a request is the app's key 编号.
    let m = string_to_sign(url, "wxapp", "50", &req.body);
    let sig = B64
        .decode(req.headers.signature.as_deref().unwrap())
        .unwrap();
    app.public_key()
        .verify_sm3("APPSN", m.as_bytes(), &sig)
        .unwrap();
    assert_eq!(
        app.public_key().verify_sm3("PLATSN", m.as_bytes(), &sig),
        Err(Error::SignatureInvalid)
    );
    assert_eq!(
        plat.open_request(url, &req.headers, &req.body, 50).unwrap(),
        r#"{"a":1}"#
    );
    let ans = plat
        .seal_response(url, r#"{"errcode":0}"#, 51, &SealOptions::default())
        .unwrap();
    let m = string_to_sign(url, "wxapp", "51", &ans.body);
    let sig = B64
        .decode(ans.headers.signature.as_deref().unwrap())
        .unwrap();
    plat_key
        .public_key()
        .verify_sm3("PLATSN", m.as_bytes(), &sig)
        .unwrap();
    assert_eq!(
        sec.open_response(url, &ans.headers, &ans.body, 51)
            .unwrap()
            .json,
        r#"{"errcode":0}"#
    );
}

#[test]
fn sm2_third_party_wechat_format_signature() {
    // Independent check: a WeChat-format SM2withSM3 signature made by another implementation.
    let v = v();
    let t = &v["sm2_signature_third_party"];
    let pk = Sm2PublicKey::from_pem(s(t, "public_key")).unwrap();
    let sig = B64.decode(s(t, "signature")).unwrap();
    pk.verify_sm3(s(t, "user_id"), s(t, "message").as_bytes(), &sig)
        .unwrap();
    assert_eq!(
        pk.verify_sm3("other", s(t, "message").as_bytes(), &sig),
        Err(Error::SignatureInvalid)
    );
}

#[test]
fn keys_refused_with_codes() {
    let v = v();
    // One key per 编号.
    let cert = (
        s(&v, "platform_certificate_sn").to_string(),
        s(&v, "platform_certificate").to_string(),
    );
    assert_eq!(
        ApiSecurity::new(&config(&v, vec![cert.clone(), cert])).unwrap_err(),
        Error::InvalidArgument
    );
    assert_eq!(RsaPrivateKey::from_pem(K1024).unwrap_err(), Error::KeySize);
    assert_eq!(
        RsaPrivateKey::from_pem(s(&v, "platform_certificate")).unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        RsaPrivateKey::from_pem(
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"
        )
        .unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        RsaPrivateKey::from_pem("hello").unwrap_err(),
        Error::KeyParse
    );
    let sm2 = Sm2PrivateKey::from_pem(&"11".repeat(32)).unwrap();
    let sm2_pkcs8 = sm2.to_pkcs8_der().unwrap();
    assert_eq!(
        RsaPrivateKey::from_pkcs8_der(&sm2_pkcs8).unwrap_err(),
        Error::KeyParse
    );
    assert_eq!(
        RsaPublicKey::from_pem(&sm2.public_key().to_spki_pem().unwrap()).unwrap_err(),
        Error::KeyParse
    );
    // PKCS#8 round trip of the validated key.
    let k = RsaPrivateKey::from_pem(s(&v, "private_key")).unwrap();
    let der = k.to_pkcs8_der().unwrap();
    let k2 = RsaPrivateKey::from_pkcs8_der(&der).unwrap();
    assert_eq!(k.public_key(), k2.public_key());
    assert!(!format!("{k:?}").contains("MIIE"));
    // PKCS#1 v1.5 and OAEP round trips.
    let sig = k.sign_pkcs1v15_sha256(b"m").unwrap();
    k.public_key().verify_pkcs1v15_sha256(b"m", &sig).unwrap();
    assert_eq!(
        k.public_key().verify_pkcs1v15_sha256(b"n", &sig),
        Err(Error::SignatureInvalid)
    );
    let ct = k.public_key().oaep_sha1_encrypt(b"secret").unwrap();
    assert_eq!(&*k.oaep_sha1_decrypt(&ct).unwrap(), b"secret");
    assert_eq!(k.oaep_sha1_decrypt(&ct[1..]), Err(Error::AeadOpen));
    // GCM with a tag appended, through the public API.
    let g = AeadKey::from_base64(AeadAlgorithm::Aes256Gcm, s(&v, "symmetric_key")).unwrap();
    let sealed = g.seal(&[1; 12], b"aad", b"x").unwrap();
    assert_eq!(&*g.open(&[1; 12], b"aad", &sealed).unwrap(), b"x");
}

#[test]
fn host_verified_split_matches_open_response() {
    let (v, sec) = official();
    let url = s(&v, "url");
    let body = s(&v["response"], "body");
    let h = resp_headers(&v);
    let now = 1635927956;
    let job = sec.open_response_verify_job(url, &h, body, now).unwrap();
    assert_eq!(job.serial, s(&v, "platform_certificate_sn"));
    let (_, key) = sec
        .platform_public_keys()
        .find(|(sn, _)| *sn == job.serial)
        .unwrap();
    let PublicKey::Rsa(k) = key else { panic!() };
    k.verify_pss_sha256(job.message.as_bytes(), &job.signature)
        .unwrap();
    let rk = RsaPublicKey::from_spki_der(&k.to_spki_der().unwrap()).unwrap();
    assert_eq!(&rk, k);
    assert_eq!(
        sec.open_response_host_verified(url, &h, body, now, true)
            .unwrap(),
        sec.open_response(url, &h, body, now).unwrap()
    );
    assert_eq!(
        sec.open_response_host_verified(url, &h, body, now, false),
        Err(Error::SignatureInvalid)
    );
    // Every check before the signature still runs in the core.
    assert_eq!(
        sec.open_response_host_verified(url, &h, body, now + 10_000, true),
        Err(Error::TimestampWindow)
    );
    assert_eq!(
        sec.open_response_verify_job(url, &h, body, now + 10_000),
        Err(Error::TimestampWindow)
    );
    let tampered = body.replacen('a', "b", 1);
    assert!(sec
        .open_response_host_verified(url, &h, &tampered, now, true)
        .is_err());
}

/// An answer to `url` at timestamp 5 whose decrypted object is `plain` exactly, signed with the
/// platform key of [`rsa_pair`] (PLATSN).
fn crafted_answer(v: &Value, url: &str, plain: &str) -> (Headers, String) {
    let key = RsaPrivateKey::from_pem(s(v, "private_key")).unwrap();
    let g = AeadKey::from_base64(AeadAlgorithm::Aes256Gcm, s(v, "symmetric_key")).unwrap();
    let iv = [7u8; 12];
    let (ct, tag) = g
        .seal_detached(
            &iv,
            aad(url, s(v, "appid"), "5", s(v, "symmetric_key_sn")).as_bytes(),
            plain.as_bytes(),
        )
        .unwrap();
    let body = format!(
        r#"{{"iv":"{}","data":"{}","authtag":"{}"}}"#,
        B64.encode(iv),
        B64.encode(ct),
        B64.encode(tag)
    );
    let sig = key
        .sign_pss_sha256(string_to_sign(url, s(v, "appid"), "5", &body).as_bytes())
        .unwrap();
    let h = Headers {
        appid: Some(s(v, "appid").into()),
        timestamp: Some("5".into()),
        serial: Some("PLATSN".into()),
        signature: Some(B64.encode(sig)),
        ..Headers::default()
    };
    (h, body)
}

#[test]
fn security_fields_read_once_and_never_twice() {
    let (v, sec, _) = rsa_pair();
    let url = "https://api.weixin.qq.com/wxa/x";
    let app = s(&v, "appid");
    // The security fields in any order, among other members: opened, and dropped.
    let (h, body) = crafted_answer(
        &v,
        url,
        &format!(
            r#"{{"errcode":0,"_timestamp":"5","a":[1,{{"_appid":"x"}}],"_appid":"{app}","_n":"n"}}"#
        ),
    );
    let opened = sec.open_response(url, &h, &body, 5).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&opened.json).unwrap(),
        serde_json::json!({"errcode":0,"a":[1,{"_appid":"x"}]})
    );
    // A repeated `_appid` (a parser taking the first and one taking the last would disagree).
    let (h, body) = crafted_answer(
        &v,
        url,
        &format!(r#"{{"_n":"n","_appid":"{app}","_timestamp":5,"_appid":"wx0"}}"#),
    );
    assert_eq!(
        sec.open_response(url, &h, &body, 5),
        Err(Error::MalformedEnvelope)
    );
    // Not an object, or not JSON, once decrypted.
    for plain in [r#"["_appid"]"#, "{", r#"{"_appid":1}x"#] {
        let (h, body) = crafted_answer(&v, url, plain);
        assert_eq!(
            sec.open_response(url, &h, &body, 5),
            Err(Error::MalformedEnvelope),
            "{plain}"
        );
    }
    // A missing or foreign `_appid`, a `_timestamp` of another time.
    let (h, body) = crafted_answer(&v, url, r#"{"_timestamp":5}"#);
    assert_eq!(
        sec.open_response(url, &h, &body, 5),
        Err(Error::ValidateAppid)
    );
    let (h, body) = crafted_answer(&v, url, &format!(r#"{{"_appid":"{app}","_timestamp":6}}"#));
    assert_eq!(
        sec.open_response(url, &h, &body, 5),
        Err(Error::TimestampWindow)
    );
    // Parameters already holding a security field, whatever its value, or holding one twice.
    for params in [
        r#"{"_n":null}"#,
        r#"{"a":1,"_appid":"wx"}"#,
        r#"{"_timestamp":{}}"#,
        r#"{"a":1,"a":2,"_n":1,"_n":2}"#,
        "[]",
        r#"{"a":1"#,
    ] {
        assert_eq!(
            sec.seal_request(url, params, 5, &SealOptions::default()),
            Err(Error::InvalidArgument),
            "{params}"
        );
    }
    // Nested `_n` is another member's business.
    assert!(sec
        .seal_request(url, r#"{"x":{"_n":1}}"#, 5, &SealOptions::default())
        .is_ok());
}

/// The host's two-step opening (the host verifying RSA-PSS): the answer released only on a true
/// verdict, each held outcome released once, the failures in `open_response`'s order.
#[test]
fn host_two_step_open_releases_only_on_a_true_verdict() {
    use wxcrypt::host::ApiSecurityHost;
    let v = v();
    let config = serde_json::json!({
        "appId": s(&v, "appid"),
        "algorithm": "AES256_GCM+RSAwithSHA256",
        "symmetricKey": s(&v, "symmetric_key"),
        "symmetricKeySn": s(&v, "symmetric_key_sn"),
        "privateKey": s(&v, "private_key"),
        "privateKeySn": s(&v, "private_key_sn"),
        "platformCertificates": [{ "sn": s(&v, "platform_certificate_sn"), "certificate": s(&v, "platform_certificate") }],
    });
    let host = ApiSecurityHost::new(&config.to_string()).unwrap();
    let h = &v["response"]["headers"];
    let header = |k: &str| h[k].as_str().unwrap_or("").to_owned();
    let values = |sig: String| {
        vec![
            header("Wechatmp-Appid"),
            header("Wechatmp-TimeStamp"),
            header("Wechatmp-Serial"),
            sig,
            header("Wechatmp-Serial-Deprecated"),
            header("Wechatmp-Signature-Deprecated"),
        ]
    };
    let url = s(&v, "url");
    let body = v["response"]["body"].as_str().unwrap();
    let now = header("Wechatmp-TimeStamp").parse::<f64>().unwrap();
    let job = host
        .open_verify_job(url, values(header("Wechatmp-Signature")), body, now)
        .unwrap();
    let ts = header("Wechatmp-TimeStamp");
    assert_eq!(job[1], s(&v, "platform_certificate_sn"));
    assert_eq!(job[2], string_to_sign(url, s(&v, "appid"), &ts, body));
    assert_eq!(job[3], header("Wechatmp-Signature"));
    assert_eq!(job[4], "");
    let text = host.open_verified(&job[0], true).unwrap();
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["_appid"], s(&v, "appid"));
    let mut stripped = answer.as_object().unwrap().clone();
    for k in ["_n", "_appid", "_timestamp"] {
        stripped.remove(k);
    }
    assert_eq!(Value::Object(stripped), v["response"]["answer"]);
    // Released once: the same id again is an internal error, as is an id never given.
    for id in [job[0].as_str(), "4294967295", "x"] {
        let e = host.open_verified(id, true).unwrap_err();
        assert_eq!(e.code(), "ERR_WXCRYPT_INTERNAL", "{id}");
    }
    // A false verdict: SignatureInvalid, even when the body is fine.
    let job = host
        .open_verify_job(url, values(header("Wechatmp-Signature")), body, now)
        .unwrap();
    assert_eq!(
        host.open_verified(&job[0], false).unwrap_err().code(),
        "SignatureInvalid"
    );
    // A body that does not decrypt (the key 编号 in the AAD differs): the signature's verdict
    // first, then the body's own failure.
    let other = ApiSecurityHost::new(
        &serde_json::json!({ "symmetricKeySn": "other" })
            .as_object()
            .unwrap()
            .iter()
            .fold(config.clone(), |mut c, (k, x)| {
                c[k] = x.clone();
                c
            })
            .to_string(),
    )
    .unwrap();
    let job = other
        .open_verify_job(url, values(header("Wechatmp-Signature")), body, now)
        .unwrap();
    assert_eq!(
        other.open_verified(&job[0], false).unwrap_err().code(),
        "SignatureInvalid"
    );
    let job = other
        .open_verify_job(url, values(header("Wechatmp-Signature")), body, now)
        .unwrap();
    assert_eq!(
        other.open_verified(&job[0], true).unwrap_err().code(),
        "AeadOpen"
    );
    // Checks before the signature throw at once, holding nothing: without the current
    // signature only the deprecated certificate's remains, whose 编号 is not held.
    let e = host
        .open_verify_job(url, values(String::new()), body, now)
        .unwrap_err();
    assert_eq!(e.code(), "UnknownSerial");
    let e = host
        .open_verify_job(url, values(header("Wechatmp-Signature")), body, now + 301.0)
        .unwrap_err();
    assert_eq!(e.code(), "TimestampWindow");
    assert_eq!(
        host.open_verify_job(url, vec![String::new(); 5], body, now)
            .unwrap_err()
            .code(),
        "ERR_INVALID_ARG_VALUE"
    );
}
