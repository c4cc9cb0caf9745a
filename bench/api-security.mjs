// npm run bench (api-security): where ApiSecurity's private-key operation runs, decided by
// measurement, and the issue-18 targets. In one process, on WeChat's official vector
// (vectors/api-security.json, RSA-2048): the RSA-PSS signature in the core (native addon, wasm)
// vs node:crypto with a cached KeyObject vs WebCrypto with a key imported once; then sealRequest +
// openResponse of wxcrypt (as each entry wires it) against straightforward node:crypto and WebCrypto
// implementations written here (keys cached), and the AES-GCM part alone. Prints µs per call and
// ratios (compare the ratios: the machine is shared), and MET/MISS for the targets.
//
// Environment: BENCH_TIME=ms per candidate and round (default 300), BENCH_ROUNDS (default 5).
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { webCryptoApiSecurity } from './support/webcrypto-api-security.mjs'
import { interleaved } from './support/timing.mjs'
import crypto from 'node:crypto'
import assert from 'node:assert/strict'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const LIB = path.join(ROOT, 'npm', 'wxcrypt', 'lib', 'crypto')
const { createApi } = require(path.join(LIB, 'api.js'))
const { loadNative } = require(path.join(LIB, 'native.js'))
const { loadWasm } = require(path.join(LIB, 'wasm-node.js'))
const { nodeSigner } = require(path.join(LIB, 'sign-node.js'))
const { webCryptoSigner } = require(path.join(LIB, 'sign-webcrypto.js'))
const v = require(path.join(ROOT, 'vectors', 'api-security.json'))

const TIME = Number(process.env.BENCH_TIME || 300)
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5)
const URL_ = v.url
const config = {
  appId: v.appid,
  algorithm: 'AES256_GCM+RSAwithSHA256',
  symmetricKey: v.symmetric_key,
  symmetricKeySn: v.symmetric_key_sn,
  privateKey: v.private_key,
  privateKeySn: v.private_key_sn,
  platformCertificates: [{ sn: v.platform_certificate_sn, certificate: v.platform_certificate }],
  maxSkewSeconds: 1 << 30,
}
const params = JSON.parse(v.request.params)
const response = { headers: v.response.headers, body: v.response.body }
const NOW = Number(v.response.headers['Wechatmp-TimeStamp'])

/** Times every row, interleaved across all of them (bench/support/timing.mjs): sets `row.us`. */
async function timeAll(rows) {
  const best = await interleaved(rows.map((r, i) => [i, r.fn]), { timeMs: TIME, rounds: ROUNDS })
  rows.forEach((r, i) => (r.us = best.get(i)))
}

// ---- the candidates ----
const backends = {}
try {
  backends.native = loadNative()
} catch (e) {
  console.log(`SKIP native: ${e.message.split('\n')[0]} (bash scripts/setup.sh)`)
}
backends.wasm = loadWasm()

const secs = {}
for (const [name, binding] of Object.entries(backends)) {
  secs[`${name}, RSA in Rust`] = new (createApi(binding, name).ApiSecurity)(config)
  secs[`${name}, RSA by node:crypto`] = new (createApi(binding, name, { rsaSigner: nodeSigner() }).ApiSecurity)(config)
  secs[`${name}, RSA by WebCrypto`] = new (createApi(binding, name, { rsaSigner: webCryptoSigner() }).ApiSecurity)(config)
}

