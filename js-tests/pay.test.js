'use strict'
// WeChat Pay APIv3 (issue 19) through wxcrypt/pay, on the backend WXCRYPT_BACKEND names: the keys
// and certificate published by WeChat Pay's SDK tests (vectors/wechatpay.json; their raw
// signatures are checked in crates/wxcrypt/tests/pay.rs), round trips against node:crypto for
// every operation (both directions), hostile input with its code, and both key modes at once.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const path = require('node:path')
const { vectors, root } = require('./support/wxcrypt.js')

const pay = require(path.join(process.env.WXCRYPT_TEST_PACKAGE || path.join(root, 'npm', 'wxcrypt'), 'pay.js'))
const { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode } = pay
if (process.env.WXCRYPT_BACKEND && pay.backend !== process.env.WXCRYPT_BACKEND) throw new Error('wrong backend')

const v = vectors('wechatpay.json')
const PLATFORM_KEY = v.keys.private_key_pkcs8
const CERT = v.keys.platform_certificate
const CERT_SERIAL = v.keys.platform_certificate_serial
const PUBKEY = v.keys.public_key
const PUB_ID = 'PUB_KEY_ID_0114232134912410000000000000'
const MERCHANT_KEY = vectors('api-security.json').private_key
const MERCHANT_PUB = crypto.createPublicKey(MERCHANT_KEY).export({ type: 'spki', format: 'pem' })
const APIV3 = '0123456789abcdefghijklmnopqrstuv'
const MCHID = '1900009191'
const MSERIAL = '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C'
const NOW = 1700000000

const config = (extra = {}) => ({
  mchId: MCHID,
  merchantSerialNo: MSERIAL,
  merchantPrivateKey: MERCHANT_KEY,
  apiV3Key: APIV3,
  platformKeys: [
    { serial: CERT_SERIAL, certificate: CERT },
    { id: PUB_ID, publicKey: PUBKEY },
  ],
  ...extra,
})
const platform = (serial) => new WechatPayPlatform({ mchId: MCHID, serial, privateKey: PLATFORM_KEY, apiV3Key: APIV3, merchantPublicKey: MERCHANT_PUB })

async function rejects(p, name) {
  await assert.rejects(
    async () => (typeof p === 'function' ? p() : p),
    (err) => {
      assert.ok(err instanceof WXCryptError, `${name}: not a WXCryptError: ${err && err.stack}`)
      assert.equal(err.code, name)
      assert.equal(err.errcode, ErrorCode[name])
      return true
    },
  )
}

const TX = { mchid: MCHID, appid: 'wxd678efh567hg6787', out_trade_no: '1217752501201407033233368018', transaction_id: '4200000000000000000000000001', trade_type: 'JSAPI', trade_state: 'SUCCESS', trade_state_desc: '支付成功', bank_type: 'CMC', attach: '', success_time: '2018-06-08T10:34:56+08:00', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' } }

/** A callback made with node:crypto alone (AES-256-GCM + SHA256withRSA), as WeChat Pay sends it. */
function nodeCallback(serial, { ts = NOW, plaintext = JSON.stringify(TX), ad = 'transaction', nonce = 'fdasflkja484' } = {}) {
  const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(APIV3), Buffer.from(nonce))
  c.setAAD(Buffer.from(ad))
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]).toString('base64')
  const body = JSON.stringify({ id: 'EV-2018022511223320873', create_time: '2015-05-20T13:29:35+08:00', resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功', resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: ct, associated_data: ad, nonce } })
  const wnonce = 'fdasfjihihihlkja484'
  const signature = crypto.sign('sha256', Buffer.from(`${ts}\n${wnonce}\n${body}\n`), PLATFORM_KEY).toString('base64')
  return { headers: { 'Wechatpay-Timestamp': String(ts), 'Wechatpay-Nonce': wnonce, 'Wechatpay-Signature': signature, 'Wechatpay-Serial': serial }, body }
}

function parseAuth(h) {
  const m = /^WECHATPAY2-SHA256-RSA2048 mchid="([^"]*)",nonce_str="([^"]*)",signature="([^"]*)",timestamp="([^"]*)",serial_no="([^"]*)"$/.exec(h)
  assert.ok(m, h)
  return { mchid: m[1], nonce: m[2], signature: m[3], timestamp: m[4], serial: m[5] }
}

