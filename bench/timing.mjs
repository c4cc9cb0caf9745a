// npm run bench:timing: a dudect-style check that decryption has no timing oracle (issue 21).
//
// As an attacker with a client would measure it: one process, one session key, same-length
// inputs (~400 B of plaintext), the classes interleaved at random, each call
// (`new WXBizDataCrypt(appId, sessionKey).decryptData(encryptedData, iv)`) timed alone with
// process.hrtime.bigint(). For each pair of classes, Welch's t on the raw samples and on dudect's
// 100 percentile crops (samples below the pooled percentile 1 - 0.5^(10 (i+1) / 100)); |t| > 10
// means the two classes are told apart. (dudect: Reparaz, Balasch, Verbauwhede, "Dude, is my code
// constant time?", 2017.)
//
// Targets (decryptData, each backend):
//   - bad padding vs valid padding over garbage (not JSON): |t| < 10 at every crop, medians
//     within 100 ns;
//   - a failed call costs at most 2x a successful one on the same input size;
//   - wrong appid vs not JSON: reported (|t|, median gap).
// Recorded only: bad base64 and a length that is not whole AES blocks (decided before decryption:
// they reveal nothing about the key); decryptRaw (it returns the plaintext of a valid padding and
// throws on a bad one, by contract); WXBizMsgCrypt.decryptMsg with a valid signature over a bad
// ciphertext (only WeChat can sign a push body).
//
// Usage: node bench/timing.mjs [--samples N] [--backend native|wasm] [--mode data,raw,msg]
//        [--pkg DIR]   (env: TIMING_SAMPLES, default 1,000,000 per class; WXCRYPT_PKG: the
//        package directory to measure, default npm/wxcrypt, e.g. an older build for a before/after)
// Each backend runs in its own child process (WXCRYPT_BACKEND=native|wasm). Exit status 0 when
// every target is MET, 1 otherwise. Writes bench/results-timing.json (gitignored).
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import fs from 'node:fs'
import crypto from 'node:crypto'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function option(name, env, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  if (i > 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1]
  return process.env[env] || fallback
}
const SAMPLES = Number(String(option('samples', 'TIMING_SAMPLES', '1000000')).replace(/_/g, ''))
const PKG = path.resolve(option('pkg', 'WXCRYPT_PKG', path.join(ROOT, 'npm', 'wxcrypt')))
const MODES = option('mode', 'TIMING_MODE', 'data,raw,msg').split(',')
const T_LIMIT = 10
const MEDIAN_GAP_NS = 100
const CROPS = 100

// ---------------------------------------------------------------------------------------------
// Statistics: Welch's t on the samples of two classes below a threshold, from sorted samples and
// their prefix sums (one binary search per class and crop).

function summarize(samples) {
  const sorted = Float64Array.from(samples).sort()
  const sum = new Float64Array(sorted.length + 1)
  const sq = new Float64Array(sorted.length + 1)
  for (let i = 0; i < sorted.length; i++) {
    sum[i + 1] = sum[i] + sorted[i]
    sq[i + 1] = sq[i] + sorted[i] * sorted[i]
  }
  return { sorted, sum, sq }
}