// node:crypto, straightforward, keys cached.
const nodeKeys = {
  sym: Buffer.from(v.symmetric_key, 'base64'),
  priv: crypto.createPrivateKey(v.private_key),
  pub: crypto.createPublicKey(v.platform_certificate),
}
function nodeSeal(url, obj, ts) {
  const iv = crypto.randomBytes(12)
  const plain = JSON.stringify({ _n: crypto.randomBytes(16).toString('base64url'), _appid: v.appid, _timestamp: ts, ...obj })
  const c = crypto.createCipheriv('aes-256-gcm', nodeKeys.sym, iv)
  c.setAAD(Buffer.from(`${url}|${v.appid}|${ts}|${v.symmetric_key_sn}`))
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()])
  const body = JSON.stringify({ iv: iv.toString('base64'), data: data.toString('base64'), authtag: c.getAuthTag().toString('base64') })
  return { body, ts }
}
function nodeSign(url, { body, ts }) {
  const sig = crypto.sign('sha256', Buffer.from(`${url}\n${v.appid}\n${ts}\n${body}`), { key: nodeKeys.priv, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
  return { headers: { 'Wechatmp-Appid': v.appid, 'Wechatmp-TimeStamp': String(ts), 'Wechatmp-Serial': v.private_key_sn, 'Wechatmp-Signature': sig.toString('base64') }, body }
}
function nodeOpen(url, { headers, body }) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, x]) => [k.toLowerCase(), x]))
  const ts = lower['wechatmp-timestamp']
  if (lower['wechatmp-serial'] !== v.platform_certificate_sn) throw new Error('serial')
  const ok = crypto.verify('sha256', Buffer.from(`${url}\n${lower['wechatmp-appid']}\n${ts}\n${body}`), { key: nodeKeys.pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(lower['wechatmp-signature'], 'base64'))
  if (!ok) throw new Error('signature')
  const env = JSON.parse(body)
  const d = crypto.createDecipheriv('aes-256-gcm', nodeKeys.sym, Buffer.from(env.iv, 'base64'))
  d.setAAD(Buffer.from(`${url}|${v.appid}|${ts}|${v.symmetric_key_sn}`))
  d.setAuthTag(Buffer.from(env.authtag, 'base64'))
  const obj = JSON.parse(Buffer.concat([d.update(Buffer.from(env.data, 'base64')), d.final()]).toString())
  if (obj._appid !== v.appid || String(obj._timestamp) !== ts) throw new Error('fields')
  delete obj._n
  delete obj._appid
  delete obj._timestamp
  return obj
}

// WebCrypto, straightforward, keys imported once (bench/support, shared with the workerd bench).
const web = await webCryptoApiSecurity(v, {
  pkcs8: nodeKeys.priv.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  spki: nodeKeys.pub.export({ type: 'spki', format: 'der' }).toString('base64'),
})
const webSeal = web.seal
const webOpen = web.open

// Every candidate's output checked before anything is timed.
for (const [name, sec] of Object.entries(secs)) {
  const s = await sec.sealRequest(URL_, params, { timestamp: v.request.timestamp, nonce: v.request.nonce, iv: v.request.iv })
  assert.equal(s.body, v.request.body, name)
  assert.ok(crypto.verify('sha256', Buffer.from(`${URL_}\n${v.appid}\n${v.request.timestamp}\n${s.body}`), { key: crypto.createPublicKey(v.private_key), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s.headers['Wechatmp-Signature'], 'base64')), name)
  assert.deepEqual(await sec.openResponse(URL_, response, { now: NOW }), v.response.answer, name)
}
assert.deepEqual(nodeOpen(URL_, response), v.response.answer)
assert.deepEqual(await webOpen(URL_, response), v.response.answer)

const rows = []
const row = (group, name, fn) => rows.push({ group, name, fn })
const ts = NOW