test('the published platform certificate and public key load; the serial is the certificate\'s own', () => {
  const p = new WechatPay(config({ platformKeys: [] }))
  assert.equal(p.addPlatformKey({ certificate: CERT }), CERT_SERIAL)
  assert.equal(p.addPlatformKey({ id: PUB_ID, publicKey: PUBKEY }), PUB_ID)
  assert.deepEqual(p.platformKeyIds, [CERT_SERIAL, PUB_ID])
  assert.equal(p.signer, 'node:crypto')
})

test('authorization: node:crypto verifies it and makes the same signature (PKCS#1 v1.5 is deterministic)', async () => {
  const p = new WechatPay(config())
  const body = JSON.stringify({ appid: 'wx1', mchid: MCHID, description: '商品', out_trade_no: 'T1', notify_url: 'https://x/notify', amount: { total: 1 }, payer: { openid: 'o' } })
  for (const [method, url, b] of [['POST', '/v3/pay/transactions/jsapi', body], ['GET', '/v3/pay/transactions/out-trade-no/T1?mchid=1900009191', '']]) {
    const h = await p.authorization(method, url, b, { timestamp: NOW, nonce: 'N0NCE' })
    const a = parseAuth(h)
    assert.deepEqual([a.mchid, a.nonce, a.timestamp, a.serial], [MCHID, 'N0NCE', String(NOW), MSERIAL])
    const msg = `${method}\n${url}\n${NOW}\nN0NCE\n${b}\n`
    assert.ok(crypto.verify('sha256', Buffer.from(msg), MERCHANT_PUB, Buffer.from(a.signature, 'base64')))
    assert.equal(a.signature, crypto.sign('sha256', Buffer.from(msg), MERCHANT_KEY).toString('base64'))
    // The platform side accepts it; bytes bodies sign the same text.
    assert.equal(platform(PUB_ID).verifyAuthorization(method, url, b, h, { now: NOW }).mchId, MCHID)
    assert.equal(await p.authorization(method, url, Buffer.from(b), { timestamp: NOW, nonce: 'N0NCE' }), h)
  }
  const random = parseAuth(await p.authorization('GET', '/v3/certificates'))
  assert.equal(random.nonce.length, 32)
  assert.ok(Math.abs(Number(random.timestamp) - Date.now() / 1000) < 5)
  await rejects(p.authorization('post', '/v3/x', ''), 'InvalidArgument')
  await rejects(p.authorization('GET', 'https://api.mch.weixin.qq.com/v3/x', ''), 'InvalidArgument')
  await assert.rejects(p.authorization('POST', '/v3/x', { a: 1 }), TypeError)
})

test('verify and openNotification: node:crypto-made callbacks in both key modes, headers in any form', async () => {
  const p = new WechatPay(config())
  for (const serial of [CERT_SERIAL, PUB_ID]) {
    const cb = nodeCallback(serial)
    assert.deepEqual(await p.verify(cb, { now: NOW }), { serial })
    const n = await p.openNotification(cb, { now: NOW })
    assert.deepEqual(n.resource, TX)
    assert.equal(n.event_type, 'TRANSACTION.SUCCESS')
    const lower = Object.fromEntries(Object.entries(cb.headers).map(([k, val]) => [k.toLowerCase(), val]))
    assert.deepEqual((await p.openNotification({ headers: new Headers(lower), body: Buffer.from(cb.body) }, { now: NOW })).resource, TX)
    assert.deepEqual((await p.openNotification({ headers: lower, body: new TextEncoder().encode(cb.body).buffer }, { now: NOW })).resource, TX)
  }
  // Only the certificate: a public-key callback names an unknown key.
  const certOnly = new WechatPay(config({ platformKeys: [{ certificate: CERT }] }))
  await rejects(certOnly.openNotification(nodeCallback(PUB_ID), { now: NOW }), 'UnknownSerial')
})

