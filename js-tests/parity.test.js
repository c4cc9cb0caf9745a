'use strict'
// Parity: wxcrypt's decryptData against the reference (the official algorithm on node:crypto,
// support/reference.js) on random cases. Equal means: the same outcome, deep-equal values with
// the same key order at every level, or the same errcode.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { wxcrypt, vectors } = require('./support/wxcrypt.js')
const { referenceDecrypt, outcome, encrypt } = require('./support/reference.js')

const CASES = Number(process.env.PARITY_CASES || 6000)

const { seed, rand, int, pick, bytes } = require('./support/prng.js').seeded('PARITY_SEED')

const TEXT = ['微信用户', '广州', '😀🎉', 'Band', 'a"b', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000', '\u2028', 'é', '\ud83d\ude00', 'x'.repeat(40), '']
const KEYS = ['openId', 'nickName', 'gender', '__proto__', 'constructor', '1', '0', '10', '-1', 'a b', '键', '', 'toString', 'watermark_', 'phoneNumber']
const NUMBERS = ['0', '-0', '1', '1477314187', '12345678901234567890', '1e400', '-1e-400', '3.14159', '1E+2', '0.1', '9007199254740993', '-12']

function jsonString(s) {
  // Sometimes JSON.stringify's escaping, sometimes \u escapes for everything non-ASCII.
  if (rand() < 0.5) return JSON.stringify(s)
  return '"' + Array.from(s, (ch) => {
    const c = ch.codePointAt(0)
    if (ch === '"' || ch === '\\' || c < 0x20 || c > 0x7e) {
      return Array.from(Buffer.from(ch, 'utf16le').reduce((acc, b, i, a) => (i % 2 ? acc : [...acc, a[i] | (a[i + 1] << 8)]), []), (u) => '\\u' + u.toString(16).padStart(4, '0')).join('')
    }
    return ch
  }).join('') + '"'
}

function ws() {
  return pick(['', '', '', ' ', '\n', '\t', '\r\n  '])
}

function value(depth) {
  const r = rand()
  if (depth > 3 || r < 0.35) return jsonString(pick(TEXT))
  if (r < 0.55) return pick(NUMBERS)
  if (r < 0.62) return pick(['true', 'false', 'null'])
  if (r < 0.65) return '"\\ud800 lone"'
  if (r < 0.82) return object(depth + 1, int(4))
  return '[' + Array.from({ length: int(4) }, () => ws() + value(depth + 1) + ws()).join(',') + ']'
}

function object(depth, n, extra = []) {
  const members = Array.from({ length: n }, () => jsonString(pick(KEYS)) + ws() + ':' + ws() + value(depth))
  for (const m of extra) members.splice(int(members.length + 1), 0, m)
  return '{' + ws() + members.join(',' + ws()) + ws() + '}'
}

function watermark(appId) {
  const r = rand()
  if (r < 0.8) return `"watermark":{"timestamp":${1400000000 + int(3e8)},"appid":${jsonString(appId)}}`
  if (r < 0.84) return `"watermark":{"appid":"wx${'0'.repeat(16)}"}`
  if (r < 0.87) return `"watermark":{"appid":${pick(['1', 'null', 'true', '["x"]'])}}`
  if (r < 0.9) return `"watermark":${pick(['null', '[]', '"x"', '1'])}`
  if (r < 0.93) return `"watermark":{"appid":${jsonString(appId)}},"watermark":{}` // last one wins
  if (r < 0.96) return `"watermark":{},"watermark":{"appid":${jsonString(appId)}}`
  return `"\\u0077atermark":{"appid":${jsonString(appId)}}` // escaped key
}

function plaintext(appId) {
  const r = rand()
  let text
  if (r < 0.85) text = object(0, int(8), [watermark(appId)])
  else if (r < 0.9) text = object(0, int(4)) // no watermark
  else if (r < 0.93) text = '[' + object(0, 1, [watermark(appId)]) + ']'
  else if (r < 0.96) text = object(0, 2, [watermark(appId)]).slice(0, -1) // invalid JSON
  else text = pick(['activity-' + int(1e9), '', 'null', '0', '"str"'])
  const buf = Buffer.from(text, 'utf8')
  if (rand() < 0.08 && buf.length > 4) {
    // Invalid UTF-8 somewhere (inside a string or not): both sides replace with U+FFFD.
    buf[int(buf.length)] = pick([0x80, 0xbf, 0xc0, 0xe4, 0xf0, 0xff])
  }
  return buf
}

function b64(buf, style) {
  const s = buf.toString('base64')
  switch (style) {
    case 0: return s
    case 1: return s.replace(/=+$/, '')
    case 2: return s.replace(/\+/g, '-').replace(/\//g, '_')
    case 3: return s.replace(/(.{32})/g, '$1\n    ')
    default: return s.replace(/\+/g, ' ') // a form decoder turned '+' into ' '
  }
}

function same(a, b) {
  // Deep equality plus key order at every level (deepStrictEqual ignores order).
  assert.deepStrictEqual(a, b)
  assert.equal(util.inspect(a, { depth: Infinity, sorted: false }), util.inspect(b, { depth: Infinity, sorted: false }))
}

test(`parity with the official algorithm on ${CASES} random cases (seed ${seed})`, () => {
  const pads = new Set()
  let mismatches = 0
  let ok = 0
  for (let i = 0; i < CASES; i++) {
    const key = bytes(16)
    const iv = bytes(16)
    const appId = 'wx' + bytes(8).toString('hex')
    const pt = plaintext(appId)
    pads.add(16 - (pt.length % 16))
    let ct = encrypt(key, iv, pt)
    let sessionKey = b64(key, int(3))
    if (rand() < 0.03) sessionKey = b64(bytes(16), 0) // a refreshed session_key
    if (rand() < 0.02) ct = ct.subarray(0, ct.length - 1 - int(15)) // transport damage
    const args = [appId, sessionKey, b64(ct, int(5)), b64(iv, int(3))]
    const got = outcome(() => new wxcrypt(args[0], args[1]).decryptData(args[2], args[3]))
    const ref = referenceDecrypt(...args)
    // The Rust path (the core's own JSON validator and watermark check, which diagnose runs)
    // accepts exactly what the JS path (the host's JSON.parse) accepts.
    const rustOk = new wxcrypt(args[0], args[1]).diagnose(args[2], args[3]).cause === 'ok'
    try {
      assert.equal(rustOk, 'value' in got, 'the Rust and JS paths disagree')
      same(got, ref)
      if ('value' in got) ok++
    } catch (e) {
      mismatches++
      if (mismatches <= 3) console.error('mismatch', { args, pt: pt.toString('latin1'), got, ref })
    }
  }
  assert.equal(mismatches, 0, `${mismatches} mismatches (seed ${seed})`)
  assert.deepEqual([...pads].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1), 'every padding length')
  assert.ok(ok > CASES * 0.6, `only ${ok} successful decryptions`)
})

test('parity on every band negative case', () => {
  for (const c of vectors('band-negative-cases.json')) {
    const got = outcome(() => new wxcrypt(c.appid, c.sessionKey).decryptData(c.encryptedData, c.iv))
    same(got, referenceDecrypt(c.appid, c.sessionKey, c.encryptedData, c.iv))
  }
})

// Texts at the edges of JSON.parse's grammar, each with a valid watermark where it can hold one:
// the JS path (JSON.parse, then the watermark on what it built), the Rust path (the core's
// validator, through diagnose) and the official algorithm agree on every one.
test('the Rust and JS paths accept and reject the same edge-case texts', () => {
  const appId = 'wx4f4bc4dec97d474b'
  const wm = `"watermark":{"appid":"${appId}","timestamp":1}`
  const texts = [
    `{${wm}}`,
    ` \t\r\n{${wm}} \n`,
    `\ufeff{${wm}}`, // a BOM is not JSON whitespace
    `\u00a0{${wm}}`, // nor is NBSP
    `{${wm}}x`,
    `{${wm},}`,
    `{,${wm}}`,
    `{${wm}}{}`,
    `{"a":"\\ud800",${wm}}`, // a lone surrogate escape: JSON.parse accepts it
    `{"a":"\\udc00\\ud800",${wm}}`,
    `{"a":"\\u12",${wm}}`,
    `{"a":"\\x41",${wm}}`,
    `{"a":"tab\there",${wm}}`, // a raw control character inside a string
    `{"a":"\u2028\u2029",${wm}}`,
    `{"a":01,${wm}}`,
    `{"a":1.,${wm}}`,
    `{"a":.5,${wm}}`,
    `{"a":-0,${wm}}`,
    `{"a":1e400,"b":-1e-400,${wm}}`,
    `{"a":+1,${wm}}`,
    `{"a":NaN,${wm}}`,
    `{"a":Infinity,${wm}}`,
    `{"a":tru,${wm}}`,
    `{"a":nul,${wm}}`,
    `{'a':1,${wm}}`,
    `{a:1,${wm}}`,
    `{"a":[1,2,],${wm}}`,
    `{"a":${'['.repeat(200)}${']'.repeat(200)},${wm}}`, // deep nesting: both take it (util.inspect in same() overflows near 1,000 on Node 22)
    `{"a":${'['.repeat(200)}${']'.repeat(199)},${wm}}`,
    `{"watermark":{"appid":"${appId}"},"watermark":{}}`, // the last duplicate wins
    `{"watermark":{},"watermark":{"appid":"${appId}"}}`,
    `{"\\u0077atermark":{"\\u0061ppid":"${appId}"}}`, // escaped keys
    `{"watermark":{"appid":"${appId}\\u0000"}}`,
    `{"watermark":{"appid":"${appId.toUpperCase()}"}}`,
    `{"__proto__":{"watermark":{"appid":"${appId}"}}}`,
    `{"watermark":{"__proto__":{"appid":"${appId}"}}}`,
    `[{${wm}}]`,
    `"${appId}"`,
    'null',
    '',
    `{${wm}`,
  ]
  const key = Buffer.alloc(16, 7)
  const iv = Buffer.alloc(16, 9)
  const results = []
  for (const text of texts) {
    const args = [appId, key.toString('base64'), encrypt(key, iv, Buffer.from(text, 'utf8')).toString('base64'), iv.toString('base64')]
    const got = outcome(() => new wxcrypt(args[0], args[1]).decryptData(args[2], args[3]))
    const rustOk = new wxcrypt(args[0], args[1]).diagnose(args[2], args[3]).cause === 'ok'
    assert.equal(rustOk, 'value' in got, `Rust and JS disagree on ${JSON.stringify(text.slice(0, 80))}`)
    same(got, referenceDecrypt(...args))
    results.push('value' in got)
  }
  // Both outcomes occur (the list is not all accepted or all refused).
  assert.ok(results.includes(true) && results.includes(false))
})
