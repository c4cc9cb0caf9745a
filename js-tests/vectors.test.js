'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { wxcrypt, vectors } = require('./support/wxcrypt.js')
const { referenceDecrypt, outcome } = require('./support/reference.js')

const WXBizDataCrypt = wxcrypt
const all = vectors('wechat-vectors.json')
const negative = vectors('band-negative-cases.json')
const band = all.data_crypt[0]

test(`backend: ${wxcrypt.backend}`, () => {
  assert.ok(['native', 'wasm'].includes(wxcrypt.backend))
})

test('require() gives the class itself, also by name and as default', () => {
  assert.equal(typeof WXBizDataCrypt, 'function')
  assert.equal(wxcrypt.WXBizDataCrypt, WXBizDataCrypt)
  assert.equal(wxcrypt.default, WXBizDataCrypt)
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  assert.ok(pc instanceof wxcrypt.WXBizDataCrypt)
})

test('official Band vector decrypts to exactly JSON.parse(plaintext)', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const data = pc.decryptData(band.encryptedData, band.iv)
  assert.deepEqual(data, JSON.parse(band.plaintext))
  assert.deepEqual(Object.keys(data), Object.keys(JSON.parse(band.plaintext)))
  assert.equal(Object.getPrototypeOf(data), Object.prototype)
  assert.equal(data.nickName, 'Band')
  assert.equal(data.watermark.timestamp, 1477314187)
  assert.equal(pc.decryptRaw(band.encryptedData, band.iv), band.plaintext)
})

test('fail_: the C++ demo second vector does not decrypt with its key (-41003)', () => {
  const v = all.data_crypt[1]
  const pc = new WXBizDataCrypt(v.appId, v.sessionKey)
  assert.throws(() => pc.decryptData(v.encryptedData, v.iv), { message: 'Illegal Buffer', errcode: -41003, code: 'IllegalBuffer' })
  assert.throws(() => pc.decryptRaw(v.encryptedData, v.iv), { errcode: -41003 })
})

test('all 24 band negative cases give the expected outcome, equal to the reference', () => {
  assert.equal(negative.length, 24)
  for (const c of negative) {
    const got = outcome(() => new WXBizDataCrypt(c.appid, c.sessionKey).decryptData(c.encryptedData, c.iv))
    const ref = referenceDecrypt(c.appid, c.sessionKey, c.encryptedData, c.iv)
    if (c.expect === 'ok') {
      assert.ok('value' in got, `${c.name}: ${JSON.stringify(got)}`)
      assert.equal(got.value.watermark.appid, c.appid, c.name)
    } else {
      assert.deepEqual(got, { errcode: c.errcode }, c.name)
    }
    assert.deepEqual(got, ref, c.name)
  }
  const forged = negative.find((c) => c.name === 'iv_bitflip_forgery_openid')
  const data = new WXBizDataCrypt(forged.appid, forged.sessionKey).decryptData(forged.encryptedData, forged.iv)
  assert.equal(data.openId, 'EVIL!0egBJY1zhBYw2KhdUfwVJJE')
})

test('errors: message, errcode, code, the only enumerable keys, class', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const cases = [
    [() => new WXBizDataCrypt(band.appId, 'AAAA').decryptData(band.encryptedData, band.iv), -41001, 'IllegalAesKey'],
    [() => pc.decryptData(band.encryptedData, 'AAAA'), -41002, 'IllegalIv'],
    [() => pc.decryptData(band.encryptedData.slice(0, -8), band.iv), -41003, 'IllegalBuffer'],
    [() => pc.decryptData('%2B' + band.encryptedData, band.iv), -41004, 'DecodeBase64Error'],
  ]
  for (const [fn, errcode, code] of cases) {
    let caught
    try {
      fn()
    } catch (e) {
      caught = e
    }
    assert.ok(caught instanceof Error)
    assert.ok(caught instanceof wxcrypt.WXCryptError)
    assert.equal(caught.message, 'Illegal Buffer')
    assert.equal(caught.name, 'WXCryptError')
    assert.deepEqual(Object.keys(caught), ['errcode', 'code'])
    assert.deepEqual(JSON.parse(JSON.stringify({ err: caught })), { err: { errcode, code } })
    assert.equal(wxcrypt.ErrorCode[code], errcode)
  }
})