test('hostile callbacks, each with its code', async () => {
  const p = new WechatPay(config())
  const cb = nodeCallback(PUB_ID)
  const flip = (s, i) => s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1)
  const open = (headers, body, now = NOW) => p.openNotification({ headers, body }, { now })
  for (const i of [0, 20, cb.body.length >> 1, cb.body.length - 1]) await rejects(open(cb.headers, flip(cb.body, i)), 'SignatureInvalid')
  await rejects(open(cb.headers, JSON.stringify(JSON.parse(cb.body), null, 1)), 'SignatureInvalid') // re-serialised
  await rejects(open({ ...cb.headers, 'Wechatpay-Signature': flip(cb.headers['Wechatpay-Signature'], 7) }, cb.body), 'SignatureInvalid')
  await rejects(open({ ...cb.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${cb.headers['Wechatpay-Signature']}` }, cb.body), 'SignatureInvalid')
  await rejects(open({ ...cb.headers, 'Wechatpay-Serial': flip(PUB_ID, 13) }, cb.body), 'UnknownSerial')
  await rejects(open({ ...cb.headers, 'Wechatpay-Timestamp': String(NOW + 1) }, cb.body), 'SignatureInvalid')
  await rejects(open({ ...cb.headers, 'Wechatpay-Nonce': 'x' }, cb.body), 'SignatureInvalid')
  await rejects(open(cb.headers, cb.body, NOW + 301), 'TimestampWindow')
  await rejects(open(cb.headers, cb.body, NOW - 301), 'TimestampWindow')
  await rejects(open(nodeCallback(PUB_ID, { ts: NOW + 400 }).headers, nodeCallback(PUB_ID, { ts: NOW + 400 }).body), 'TimestampWindow')
  for (const h of ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial']) {
    const headers = { ...cb.headers }
    delete headers[h]
    await rejects(open(headers, cb.body), 'MissingField')
  }
  // Resource tampered and the callback correctly signed again: the GCM tag catches it.
  const resign = (mutate) => {
    const body = JSON.parse(cb.body)
    mutate(body.resource)
    const text = JSON.stringify(body)
    return { headers: platform(PUB_ID).signResponse(text, { timestamp: NOW }), body: text }
  }
  const ct = Buffer.from(JSON.parse(cb.body).resource.ciphertext, 'base64')
  for (const i of [0, ct.length >> 1, ct.length - 16, ct.length - 1]) {
    const c = Buffer.from(ct)
    c[i] ^= 1
    const t = resign((r) => (r.ciphertext = c.toString('base64')))
    await rejects(p.openNotification(t, { now: NOW }), 'AeadOpen')
  }
  await rejects(p.openNotification(resign((r) => (r.nonce = flip(r.nonce, 2))), { now: NOW }), 'AeadOpen')
  await rejects(p.openNotification(resign((r) => (r.associated_data = flip(r.associated_data, 0))), { now: NOW }), 'AeadOpen')
  await rejects(p.openNotification(resign((r) => (r.nonce = 'short')), { now: NOW }), 'MalformedEnvelope')
  await rejects(p.openNotification(resign((r) => (r.algorithm = 'AEAD_SM4_GCM')), { now: NOW }), 'MalformedEnvelope')
  await rejects(p.openNotification(resign((r) => (r.original_type = 1)), { now: NOW }), 'MalformedEnvelope')
  await rejects(p.openNotification(resign((r) => (r.ciphertext = 7)), { now: NOW }), 'MalformedEnvelope')
  await rejects(p.openNotification(resign((r) => delete r.associated_data), { now: NOW }), 'AeadOpen')
  // Signed bodies that are no callback: the core names what is wrong.
  const signed = (text) => ({ headers: platform(PUB_ID).signResponse(text, { timestamp: NOW }), body: text })
  for (const [text, code] of [
    ['not json', 'MalformedEnvelope'],
    ['[]', 'MalformedEnvelope'],
    ['{}', 'MissingField'],
    ['{"resource":"x"}', 'MalformedEnvelope'],
    ['{"resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"123456789012"}}', 'MissingField'],
  ]) {
    await rejects(p.openNotification(signed(text), { now: NOW }), code)
  }
  // The serial in another letter case names the same key (as in the core).
  assert.deepEqual((await open({ ...cb.headers, 'Wechatpay-Serial': PUB_ID.toLowerCase() }, cb.body)).resource, TX)
  // Header names in any case, the last of a name winning; values trimmed.
  assert.deepEqual((await open({ ...cb.headers, 'WECHATPAY-NONCE': 'x', 'wechatpay-nonce': ` ${cb.headers['Wechatpay-Nonce']} ` }, cb.body)).resource, TX)
  // A parsed body is a TypeError, never re-serialised; invalid UTF-8 is malformed.
  await assert.rejects(p.openNotification({ headers: cb.headers, body: JSON.parse(cb.body) }, { now: NOW }), TypeError)
  await assert.rejects(p.verify({ headers: cb.headers, body: null }, { now: NOW }), TypeError)
  await rejects(p.verify({ headers: cb.headers, body: Uint8Array.of(0x7b, 0xff, 0x7d) }, { now: NOW }), 'MalformedEnvelope')
})

test('decryptResource: node:crypto-encrypted resources, the /v3/certificates certificate among them', () => {
  const p = new WechatPay(config({ platformKeys: [] }))
  const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(APIV3), Buffer.from('43061de6a7ab'))
  c.setAAD(Buffer.from('certificate'))
  const ciphertext = Buffer.concat([c.update(CERT), c.final(), c.getAuthTag()]).toString('base64')
  const pem = p.decryptResource({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate', nonce: '43061de6a7ab', ciphertext })
  assert.equal(pem, CERT)
  assert.equal(p.addPlatformKey({ serial: CERT_SERIAL, certificate: pem }), CERT_SERIAL)
  assert.throws(() => p.decryptResource({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'x', nonce: '43061de6a7ab', ciphertext }), (e) => e.code === 'AeadOpen')
  // The platform side's resources decrypt with node:crypto.
  const r = platform(PUB_ID).encryptResource(TX)
  const buf = Buffer.from(r.ciphertext, 'base64')
  const d = crypto.createDecipheriv('aes-256-gcm', Buffer.from(APIV3), Buffer.from(r.nonce))
  d.setAAD(Buffer.from(r.associated_data))
  d.setAuthTag(buf.subarray(buf.length - 16))
  assert.deepEqual(JSON.parse(Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString()), TX)
  assert.equal(r.nonce.length, 12)
})

test('requestPaymentParams: what wx.requestPayment takes, paySign verified by node:crypto', async () => {
  const p = new WechatPay(config())
  const out = await p.requestPaymentParams({ appId: 'wx8888888888888888', prepayId: 'wx201410272009395522657a690389285100', timeStamp: '1414561699', nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS' })
  assert.deepEqual(Object.keys(out), ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'])
  assert.equal(out.package, 'prepay_id=wx201410272009395522657a690389285100')
  assert.equal(out.signType, 'RSA')
  const msg = 'wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n'
  assert.equal(out.paySign, crypto.sign('sha256', Buffer.from(msg), MERCHANT_KEY).toString('base64'))
  const d = await p.requestPaymentParams({ appId: 'wx1', prepayId: 'p1' })
  assert.ok(/^\d+$/.test(d.timeStamp) && d.nonceStr.length === 32)
  assert.ok(crypto.verify('sha256', Buffer.from(`wx1\n${d.timeStamp}\n${d.nonceStr}\nprepay_id=p1\n`), MERCHANT_PUB, Buffer.from(d.paySign, 'base64')))
  await rejects(p.requestPaymentParams({ appId: 'wx1', prepayId: 'p', timeStamp: '12a' }), 'InvalidArgument')
})

test('encryptSensitive: node:crypto decrypts (OAEP SHA-1); the platform decrypts node:crypto ciphertexts', async () => {
  const p = new WechatPay(config())
  const { ciphertext, serial } = await p.encryptSensitive('张三')
  assert.equal(serial, PUB_ID) // the public key is preferred
  const plain = crypto.privateDecrypt({ key: PLATFORM_KEY, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertext, 'base64'))
  assert.equal(plain.toString(), '张三')
  assert.equal((await p.encryptSensitive('x', { serial: CERT_SERIAL })).serial, CERT_SERIAL)
  await rejects(p.encryptSensitive('x', { serial: 'NOPE' }), 'UnknownSerial')
  const ct = crypto.publicEncrypt({ key: PUBKEY, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('13800138000')).toString('base64')
  assert.equal(platform(PUB_ID).decryptSensitive(ct), '13800138000')
})

test('the platform side: signResponse verified by node:crypto, notification opened, bad Authorization refused', async () => {
  const pl = platform(CERT_SERIAL)
  const body = '{"code":"OK"}'
  const h = pl.signResponse(body, { timestamp: NOW, nonce: 'abc' })
  assert.equal(h['Wechatpay-Serial'], CERT_SERIAL)
  assert.ok(crypto.verify('sha256', Buffer.from(`${NOW}\nabc\n${body}\n`), PUBKEY, Buffer.from(h['Wechatpay-Signature'], 'base64')))
  const p = new WechatPay(config())
  const n = pl.notification({ resource: TX }, { timestamp: NOW })
  assert.deepEqual((await p.openNotification(n, { now: NOW })).resource, TX)
  const auth = await p.authorization('POST', '/v3/refund/domestic/refunds', '{}', { timestamp: NOW })
  assert.throws(() => pl.verifyAuthorization('POST', '/v3/refund/domestic/refunds', '{ }', auth, { now: NOW }), (e) => e.code === 'SignatureInvalid')
  assert.throws(() => pl.verifyAuthorization('POST', '/v3/refund/domestic/refunds', '{}', auth, { now: NOW + 1000 }), (e) => e.code === 'TimestampWindow')
  assert.throws(() => pl.verifyAuthorization('POST', '/v3/x', '{}', 'Bearer x', { now: NOW }), (e) => e.code === 'MalformedEnvelope')
})

test('keys of the wrong kind or size, a wrong APIv3 key, bad config types', async () => {
  const k1024 = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  const mk = (extra) => () => new WechatPay(config(extra))
  assert.throws(mk({ merchantPrivateKey: CERT }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ merchantPrivateKey: PUBKEY }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ merchantPrivateKey: k1024 }), (e) => e.code === 'KeySize')
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  assert.throws(mk({ merchantPrivateKey: ec }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ apiV3Key: 'short' }), (e) => e.code === 'KeySize')
  assert.throws(mk({ platformKeys: [{ id: PUB_ID, publicKey: CERT }] }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ platformKeys: [{ certificate: PUBKEY }] }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ platformKeys: [{ serial: 'ABC', certificate: CERT }] }), (e) => e.code === 'KeyParse')
  assert.throws(mk({ platformKeys: 'x' }), TypeError)
  assert.throws(mk({ mchId: 1 }), TypeError)
  // A wrong APIv3 key: the signature holds, the tag does not.
  const wrong = new WechatPay(config({ apiV3Key: 'vutsrqponmlkjihgfedcba9876543210' }))
  await rejects(wrong.openNotification(nodeCallback(PUB_ID), { now: NOW }), 'AeadOpen')
})

test('wechatpay-java\'s published vectors: GCM both ways, the /v3/certificates answer, OAEP, its key pairs on both sides', async () => {
  const j = v.java
  const MID = 'PUB_KEY_ID_0112345678901234567890123456'
  const p = new WechatPay({
    mchId: j.merchant_id,
    merchantSerialNo: j.merchant_certificate_serial,
    merchantPrivateKey: j.merchant_private_key_pkcs8,
    apiV3Key: j.api_v3_key,
    platformKeys: [{ serial: j.platform_certificate_serial, certificate: j.platform_certificate }, { id: MID, publicKey: j.platform_public_key }],
  })
  assert.deepEqual(p.platformKeyIds, [j.platform_certificate_serial, MID])
  // AeadAesCipherTest: the published ciphertext opens; a bad AAD, a bad nonce, 128 zero bytes do not.
  const g = j.aes_gcm
  const r = { algorithm: 'AEAD_AES_256_GCM', associated_data: g.associated_data, nonce: g.nonce, ciphertext: g.ciphertext }
  assert.equal(p.decryptResource(r), g.plaintext)
  assert.throws(() => p.decryptResource({ ...r, associated_data: g.bad_associated_data }), (e) => e.code === 'AeadOpen')
  assert.throws(() => p.decryptResource({ ...r, nonce: g.bad_nonce }), (e) => e.code === 'AeadOpen')
  assert.throws(() => p.decryptResource({ ...r, ciphertext: Buffer.alloc(128).toString('base64') }), (e) => e.code === 'AeadOpen')
  // The platform side seals the same bytes (the nonce given): the published ciphertext again.
  const MPUB = new crypto.X509Certificate(j.merchant_certificate).publicKey.export({ type: 'spki', format: 'pem' })
  const enc = new WechatPayPlatform({ mchId: j.merchant_id, serial: j.platform_certificate_serial, privateKey: j.platform_private_key_pkcs8, apiV3Key: j.api_v3_key, merchantPublicKey: MPUB })
  assert.equal(enc.encryptResource(g.plaintext, { associatedData: g.associated_data, nonce: g.nonce }).ciphertext, g.ciphertext)
  // The /v3/certificates answer: its certificate opens with the APIv3 key and has serial_no as its own serial.
  const item = JSON.parse(j.certificates_response.body).data[0]
  const pem = p.decryptResource(item.encrypt_certificate)
  assert.equal(new crypto.X509Certificate(pem).serialNumber, item.serial_no)
  assert.equal(item.serial_no, j.certificates_response.serial)
  assert.equal(p.addPlatformKey({ serial: item.serial_no, certificate: pem }), item.serial_no)
  // RSAPrivacyDecryptorTest: the published OAEP ciphertext under the merchant key.
  const asMerchantKey = new WechatPayPlatform({ mchId: j.merchant_id, serial: 'X', privateKey: j.merchant_private_key_pkcs8, apiV3Key: j.api_v3_key, merchantPublicKey: j.platform_public_key })
  assert.equal(asMerchantKey.decryptSensitive(j.oaep.ciphertext), j.oaep.plaintext)
  assert.throws(() => asMerchantKey.decryptSensitive(j.oaep.bad_ciphertext), (e) => e.code === 'AeadOpen')
  // The merchant key pair: Authorization and paySign verify with the published merchant certificate.
  const auth = parseAuth(await p.authorization('POST', '/v3/pay/transactions/jsapi', '{"a":1}', { timestamp: NOW, nonce: 'n0' }))
  assert.equal(auth.serial, j.merchant_certificate_serial)
  const mcert = new crypto.X509Certificate(j.merchant_certificate)
  assert.ok(crypto.verify('sha256', Buffer.from(`POST\n/v3/pay/transactions/jsapi\n${NOW}\nn0\n{"a":1}\n`), mcert.publicKey, Buffer.from(auth.signature, 'base64')))
  const pp = await p.requestPaymentParams({ appId: 'wx1', prepayId: 'p1', timeStamp: NOW, nonceStr: 'n1' })
  assert.ok(crypto.verify('sha256', Buffer.from(`wx1\n${NOW}\nn1\nprepay_id=p1\n`), mcert.publicKey, Buffer.from(pp.paySign, 'base64')))
  const header = `WECHATPAY2-SHA256-RSA2048 mchid="${auth.mchid}",nonce_str="n0",signature="${auth.signature}",timestamp="${NOW}",serial_no="${auth.serial}"`
  assert.deepEqual(enc.verifyAuthorization('POST', '/v3/pay/transactions/jsapi', '{"a":1}', header, { now: NOW }), { mchId: j.merchant_id, serialNo: j.merchant_certificate_serial, nonce: 'n0', timestamp: String(NOW) })
  // The platform key pair: callbacks signed with the published platform key open under its certificate and its public key.
  for (const serial of [j.platform_certificate_serial, MID]) {
    const pl = new WechatPayPlatform({ mchId: j.merchant_id, serial, privateKey: j.platform_private_key_pkcs8, apiV3Key: j.api_v3_key, merchantPublicKey: MPUB })
    const n = pl.notification({ resource: TX }, { timestamp: NOW })
    const opened = await p.openNotification(n, { now: NOW })
    assert.deepEqual(opened.resource, TX)
    const { ciphertext, serial: used } = await p.encryptSensitive('张三', { serial })
    assert.equal(used, serial)
    const plain = crypto.privateDecrypt({ key: j.platform_private_key_pkcs8, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertext, 'base64'))
    assert.equal(plain.toString(), '张三')
  }
})

test('with every RSA operation in the core (no host crypto): the same answers and codes', async () => {
  const { createPay } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'crypto', 'pay.js'))
  const { loadBinding } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'crypto', 'backend.js'))
  const { WechatPay: CorePay } = createPay(loadBinding().binding)
  const core = new CorePay(config())
  const host = new WechatPay(config())
  assert.deepEqual([core.signer, core.verifier], ['rust', 'rust'])
  assert.deepEqual([host.signer, host.verifier], ['node:crypto', 'node:crypto'])
  // The WebCrypto placement (the edge's, from the layer ApiSecurity shares) gives the same answers.
  const { webCryptoSigner, webCryptoVerifier } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'crypto', 'sign-webcrypto.js'))
  const viaWeb = new (createPay(loadBinding().binding, webCryptoSigner('pkcs1'), webCryptoVerifier('pkcs1')).WechatPay)(config())
  assert.deepEqual([viaWeb.signer, viaWeb.verifier], ['webcrypto', 'webcrypto'])
  assert.deepEqual(await viaWeb.openNotification(nodeCallback(PUB_ID), { now: NOW }), await core.openNotification(nodeCallback(PUB_ID), { now: NOW }))
  const cb = nodeCallback(CERT_SERIAL)
  assert.deepEqual(await core.openNotification(cb, { now: NOW }), await host.openNotification(cb, { now: NOW }))
  const auth = (p) => p.authorization('POST', '/v3/x', '{}', { timestamp: NOW, nonce: 'N' })
  assert.equal(await auth(core), await auth(host))
  assert.equal(await auth(viaWeb), await auth(host))
  await rejects(viaWeb.verify({ headers: { ...nodeCallback(PUB_ID).headers, 'Wechatpay-Nonce': 'x' }, body: nodeCallback(PUB_ID).body }, { now: NOW }), 'SignatureInvalid')
  const params = { appId: 'wx1', prepayId: 'p', timeStamp: '1', nonceStr: 'n' }
  assert.deepEqual(await core.requestPaymentParams(params), await host.requestPaymentParams(params))
  const bad = { headers: { ...cb.headers, 'Wechatpay-Signature': Buffer.alloc(256, 1).toString('base64') }, body: cb.body }
  for (const p of [core, host, viaWeb]) {
    await rejects(p.verify(bad, { now: NOW }), 'SignatureInvalid')
    await rejects(p.verify({ headers: { ...cb.headers, 'Wechatpay-Signature': 'c2hvcnQ=' }, body: cb.body }, { now: NOW }), 'SignatureInvalid')
    await rejects(p.verify({ headers: { ...cb.headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/' + cb.headers['Wechatpay-Signature'] }, body: cb.body }, { now: NOW }), 'SignatureInvalid')
  }
  // A key replaced under the same id is used from then on.
  assert.equal(host.addPlatformKey({ id: CERT_SERIAL, publicKey: MERCHANT_PUB }), CERT_SERIAL)
  await rejects(host.verify(cb, { now: NOW }), 'SignatureInvalid')
})