/** How many samples are < x (or all, for x = Infinity). */
function below(s, x) {
  let lo = 0
  let hi = s.sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (s.sorted[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

function welch(a, na, b, nb) {
  if (na < 2 || nb < 2) return 0
  const ma = a.sum[na] / na
  const mb = b.sum[nb] / nb
  const va = (a.sq[na] - na * ma * ma) / (na - 1)
  const vb = (b.sq[nb] - nb * mb * mb) / (nb - 1)
  const den = Math.sqrt(va / na + vb / nb)
  return den === 0 ? 0 : (ma - mb) / den
}

function median(s) {
  return s.sorted[s.sorted.length >> 1]
}

/** |t| uncropped and the largest |t| over the crops, for two summarized classes. */
function compare(a, b) {
  const pooled = Float64Array.from([...a.sorted, ...b.sorted]).sort()
  const uncropped = Math.abs(welch(a, a.sorted.length, b, b.sorted.length))
  let worst = uncropped
  let worstCrop = 'none'
  for (let i = 0; i < CROPS; i++) {
    const p = 1 - 0.5 ** ((10 * (i + 1)) / CROPS)
    const x = pooled[Math.min(pooled.length - 1, Math.floor(p * pooled.length))]
    const t = Math.abs(welch(a, below(a, x), b, below(b, x)))
    if (t > worst) {
      worst = t
      worstCrop = `p${(100 * p).toFixed(2)}`
    }
  }
  return { uncropped, worst, worstCrop, gap: median(a) - median(b) }
}

// ---------------------------------------------------------------------------------------------
// The inputs.

const APP_ID = 'wx4f4bc4dec97d474b'
const OTHER_APP_ID = 'wx0000000000000000' // same length
const PLAIN_LEN = 400 // bytes of plaintext before padding: 416 bytes of ciphertext
const POOL = 64 // distinct ciphertexts per class
// The ivs of the classes whose plaintext is random bytes (bad padding, garbage, bad base64, wrong
// length): a fresh one for each call (picked from this many), so that the first plaintext block,
// which decides how soon the UTF-8 and JSON checks stop, is new random bytes on each call rather
// than a property of 64 fixed inputs (with 1,000,000 samples, the means of two pools of 64 differ
// measurably by chance). The padding is in the last block, which the iv does not touch.
const IV_POOL = 1 << 16

const b64 = (buf) => Buffer.from(buf).toString('base64')

function aes(mode, key, iv, buf) {
  const c = mode === 'enc' ? crypto.createCipheriv(`aes-${key.length * 8}-cbc`, key, iv) : crypto.createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv)
  c.setAutoPadding(false)
  return Buffer.concat([c.update(buf), c.final()])
}

function pkcs7(buf, block) {
  const pad = block - (buf.length % block)
  return Buffer.concat([buf, Buffer.alloc(pad, pad)])
}

function validPadding(plain, block) {
  const n = plain[plain.length - 1]
  if (n < 1 || n > block) return false
  for (let i = 1; i <= n; i++) if (plain[plain.length - i] !== n) return false
  return true
}

/** A JSON payload of exactly `len` bytes with this watermark appid. */
function jsonPayload(appid, len) {
  const head = `{"phoneNumber":"13580006666","purePhoneNumber":"13580006666","countryCode":"86","watermark":{"timestamp":${Math.floor(Date.now() / 1000)},"appid":"${appid}"},"note":"`
  const tail = '"}'
  return Buffer.from(head + 'x'.repeat(len - head.length - tail.length) + tail)
}

/** Random ciphertexts of `size` bytes whose decryption has a bad padding. */
function badPadding(key, iv, size, block) {
  for (;;) {
    const ct = crypto.randomBytes(size)
    if (!validPadding(aes('dec', key, iv, ct), block)) return ct
  }
}

function openDataInputs() {
  const key = crypto.randomBytes(16)
  const iv = crypto.randomBytes(16)
  const many = (make) => Array.from({ length: POOL }, make)
  const garbage = () => {
    // Random bytes (not JSON, mostly not UTF-8) with a valid padding of any length 1..16.
    const len = PLAIN_LEN + crypto.randomInt(16)
    return aes('enc', key, iv, pkcs7(crypto.randomBytes(len), 16))
  }
  const good = aes('enc', key, iv, pkcs7(jsonPayload(APP_ID, PLAIN_LEN), 16))
  const wrong = aes('enc', key, iv, pkcs7(jsonPayload(OTHER_APP_ID, PLAIN_LEN), 16))
  const base64 = b64(good)
  const fixed = [b64(iv)]
  const fresh = Array.from({ length: IV_POOL }, () => b64(crypto.randomBytes(16)))
  const ivs = { success: fixed, badPadding: fresh, notJson: fresh, wrongAppid: fixed, badBase64: fresh, wrongLength: fresh }
  return {
    sessionKey: b64(key),
    iv: b64(iv),
    ivs,
    classes: {
      success: many(() => base64),
      badPadding: many(() => b64(badPadding(key, iv, good.length, 16))),
      notJson: many(() => b64(garbage())),
      wrongAppid: many(() => b64(wrong)),
      // The same length as the others, one character outside the alphabet.
      badBase64: many(() => {
        const s = b64(badPadding(key, iv, good.length, 16))
        const at = crypto.randomInt(s.length - 2)
        return s.slice(0, at) + '!' + s.slice(at + 1)
      }),
      // 8 bytes short of whole blocks.
      wrongLength: many(() => b64(crypto.randomBytes(good.length - 8))),
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The measurement: N samples per class, classes interleaved in a random order, each call alone.

function measure(classes, call, samples, ivs = {}) {
  const names = Object.keys(classes)
  const k = names.length
  const times = names.map(() => new Float64Array(samples))
  const counts = new Int32Array(k)
  const order = new Uint8Array(samples * k)
  for (let c = 0; c < k; c++) order.fill(c, c * samples, (c + 1) * samples)
  const rnd = new Uint32Array(order.length)
  for (let i = 0; i < rnd.length; i += 16384) crypto.getRandomValues(rnd.subarray(i, i + 16384))
  for (let i = order.length - 1; i > 0; i--) {
    const j = rnd[i] % (i + 1)
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  const inputs = names.map((n) => classes[n])
  const ivLists = names.map((n) => ivs[n] || [undefined])
  const hr = process.hrtime.bigint
  // Warm-up (JIT, caches), not recorded.
  for (let i = 0; i < Math.min(order.length, 50_000); i++) call(inputs[order[i]][i % POOL], ivLists[order[i]][0])
  for (let i = 0; i < order.length; i++) {
    const c = order[i]
    const input = inputs[c][rnd[i] % POOL]
    const list = ivLists[c]
    const ivArg = list[(rnd[i] >>> 6) % list.length]
    const t0 = hr()
    call(input, ivArg)
    const t1 = hr()
    times[c][counts[c]++] = Number(t1 - t0)
  }
  return Object.fromEntries(names.map((n, c) => [n, summarize(times[c])]))
}

function quiet(fn) {
  return (input, iv) => {
    try {
      fn(input, iv)
    } catch {
      // Failures are the point.
    }
  }
}

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)

function report(title, stats, pairs) {
  console.log(`\n  ${title}`)
  console.log(`    ${'class'.padEnd(12)} ${'median'.padStart(10)} ${'p10'.padStart(10)} ${'p90'.padStart(10)}`)
  for (const [name, s] of Object.entries(stats)) {
    const q = (p) => s.sorted[Math.floor(p * (s.sorted.length - 1))]
    console.log(`    ${name.padEnd(12)} ${fmt(median(s)).padStart(10)} ${fmt(q(0.1)).padStart(10)} ${fmt(q(0.9)).padStart(10)}`)
  }
  const out = {}
  for (const [a, b] of pairs) {
    const r = compare(stats[a], stats[b])
    out[`${a}/${b}`] = r
    console.log(`    ${`${a} vs ${b}`.padEnd(28)} |t| uncropped ${r.uncropped.toFixed(1).padStart(7)}, worst crop ${r.worst.toFixed(1).padStart(7)} (${r.worstCrop}), median gap ${r.gap.toFixed(0)} ns`)
  }
  return out
}

// ---------------------------------------------------------------------------------------------

function child(backend) {
  const mod = require(PKG)
  if (mod.backend !== backend) throw new Error(`asked for ${backend}, loaded ${mod.backend}`)
  const { WXBizDataCrypt, WXBizMsgCrypt, msgSignature } = mod
  const verdicts = []
  const results = { backend, samples: SAMPLES, pkg: PKG }
  const verdict = (name, ok, detail) => {
    verdicts.push({ name, ok })
    console.log(`  ${ok ? 'MET ' : 'MISS'} ${backend} ${name}: ${detail}`)
  }
  console.log(`\n${backend} backend (${PKG}), ${SAMPLES.toLocaleString('en')} samples per class`)

  if (MODES.includes('data')) {
    const inp = openDataInputs()
    // Sanity: each class fails (or succeeds) as labelled.
    const code = (ed) => {
      try {
        new WXBizDataCrypt(APP_ID, inp.sessionKey).decryptData(ed, inp.iv)
        return 0
      } catch (e) {
        return e.errcode
      }
    }
    const expect = { success: 0, badPadding: -41003, notJson: -41003, wrongAppid: -41003, badBase64: -41004, wrongLength: -41003 }
    for (const [name, list] of Object.entries(inp.classes)) {
      for (const ed of list) if (code(ed) !== expect[name]) throw new Error(`${name}: errcode ${code(ed)}, expected ${expect[name]}`)
    }
    const stats = measure(inp.classes, quiet((ed, iv) => new WXBizDataCrypt(APP_ID, inp.sessionKey).decryptData(ed, iv)), SAMPLES, inp.ivs)
    const pairs = [
      ['badPadding', 'notJson'],
      ['wrongAppid', 'notJson'],
      ['badPadding', 'wrongAppid'],
      ['badBase64', 'badPadding'],
      ['wrongLength', 'badPadding'],
    ]
    const r = report(`decryptData (${PLAIN_LEN} B plaintext, ${inp.classes.success[0].length} base64 characters)`, stats, pairs)
    results.decryptData = { medians: Object.fromEntries(Object.entries(stats).map(([n, s]) => [n, median(s)])), pairs: r }
    const bp = r['badPadding/notJson']
    verdict('bad padding vs not JSON: |t| < 10 at every crop', bp.worst < T_LIMIT, `worst |t| ${bp.worst.toFixed(1)} (${bp.worstCrop})`)
    verdict('bad padding vs not JSON: medians within 100 ns', Math.abs(bp.gap) <= MEDIAN_GAP_NS, `gap ${bp.gap.toFixed(0)} ns`)
    const ok = median(stats.success)
    const worstFail = Math.max(median(stats.badPadding), median(stats.notJson), median(stats.wrongAppid))
    verdict('a failed call <= 2x a successful one', worstFail <= 2 * ok, `slowest failure ${fmt(worstFail)}, success ${fmt(ok)} (${(worstFail / ok).toFixed(2)}x)`)
    const wa = r['wrongAppid/notJson']
    console.log(`  info ${backend} wrong appid vs not JSON: worst |t| ${wa.worst.toFixed(1)}, median gap ${wa.gap.toFixed(0)} ns`)
  }

  if (MODES.includes('raw')) {
    const inp = openDataInputs()
    const classes = { badPadding: inp.classes.badPadding, notJson: inp.classes.notJson, success: inp.classes.success }
    const stats = measure(classes, quiet((ed, iv) => new WXBizDataCrypt(APP_ID, inp.sessionKey).decryptRaw(ed, iv)), Math.ceil(SAMPLES / 4), inp.ivs)
    results.decryptRaw = report('decryptRaw (record only: it returns the plaintext of any valid padding, by contract)', stats, [['badPadding', 'notJson']])
  }

  if (MODES.includes('msg')) {
    const token = 'timingtoken'
    const aesKey = crypto.randomBytes(32)
    const encodingAESKey = b64(aesKey).slice(0, 43)
    const iv = aesKey.subarray(0, 16)
    const size = 416
    const push = new WXBizMsgCrypt(token, encodingAESKey, APP_ID)
    const signed = (ct) => {
      const encrypt = b64(ct)
      return { sig: msgSignature(token, '1700000000', 'nonce', encrypt), body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` }
    }
    const many = (make) => Array.from({ length: POOL }, make)
    const classes = {
      badPadding: many(() => signed(badPadding(aesKey, iv, size, 32))),
      garbage: many(() => signed(aes('enc', aesKey, iv, pkcs7(crypto.randomBytes(size - 1 - crypto.randomInt(32)), 32)))),
    }
    const stats = measure(classes, quiet((m) => push.decryptMsg(m.sig, '1700000000', 'nonce', m.body)), Math.ceil(SAMPLES / 4))
    results.decryptMsg = report('WXBizMsgCrypt.decryptMsg, valid signature over a bad ciphertext (record only: only WeChat can sign)', stats, [['badPadding', 'garbage']])
  }
  results.verdicts = verdicts
  process.stdout.write(`\nRESULT ${JSON.stringify(results)}\n`)
  process.exitCode = verdicts.every((v) => v.ok) ? 0 : 1
}

function parent() {
  const only = option('backend', 'TIMING_BACKEND', '')
  const backends = only ? [only] : ['native', 'wasm']
  const all = []
  let status = 0
  for (const backend of backends) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...process.argv.slice(2)], {
      env: { ...process.env, WXCRYPT_BACKEND: backend, TIMING_SAMPLES: String(SAMPLES), WXCRYPT_PKG: PKG },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
    const lines = (run.stdout || '').split('\n')
    for (const line of lines) if (!line.startsWith('RESULT ')) console.log(line)
    const result = lines.find((l) => l.startsWith('RESULT '))
    if (result) all.push(JSON.parse(result.slice(7)))
    if (run.status !== 0) status = 1
  }
  fs.writeFileSync(path.join(ROOT, 'bench', 'results-timing.json'), JSON.stringify(all, null, 2))
  console.log(status === 0 ? '\nbench:timing: every target MET' : '\nbench:timing: some target MISSED (see MISS above)')
  process.exitCode = status
}

if (process.argv.includes('--child')) child(process.env.WXCRYPT_BACKEND)
else parent()
