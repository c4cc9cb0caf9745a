'use strict'
// Hostile input, no padding oracle, the freshness and identity options, and diagnose().
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { wxcrypt, vectors } = require('./support/wxcrypt.js')
const { encrypt } = require('./support/reference.js')

const WXBizDataCrypt = wxcrypt
const band = vectors('wechat-vectors.json').data_crypt[0]
const negative = vectors('band-negative-cases.json')
const CODES = new Set(Object.values(wxcrypt.ErrorCode))
const key = Buffer.from(band.sessionKey, 'base64')
const iv = Buffer.from(band.iv, 'base64')
const b64 = (b) => b.toString('base64')

function caught(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected a throw')
}

test('no oracle: padding, UTF-8, JSON, watermark and appid failures are indistinguishable', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const raw = (buf) => {
    // AES-CBC without automatic padding, to make bad padding on purpose.
    const c = crypto.createCipheriv('aes-128-cbc', key, iv)
    c.setAutoPadding(false)
    return Buffer.concat([c.update(buf), c.final()])
  }
  const wm = `"watermark":{"appid":"${band.appId}","timestamp":1}`
  const cases = {
    badPadding: raw(Buffer.alloc(32, 0x41)),
    badPaddingByte17: raw(Buffer.concat([Buffer.alloc(31, 0x41), Buffer.from([17])])),
    invalidUtf8OutsideStrings: encrypt(key, iv, Buffer.concat([Buffer.from(`{${wm},`), Buffer.from([0xff, 0xfe]), Buffer.from(':1}')])),
    notJson: encrypt(key, iv, Buffer.from('activity-123456')),
    jsonArray: encrypt(key, iv, Buffer.from(`[{${wm}}]`)),
    noWatermark: encrypt(key, iv, Buffer.from('{"openId":"x"}')),
    watermarkNull: encrypt(key, iv, Buffer.from('{"watermark":null}')),
    wrongAppid: encrypt(key, iv, Buffer.from('{"watermark":{"appid":"wx0000000000000000"}}')),
    appidNumber: encrypt(key, iv, Buffer.from('{"watermark":{"appid":0}}')),
    truncated: Buffer.from(band.encryptedData, 'base64').subarray(0, 32),
  }
  const shapes = Object.entries(cases).map(([name, ct]) => {
    const e = caught(() => pc.decryptData(b64(ct), band.iv))
    return [name, { ctor: e.constructor, proto: Object.getPrototypeOf(e), message: e.message, name: e.name, keys: Object.keys(e), own: Object.getOwnPropertyNames(e).sort(), code: e.code, errcode: e.errcode, json: JSON.stringify(e) }]
  })
  const [, first] = shapes[0]
  assert.equal(first.errcode, -41003)
  for (const [name, shape] of shapes) assert.deepEqual(shape, first, name)
})

test('maxAgeSeconds: old and future data rejected with -41005, fresh data passes', () => {
  const now = Math.floor(Date.now() / 1000)
  const make = (ts) => b64(encrypt(key, iv, Buffer.from(JSON.stringify({ openId: 'o1', watermark: { timestamp: ts, appid: band.appId } }))))
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey, { maxAgeSeconds: 300 })
  assert.equal(pc.decryptData(make(now - 10), band.iv).openId, 'o1')
  assert.equal(pc.decryptData(make(now + 30), band.iv).openId, 'o1') // within the 60 s skew
  for (const ts of [now - 301 - 5, now + 120, 'x']) {
    const e = caught(() => pc.decryptData(make(ts), band.iv))
    assert.deepEqual([e.errcode, e.code, e.message], [-41005, 'Expired', 'Illegal Buffer'])
  }
  assert.throws(() => pc.decryptData(band.encryptedData, band.iv), { errcode: -41005 }) // 2016
  // Without the option, old data still decrypts (drop-in behaviour).
  assert.equal(new WXBizDataCrypt(band.appId, band.sessionKey).decryptData(band.encryptedData, band.iv).nickName, 'Band')
  assert.throws(() => new WXBizDataCrypt(band.appId, band.sessionKey, { maxAgeSeconds: -1 }), { code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => new WXBizDataCrypt(band.appId, band.sessionKey, { maxAgeSeconds: '300' }), TypeError)
  assert.throws(() => new WXBizDataCrypt(band.appId, band.sessionKey, 5), TypeError)
})