console.log(`api-security bench: ${ROUNDS} interleaved rounds x ${TIME} ms per candidate, best round; Node ${process.version}, OpenSSL ${process.versions.openssl}`)
// 1. The RSA-PSS signature alone.
const toSign = `${URL_}\n${v.appid}\n${ts}\n${v.request.body}`
const signNode = nodeSigner()(Buffer.from(nodeKeys.priv.export({ type: 'pkcs8', format: 'der' })).toString('base64'))
const signWeb = webCryptoSigner()(Buffer.from(nodeKeys.priv.export({ type: 'pkcs8', format: 'der' })).toString('base64'))
row('RSA-PSS sign (2048)', 'node:crypto, cached KeyObject', () => signNode(toSign))
row('RSA-PSS sign (2048)', 'WebCrypto, key imported once', () => signWeb(toSign))
for (const [name, sec] of Object.entries(secs)) {
  row('sealRequest', `wxcrypt ${name}`, () => sec.sealRequest(URL_, params, { timestamp: ts }))
}
row('sealRequest', 'node:crypto implementation', () => nodeSign(URL_, nodeSeal(URL_, params, ts)))
row('sealRequest', 'WebCrypto implementation', () => webSeal(URL_, params, ts))
// 2. openResponse: the RSA-PSS verification in the core, or run by the host's crypto (the core
// still picks the key, builds the string to verify and makes every other check).
for (const [name, sec] of Object.entries(secs)) {
  row('openResponse', `wxcrypt ${name}`, () => sec.openResponse(URL_, response, { now: NOW }))
}
row('openResponse', 'node:crypto implementation', () => nodeOpen(URL_, response))
row('openResponse', 'WebCrypto implementation', () => webOpen(URL_, response))
// 3. The AES-GCM part alone (seal without the signature).
for (const [name, b] of Object.entries(backends)) {
  const c = new b.ApiSecurity(JSON.stringify(config))
  row('AES-GCM seal alone', `wxcrypt ${name} (sealUnsigned)`, () => c.sealUnsigned(URL_, JSON.stringify(params), ts))
}
row('AES-GCM seal alone', 'node:crypto implementation', () => nodeSeal(URL_, params, ts))

await timeAll(rows)
const get = (group, name) => rows.find((r) => r.group === group && r.name === name)?.us
let group = ''
for (const r of rows) {
  if (r.group !== group) {
    group = r.group
    console.log(`\n${group}`)
  }
  console.log(`  ${r.name.padEnd(44)} ${r.us.toFixed(1).padStart(9)} µs`)
}

// Targets (issue 18): ratio = baseline time / wxcrypt time (>= 1 means wxcrypt is as fast or faster).
const targets = []
function target(what, ours, base, min) {
  if (ours === undefined || base === undefined) return
  const ratio = base / ours
  targets.push(`${ratio >= min ? 'MET ' : 'MISS'} ${what}: ${ratio.toFixed(2)}x (target >= ${min.toFixed(2)}x)`)
}
const nat = backends.native ? 'native' : 'wasm'
const pathNode = `wxcrypt ${nat}, RSA by node:crypto`
target(`${nat}: sealRequest + openResponse vs node:crypto`, get('sealRequest', pathNode) + get('openResponse', pathNode), get('sealRequest', 'node:crypto implementation') + get('openResponse', 'node:crypto implementation'), 1.0)
target(`${nat}: AES-GCM part alone vs node:crypto`, get('AES-GCM seal alone', `wxcrypt ${nat} (sealUnsigned)`), get('AES-GCM seal alone', 'node:crypto implementation'), 1.5)
target('wasm + WebCrypto (the edge path): sealRequest + openResponse vs WebCrypto', get('sealRequest', 'wxcrypt wasm, RSA by WebCrypto') + get('openResponse', 'wxcrypt wasm, RSA by WebCrypto'), get('sealRequest', 'WebCrypto implementation') + get('openResponse', 'WebCrypto implementation'), 1 / 1.2)
console.log('\nPlacement of the RSA-PSS verification (time of openResponse relative to the fastest placement):')
for (const b of Object.keys(backends)) {
  const cands = ['RSA in Rust', 'RSA by node:crypto', 'RSA by WebCrypto'].map((p) => [p, get('openResponse', `wxcrypt ${b}, ${p}`)])
  const best = Math.min(...cands.map((c) => c[1]))
  console.log(`  ${b}: ${cands.map(([p, us]) => `${p} ${(us / best).toFixed(2)}x`).join(', ')}`)
}
console.log('\nPlacement of the RSA-PSS signature (time of sealRequest relative to the fastest placement):')
for (const b of Object.keys(backends)) {
  const cands = ['RSA in Rust', 'RSA by node:crypto', 'RSA by WebCrypto'].map((p) => [p, get('sealRequest', `wxcrypt ${b}, ${p}`)])
  const best = Math.min(...cands.map((c) => c[1]))
  console.log(`  ${b}: ${cands.map(([p, us]) => `${p} ${(us / best).toFixed(2)}x`).join(', ')}`)
}
console.log('')
for (const t of targets) console.log(t)
