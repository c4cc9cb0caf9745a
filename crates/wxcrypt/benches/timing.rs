//! A dudect-style check of the core's open-data path (issue 21): a bad padding and a valid
//! padding over garbage must take the same time in `wxcrypt::open_data_text` (the bindings'
//! `decryptData` path) and in `DataCrypt::decrypt_data`.
//!
//! `cargo bench -p wxcrypt --bench timing [-- SAMPLES]` (default 1,000,000 per class). Classes
//! interleaved at random, each call timed alone; Welch's t on the raw samples and on dudect's 100
//! percentile crops; prints MET when |t| < 10 at every crop. Not a test: `cargo test` does not
//! run it (timings are noisy on a shared machine).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use std::hint::black_box;
use std::time::Instant;
use wxcrypt::{encrypt_data, DataCrypt, SessionKey};

const APP_ID: &str = "wx4f4bc4dec97d474b";

/// A path under test: its name, and a call that says whether the input was accepted.
type Path<'a> = (&'a str, &'a dyn Fn(&str, &str) -> bool);

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// xorshift64*: inputs and the interleaving (no rand dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Welch's t of the samples of `a` and `b` below `limit`.
fn welch(a: &[f64], b: &[f64], limit: f64) -> f64 {
    let stats = |x: &[f64]| {
        let v: Vec<f64> = x.iter().copied().filter(|&t| t < limit).collect();
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|t| (t - m) * (t - m)).sum::<f64>() / (n - 1.0);
        (n, m, var)
    };
    let ((na, ma, va), (nb, mb, vb)) = (stats(a), stats(b));
    if na < 2.0 || nb < 2.0 {
        return 0.0;
    }
    (ma - mb) / (va / na + vb / nb).sqrt()
}

/// The largest |t| over the uncropped samples and the 100 crops, and the median gap in ns.
fn compare(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut pooled: Vec<f64> = a.iter().chain(b).copied().collect();
    pooled.sort_by(f64::total_cmp);
    let mut worst = welch(a, b, f64::INFINITY).abs();
    for i in 0..100 {
        let p = 1.0 - 0.5f64.powf(10.0 * f64::from(i + 1) / 100.0);
        let limit = pooled[((p * pooled.len() as f64) as usize).min(pooled.len() - 1)];
        worst = worst.max(welch(a, b, limit).abs());
    }
    let median = |x: &[f64]| {
        let mut v = x.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (worst, median(a) - median(b))
}

fn main() {
    let samples: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let key_bytes: [u8; 16] = rng.bytes(16).try_into().unwrap();
    let iv: [u8; 16] = rng.bytes(16).try_into().unwrap();
    let key = SessionKey::from_bytes(&key_bytes);
    let ivs = b64(&iv);
    let ct_len = 416;
    // Bad padding: random ciphertexts (rejected if they happen to decrypt to a valid padding).
    let bad: Vec<String> = (0..64)
        .map(|_| loop {
            let ct = b64(&rng.bytes(ct_len));
            if key.decrypt_text(&ct, &ivs).is_err() {
                break ct;
            }
        })
        .collect();
    // Valid padding over random bytes (not JSON), 400..415 bytes of plaintext.
    let garbage: Vec<String> = (0..64)
        .map(|_| {
            let n = 400 + (rng.next() % 16) as usize;
            b64(&encrypt_data(&key, &iv, &rng.bytes(n)))
        })
        .collect();
    let payload = |appid: &str| {
        let head =
            format!(r#"{{"watermark":{{"timestamp":1714036504,"appid":"{appid}"}},"note":""#);
        format!("{head}{}\"}}", "x".repeat(400 - head.len() - 2))
    };
    let wrong = vec![b64(&encrypt_data(
        &key,
        &iv,
        payload("wx0000000000000000").as_bytes(),
    ))];
    let good = vec![b64(&encrypt_data(&key, &iv, payload(APP_ID).as_bytes()))];
    // The random-plaintext classes get a fresh iv on each call (from 65,536): the first block,
    // which decides how soon the UTF-8 and JSON checks stop, is then new random bytes each time,
    // not a property of 64 fixed inputs. The padding is in the last block, which the iv does not
    // touch.
    let fresh: Vec<String> = (0..1 << 16).map(|_| b64(&rng.bytes(16))).collect();
    let fixed = vec![ivs.clone()];
    let classes = [
        ("badPadding", &bad, &fresh),
        ("notJson", &garbage, &fresh),
        ("wrongAppid", &wrong, &fixed),
        ("success", &good, &fixed),
    ];
    let crypt = DataCrypt::with_key(APP_ID, key.clone());
    let key_text = key.expose_base64().to_owned();

    let paths: [Path<'_>; 2] = [
        ("open_data_text", &|ed: &str, iv: &str| {
            matches!(
                wxcrypt::open_data_text(&key_text, ed, iv, APP_ID),
                Ok(Some(_))
            )
        }),
        ("DataCrypt::decrypt_data", &|ed: &str, iv: &str| {
            crypt.decrypt_data(ed, iv).is_ok()
        }),
    ];
    let mut all_met = true;
    for (name, call) in paths {
        let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); classes.len()];
        for i in 0..samples * classes.len() + 20_000 {
            let c = (rng.next() % classes.len() as u64) as usize;
            let (_, list, iv_list) = classes[c];
            let input = &list[(rng.next() as usize) % list.len()];
            let iv = &iv_list[(rng.next() as usize) % iv_list.len()];
            let t0 = Instant::now();
            black_box(call(black_box(input), black_box(iv)));
            let dt = t0.elapsed().as_nanos() as f64;
            if i >= 20_000 && times[c].len() < samples {
                times[c].push(dt);
            }
        }
        println!("\n{name}, {samples} samples per class (at most)");
        for (c, (label, _, _)) in classes.iter().enumerate() {
            let mut v = times[c].clone();
            v.sort_by(f64::total_cmp);
            println!("  {label:<11} median {:>6.0} ns", v[v.len() / 2]);
        }
        let (t, gap) = compare(&times[0], &times[1]);
        let met = t < 10.0 && gap.abs() <= 100.0;
        all_met &= met;
        println!(
            "  {} bad padding vs not JSON: worst |t| {t:.1}, median gap {gap:.0} ns",
            if met { "MET " } else { "MISS" }
        );
        let (t, gap) = compare(&times[2], &times[1]);
        println!("  info wrong appid vs not JSON: worst |t| {t:.1}, median gap {gap:.0} ns");
    }
    std::process::exit(i32::from(!all_met));
}