test('expectOpenId closes the iv forgery of the identity field (-41006)', () => {
  const forged = negative.find((c) => c.name === 'iv_bitflip_forgery_openid')
  const real = 'oGZUI0egBJY1zhBYw2KhdUfwVJJE'
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey, { expectOpenId: real })
  assert.equal(pc.decryptData(band.encryptedData, band.iv).openId, real)
  const e = caught(() => pc.decryptData(forged.encryptedData, forged.iv))
  assert.deepEqual([e.errcode, e.code], [-41006, 'OpenIdMismatch'])
  // A phone-number payload has no openId: it passes.
  const phone = b64(encrypt(key, iv, Buffer.from(JSON.stringify({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86', watermark: { appid: band.appId, timestamp: 1 } }))))
  assert.equal(pc.decryptData(phone, band.iv).phoneNumber, '13800138000')
})

test('diagnose names the cause; never throws; never shows the session key', () => {
  const ed = band.encryptedData
  const rows = [
    [band.sessionKey, ed, band.iv, {}, 'ok'],
    ['HyVFkGl5F5OQWJZZaNzBBg==', ed, band.iv, {}, 'session_key_mismatch'],
    [band.sessionKey, ed, 'MDEyMzQ1Njc4OWFiY2RlZg==', {}, 'iv_mismatch'],
    [band.sessionKey, encodeURIComponent(ed), band.iv, {}, 'transport_damage'],
    [band.sessionKey, ed.slice(0, -8), band.iv, {}, 'transport_damage'],
    [band.sessionKey, ed, band.iv, { maxAgeSeconds: 60 }, 'expired'],
    [band.sessionKey, ed, band.iv, { expectOpenId: 'someone-else' }, 'openid_mismatch'],
    [band.sessionKey, b64(encrypt(key, iv, Buffer.from('activity-1'))), band.iv, {}, 'not_json'],
    ['AAAA', ed, band.iv, {}, 'malformed_input'],
    [band.sessionKey, ed + '*', band.iv, {}, 'malformed_input'],
  ]
  for (const [sk, e, i, opts, cause] of rows) {
    const d = new WXBizDataCrypt(band.appId, sk, opts).diagnose(e, i)
    assert.equal(d.cause, cause, JSON.stringify(d))
    assert.equal(typeof d.hint, 'string')
    assert.ok(!JSON.stringify(d).includes(sk.replace(/=+$/, '')), 'no session key')
  }
  const other = new WXBizDataCrypt('wx0000000000000000', band.sessionKey).diagnose(ed, band.iv)
  assert.deepEqual([other.cause, other.found_appid], ['appid_mismatch', band.appId])
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  for (const junk of [undefined, null, 1, {}, Symbol('x'), 1n, '', '%', ' ', '\u0000']) {
    const d = pc.diagnose(junk, band.iv)
    assert.notEqual(d.cause, 'ok')
  }
  assert.equal(pc.diagnose(band.encryptedData, undefined).cause, 'malformed_input')
})

test('hostile types: every function throws TypeError, never crashes', () => {
  const bad = [undefined, null, 0, -1, NaN, {}, [], Symbol('s'), 10n, Buffer.from('abc'), new String('abc'), () => {}, new Date()]
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const mc = new wxcrypt.WXBizMsgCrypt('token', 'A'.repeat(43), 'wx')
  const calls = [
    (b) => pc.decryptData(b, band.iv),
    (b) => pc.decryptData(band.encryptedData, b),
    (b) => pc.decryptRaw(b, band.iv),
    (b) => pc.verifySignature(b, 'x'),
    (b) => new WXBizDataCrypt(b, band.sessionKey),
    (b) => new WXBizDataCrypt(band.appId, b),
    (b) => wxcrypt.rawDataSignature('x', b),
    (b) => wxcrypt.verifyRawDataSignature('x', band.sessionKey, b),
    (b) => wxcrypt.verifyMsgSignature('t', '1', '2', b, 'x'),
    (b) => wxcrypt.sessionKeySignature(b),
    (b) => new wxcrypt.WXBizMsgCrypt(b, 'A'.repeat(43), 'wx'),
    (b) => mc.decryptMsg(b, '1', '2', '{}'),
  ]
  for (const call of calls) {
    for (const b of bad) assert.throws(() => call(b), TypeError, `${call} with ${String(typeof b)}`)
  }
})

test('huge inputs fail fast with the documented code and bounded memory', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const before = process.memoryUsage().rss
  const huge = 'A'.repeat(20 * 1024 * 1024)
  let e = caught(() => pc.decryptData(huge + '!', band.iv))
  assert.equal(e.errcode, -41004)
  e = caught(() => pc.decryptData(huge, band.iv)) // 15 MiB of zeros: decrypts to garbage
  assert.equal(e.errcode, -41003)
  e = caught(() => pc.decryptData(band.encryptedData, huge))
  assert.equal(e.errcode, -41002)
  e = caught(() => new WXBizDataCrypt(band.appId, huge).decryptData(band.encryptedData, band.iv))
  assert.equal(e.errcode, -41001)
  assert.equal(pc.diagnose(huge, band.iv).cause, 'session_key_mismatch')
  const grown = (process.memoryUsage().rss - before) / 1024 / 1024
  assert.ok(grown < 400, `RSS grew ${grown.toFixed(0)} MiB on 20 MiB inputs`)
})

test('lone surrogates, NULs and every kind of base64 damage give documented errors', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const ed = band.encryptedData
  const damaged = [
    ed.replace(/\+/g, '%2B'), ed.slice(0, 100), ed.slice(1), ed + '\u0000', '\ud800' + ed, ed.replace(/\//g, '\\/'),
    ed.replace(/=/g, ''), ed + '==', ed + '=====', ed.replace(/(.{60})/g, '$1\r\n'), ed.replace(/A/g, 'А' /* Cyrillic */),
    ed.replace(/\+/g, ' '), ' ' + ed + ' ', ed.replace(/\+/g, '-').replace(/\//g, '_'), ed.toLowerCase(), '\ufeff' + ed,
  ]
  for (const d of damaged) {
    const r = (() => {
      try {
        return pc.decryptData(d, band.iv)
      } catch (e) {
        return e
      }
    })()
    if (r instanceof Error) assert.ok(CODES.has(r.errcode), `${JSON.stringify(d.slice(0, 20))}: ${r}`)
    else assert.equal(r.nickName, 'Band')
  }
  // Lone surrogates and NULs in every argument.
  for (const s of ['\ud800', '\udfff', '\u0000', 'a\u0000b', '\ud83d']) {
    assert.ok(CODES.has(caught(() => new WXBizDataCrypt(s, s).decryptData(s, s)).errcode))
    assert.equal(typeof wxcrypt.rawDataSignature(s, s), 'string')
    assert.equal(wxcrypt.verifyUrlSignature(s, s, s, s), false)
  }
})

test('100,000 random mutations of valid inputs: only documented errors, memory flat', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ %\n\t\u0000é\ud800'
  let seed = 12345
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  function mutate(s) {
    const a = Array.from(s)
    for (let k = 1 + rnd(3); k > 0; k--) {
      const i = rnd(a.length + 1)
      switch (rnd(4)) {
        case 0: a[i] = alphabet[rnd(alphabet.length)]; break
        case 1: a.splice(i, 1); break
        case 2: a.splice(i, 0, alphabet[rnd(alphabet.length)]); break
        default: a.length = Math.min(a.length, i)
      }
    }
    return a.join('')
  }
  const counts = new Map()
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const which = rnd(3)
      const args = [band.sessionKey, band.encryptedData, band.iv]
      args[which] = mutate(args[which])
      try {
        const out = new WXBizDataCrypt(band.appId, args[0]).decryptData(args[1], args[2])
        counts.set('ok', (counts.get('ok') || 0) + 1)
        assert.equal(typeof out, 'object')
      } catch (e) {
        assert.ok(e instanceof wxcrypt.WXCryptError && CODES.has(e.errcode), String(e))
        counts.set(e.errcode, (counts.get(e.errcode) || 0) + 1)
      }
    }
  }
  run(20000)
  global.gc && global.gc()
  const rss1 = process.memoryUsage().rss
  run(80000)
  global.gc && global.gc()
  const rss2 = process.memoryUsage().rss
  for (const code of [-41001, -41002, -41003, -41004]) assert.ok(counts.get(code) > 0, `saw ${code}`)
  assert.ok(rss2 - rss1 < 64 * 1024 * 1024, `RSS grew ${((rss2 - rss1) / 1048576).toFixed(1)} MiB`)
})

test('no timing oracle: a bad padding crosses the boundary as data, not as an exception, on both backends', () => {
  const { loadNative } = require('../npm/wxcrypt/lib/crypto/native.js')
  const { loadWasm } = require('../npm/wxcrypt/lib/crypto/wasm-node.js')
  const raw = (buf) => {
    const c = crypto.createCipheriv('aes-128-cbc', key, iv)
    c.setAutoPadding(false)
    return Buffer.concat([c.update(buf), c.final()])
  }
  const wm = `"watermark":{"appid":"${band.appId}","timestamp":1}`
  const good = `{"x":1,${wm}}`
  const cases = {
    badPadding: [raw(Buffer.alloc(32, 0x41)), null],
    // A valid payload followed by a block of spaces that ends in 17: what the fixed length rule
    // of a bad padding keeps is valid JSON, and still no text crosses.
    badPaddingJsonInside: [raw(Buffer.concat([Buffer.from(good.padEnd(Math.ceil(good.length / 16) * 16 + 15)), Buffer.from([17])])), null],
    notJson: [encrypt(key, iv, Buffer.from('activity-123456')), null],
    wrongAppid: [encrypt(key, iv, Buffer.from('{"watermark":{"appid":"wx0000000000000000"}}')), null],
    good: [encrypt(key, iv, Buffer.from(good)), good],
  }
  const backends = [['wasm', loadWasm()]]
  try {
    backends.push(['native', loadNative()])
  } catch {
    // No addon for this platform: the wasm backend alone.
  }
  for (const [name, binding] of backends) {
    const open = (sessionKey, ed, ivs, appId) => {
      if (binding.openDataText) return binding.openDataText(sessionKey, ed, ivs, appId)
      const parts = [sessionKey, ed, ivs, appId].map((s) => Buffer.from(s))
      const at = binding.inputBuffer(parts.reduce((n, p) => n + p.length, 0))
      const mem = new Uint8Array(binding.wasmMemory().buffer)
      let o = at
      for (const p of parts) {
        mem.set(p, o)
        o += p.length
      }
      return binding.openDataTextIn(...parts.map((p) => p.length))
    }
    for (const [label, [ct, want]] of Object.entries(cases)) {
      let got
      assert.doesNotThrow(() => {
        got = open(band.sessionKey, b64(ct), band.iv, band.appId)
      }, `${name} ${label}`)
      if (want === null) assert.equal(got ?? null, null, `${name} ${label}`)
      else assert.equal(got, want, `${name} ${label}`)
    }
    // The shape checks made before decryption still throw, with the boundary's fields.
    assert.throws(() => open(band.sessionKey, '!!!!', band.iv, band.appId), { code: 'DecodeBase64Error' }, name)
    assert.throws(() => open(band.sessionKey, b64(Buffer.alloc(24)), band.iv, band.appId), { code: 'IllegalBuffer', message: 'Illegal Buffer' }, name)
  }
})
