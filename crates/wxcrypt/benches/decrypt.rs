//! Throughput of `DataCrypt::decrypt_data` (base64 → AES-128-CBC → JSON check → watermark) per
//! payload size: `cargo bench -p wxcrypt --bench decrypt`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wxcrypt::{encrypt_data, DataCrypt, SessionKey};

const APP_ID: &str = "wx4f4bc4dec97d474b";
const WATERMARK: &str = r#""watermark":{"timestamp":1714036504,"appid":"wx4f4bc4dec97d474b"}"#;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Plaintexts of the shapes the JS bench uses: phone number, user info, 31-day WeRun, ~64 KB.
fn payloads() -> Vec<(&'static str, String)> {
    let phone = format!(
        r#"{{"phoneNumber":"13580006666","purePhoneNumber":"13580006666","countryCode":"86",{WATERMARK}}}"#
    );
    let user = format!(
        r#"{{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0","unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA",{WATERMARK}}}"#
    );
    let days: Vec<String> = (0..31u64)
        .map(|d| {
            format!(
                "    {{\n      \"timestamp\": {},\n      \"step\": {}\n    }}",
                1_714_060_800 - d * 86_400,
                (d * 7919 + 1234) % 23_000
            )
        })
        .collect();
    let werun = format!(
        "{{\n  \"stepInfoList\": [\n{}\n  ],\n  {WATERMARK}\n}}",
        days.join(",\n")
    );
    let mut items = Vec::new();
    let mut len = 0;
    let mut i = 0u32;
    while len < 64 * 1024 - 200 {
        let item = format!(
            r#"{{"id":{i},"name":"用户{i} user {i}","tags":["a","βγ","emoji 😀"],"score":{},"ok":{},"note":null}}"#,
            f64::from(i) * 1.25,
            i.is_multiple_of(2)
        );
        len += item.len() + 1;
        items.push(item);
        i += 1;
    }
    let big = format!(r#"{{"items":[{}],{WATERMARK}}}"#, items.join(","));
    vec![
        ("phone", phone),
        ("userinfo", user),
        ("werun-31d", werun),
        ("64KB", big),
    ]
}

fn decrypt(c: &mut Criterion) {
    let key = SessionKey::from_bytes(&[0xa3; 16]);
    let iv = [0x0f; 16];
    let iv_b64 = b64(&iv);
    let crypt = DataCrypt::new(APP_ID, key.expose_base64()).unwrap();
    let mut group = c.benchmark_group("decrypt_data");
    for (name, plaintext) in payloads() {
        let ct = b64(&encrypt_data(&key, &iv, plaintext.as_bytes()));
        let out = crypt.decrypt_data(&ct, &iv_b64).expect("valid payload");
        assert_eq!(out.as_str(), plaintext);
        group.throughput(Throughput::Bytes(plaintext.len() as u64));
        group.bench_with_input(BenchmarkId::new("reused", name), &ct, |b, ct| {
            b.iter(|| crypt.decrypt_data(black_box(ct), black_box(&iv_b64)))
        });
        // The same without the JSON and watermark checks: what the checks cost.
        group.bench_with_input(BenchmarkId::new("raw", name), &ct, |b, ct| {
            b.iter(|| crypt.decrypt_raw(black_box(ct), black_box(&iv_b64)))
        });
        group.bench_with_input(BenchmarkId::new("new_instance", name), &ct, |b, ct| {
            b.iter(|| {
                DataCrypt::new(APP_ID, black_box(key.expose_base64()))
                    .and_then(|c| c.decrypt_data(black_box(ct), black_box(&iv_b64)))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decrypt);
criterion_main!(benches);