test('wrong argument types throw TypeError, like Node', () => {
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  const bad = [undefined, null, 1, {}, [], Buffer.from(band.iv), Symbol('x'), 1n, new String(band.iv), () => 1]
  for (const b of bad) {
    assert.throws(() => pc.decryptData(b, band.iv), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => pc.decryptData(band.encryptedData, b), TypeError)
    assert.throws(() => pc.decryptRaw(b, band.iv), TypeError)
    assert.throws(() => new WXBizDataCrypt(b, band.sessionKey), TypeError)
    assert.throws(() => new WXBizDataCrypt(band.appId, b), TypeError)
    assert.throws(() => wxcrypt.urlSignature('t', b === 1 ? {} : b, '1'), TypeError)
    assert.throws(() => wxcrypt.rawDataSignature(b, band.sessionKey), TypeError)
  }
  assert.throws(() => wxcrypt.urlSignature('t', NaN, '1'), TypeError)
})

test('the session key never shows: inspect, JSON, keys, TypeError messages', () => {
  const util = require('node:util')
  const pc = new WXBizDataCrypt(band.appId, band.sessionKey)
  for (const shown of [util.inspect(pc, { showHidden: true, depth: 5 }), JSON.stringify(pc), Object.keys(pc).join()]) {
    assert.ok(!shown.includes(band.sessionKey), shown)
  }
  assert.throws(
    () => wxcrypt.rawDataSignature(band.sessionKey, 5),
    (e) => e instanceof TypeError && !e.message.includes('5') && !e.message.includes(band.sessionKey),
  )
})

test('rawData signature vectors', () => {
  for (const v of all.rawdata_signature) {
    assert.equal(wxcrypt.rawDataSignature(v.rawData, v.sessionKey), v.signature)
    assert.equal(wxcrypt.verifyRawDataSignature(v.rawData, v.sessionKey, v.signature), true)
    assert.equal(wxcrypt.verifyRawDataSignature(v.rawData, v.sessionKey, v.signature.toUpperCase()), true)
    assert.equal(wxcrypt.verifyRawDataSignature(v.rawData + ' ', v.sessionKey, v.signature), false)
    assert.equal(wxcrypt.verifyRawDataSignature(v.rawData, v.sessionKey, v.signature.slice(1)), false)
    const pc = new WXBizDataCrypt('wx', v.sessionKey)
    assert.equal(pc.verifySignature(v.rawData, v.signature), true)
    assert.equal(pc.verifySignature(v.rawData, '0'.repeat(40)), false)
  }
})

test('URL signature vectors, with string or number timestamps and nonces', () => {
  assert.equal(all.url_signature.length, 3)
  for (const v of all.url_signature) {
    assert.equal(wxcrypt.urlSignature(v.token, v.timestamp, v.nonce), v.signature)
    assert.equal(wxcrypt.urlSignature(v.token, Number(v.timestamp), Number(v.nonce)), v.signature)
    assert.equal(wxcrypt.verifyUrlSignature(v.token, v.timestamp, v.nonce, v.signature.toUpperCase()), true)
    assert.equal(wxcrypt.verifyUrlSignature(v.token, v.timestamp, '1', v.signature), false)
  }
})

test('msg_signature vectors', () => {
  assert.equal(all.msg_crypt.length, 4)
  for (const v of all.msg_crypt) {
    assert.equal(wxcrypt.msgSignature(v.token, v.timestamp, v.nonce, v.encrypt), v.msg_signature, v.id)
    assert.equal(wxcrypt.msgSignature(v.token, Number(v.timestamp), Number(v.nonce), v.encrypt), v.msg_signature)
    assert.equal(wxcrypt.verifyMsgSignature(v.token, v.timestamp, v.nonce, v.encrypt, v.msg_signature), true)
    assert.equal(wxcrypt.verifyMsgSignature(v.token, v.timestamp, v.nonce, v.encrypt + 'x', v.msg_signature), false)
  }
})

test('session-key signature equals node:crypto hmac_sha256(key = text, "")', () => {
  const crypto = require('node:crypto')
  for (const key of [band.sessionKey, 'HyVFkGl5F5OQWJZZaNzBBg==', '', '密钥']) {
    const want = crypto.createHmac('sha256', Buffer.from(key, 'utf8')).update('').digest('hex')
    assert.equal(wxcrypt.sessionKeySignature(key), want)
  }
})
