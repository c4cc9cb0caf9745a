'use strict'
// Server-API security mode in the login kit: WeChatClient with `apiSecurity` against the simulator
// playing WeChat's platform side (createSimulator({ apiSecurity })): phone number by code, the
// user's encrypt keys and checkEncryptedData sealed and opened; WeChat's 40230-40240 rejections
// of unsigned, mis-signed, stale and mis-encrypted requests; a certificate rotation (one warning).
// One more run puts the simulator on an independent platform side (node:crypto,
// js-tests/support/api-security-ref.js) to check the client's core against it.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { wxcrypt, root } = require('./support/wxcrypt.js')
const ref = require('./support/api-security-ref.js')
const { createSimulator, generateApiSecurityKeys } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { SECURE_APIS } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'client', 'secure-apis.js'))

const { WeChatClient, WeChatApiError } = wxcrypt
const { ApiSecurity, ApiSecurityPlatform } = wxcrypt
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'

describe('WeChatClient in server-API security mode against the simulator', () => {
  let sim
  let keys
  const logs = []
  const exchanges = []
  let client

  before(async () => {
    keys = generateApiSecurityKeys({ appId: APP_ID })
    sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: { ...keys.platform, ApiSecurityPlatform } })
    client = new WeChatClient({
      appId: APP_ID,
      secret: SECRET,
      baseUrl: sim.url,
      log: (e) => logs.push(e),
      ApiSecurity,
      apiSecurity: { ...keys.app, onExchange: (e) => exchanges.push(e) },
    })
  })
  after(() => sim && sim.close())

  test('every supported API cites its WeChat doc', () => {
    for (const [api, entry] of Object.entries(SECURE_APIS)) {
      assert.match(api, /^\/wxa\//)
      assert.match(entry.doc, /^https:\/\/developers\.weixin\.qq\.com\/miniprogram\/dev\/server\/API\//)
      assert.ok(entry.params === 'body' || entry.params === 'query')
    }
  })

  test('phone number by code: sealed request, sealed answer', async () => {
    const { openid } = sim.login()
    exchanges.length = 0
    const info = await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))
    assert.equal(info.purePhoneNumber, '13800138000')
    const [req, res] = exchanges
    assert.equal(req.direction, 'request')
    assert.deepEqual(Object.keys(JSON.parse(req.body)).sort(), ['authtag', 'data', 'iv'])
    assert.ok(!req.body.includes('13800138000') && !req.body.includes(req.plain.code))
    assert.ok(req.headers['Wechatmp-Signature'] || req.headers['wechatmp-signature'])
    assert.equal(res.direction, 'response')
    assert.ok(!res.body.includes('13800138000'))
    assert.equal(res.plain.phone_info.purePhoneNumber, '13800138000')
    const s = sim.stats()
    assert.equal(s.secureRejected, 0)
    assert.ok(s.secureRequests >= 1)
  })

  test('user encrypt key: the query parameters travel in the sealed body', async () => {
    const { openid } = sim.login()
    const list = await client.getUserEncryptKey(openid, sim.sessionKey(openid))
    assert.equal(list.length, 1)
    assert.match(list[0].encrypt_key, /^[A-Za-z0-9+/]{22}==$/)
    const wrong = await client.getUserEncryptKey(openid, 'AAAAAAAAAAAAAAAAAAAAAA==').catch((e) => e)
    assert.ok(wrong instanceof WeChatApiError)
    assert.equal(wrong.errcode, 87009)
  })

  test('checkEncryptedData sealed; calls outside the list stay plain', async () => {
    const { openid } = sim.login()
    const data = sim.userData(openid, { phoneNumber: '13800138000' })
    assert.equal((await client.checkEncryptedData(data.encryptedData)).valid, true)
    assert.equal(await client.checkSessionKey(openid, sim.sessionKey(openid)), true)
  })

  test('WeChat 40230-40240 answers to unsigned, mis-signed, stale and mis-encrypted requests', async () => {
    const token = await client.getAccessToken()
    const api = '/wxa/business/getuserphonenumber'
    const url = `${sim.url}${api}?access_token=${encodeURIComponent(token)}`
    const call = async (headers, body) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).json()
    const sec = new ApiSecurity(keys.app)
    const now = Math.floor(Date.now() / 1000)
    const good = await sec.sealRequest(`${sim.url}${api}`, { code: 'x' })
    const h = Object.fromEntries(Object.entries(good.headers).map(([k, v]) => [k.toLowerCase(), v]))

    assert.equal((await call({}, JSON.stringify({ code: 'x' }))).errcode, 40233) // plain JSON
    const without = (name) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name))
    assert.equal((await call(without('wechatmp-timestamp'), good.body)).errcode, 40231)
    assert.equal((await call(without('wechatmp-signature'), good.body)).errcode, 40232)
    assert.equal((await call({ ...h, 'wechatmp-appid': 'wx0000000000000000' }, good.body)).errcode, 40236)
    const flipped = Buffer.from(h['wechatmp-signature'], 'base64')
    flipped[10] ^= 1
    assert.equal((await call({ ...h, 'wechatmp-signature': flipped.toString('base64') }, good.body)).errcode, 40234)
    const stale = await sec.sealRequest(`${sim.url}${api}`, { code: 'x' }, { timestamp: now - 3600 })
    assert.equal((await call(stale.headers, stale.body)).errcode, 40240)
    // Signed correctly over a body another key encrypted: 40235.
    const other = generateApiSecurityKeys({ appId: APP_ID })
    const wrongKey = new ApiSecurity({ ...keys.app, symmetricKey: other.app.symmetricKey })
    const bad = await wrongKey.sealRequest(`${sim.url}${api}`, { code: 'x' })
    const answer = await call(bad.headers, bad.body)
    assert.equal(answer.errcode, 40235)
    assert.match(answer.errmsg, /^API_Invalid_Encrypt, rid: [0-9a-f]+$/)
  })

  test('fail closed: an unsigned answer is an error, a 4023x rejection is reported as such', async () => {
    const plain = async () => new Response(JSON.stringify({ errcode: 0, errmsg: 'ok', phone_info: { purePhoneNumber: '1' } }), { headers: { 'content-type': 'application/json' } })
    const c = new WeChatClient({
      appId: APP_ID,
      secret: SECRET,
      baseUrl: sim.url,
      ApiSecurity,
      apiSecurity: keys.app,
      fetch: async (url, init) => (String(url).includes('getuserphonenumber') ? plain() : fetch(url, init)),
    })
    const err = await c.getPhoneNumber('code').catch((e) => e)
    assert.ok(err instanceof WeChatApiError)
    assert.equal(err.code, 'EAPISECURITY')
    assert.ok(!err.message.includes(keys.app.symmetricKey))
    const rejecting = new WeChatClient({
      appId: APP_ID,
      secret: SECRET,
      baseUrl: sim.url,
      ApiSecurity,
      apiSecurity: { ...keys.app, privateKey: generateApiSecurityKeys({ appId: APP_ID }).app.privateKey },
    })
    const e2 = await rejecting.getPhoneNumber('code').catch((e) => e)
    assert.equal(e2.errcode, 40234)
  })

  test('certificate rotation: both signatures (one warning naming the 编号), then only the new one', async () => {
    const oldSn = keys.app.platformCertificates[0].sn
    const next = sim.apiSecurity.rotateCertificate()
    logs.length = 0
    for (let i = 0; i < 3; i++) {
      const { openid } = sim.login()
      assert.equal((await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
    }
    const warnings = logs.filter((e) => e.event === 'api-security-deprecated-certificate')
    assert.equal(warnings.length, 1)
    assert.equal(warnings[0].level, 'warn')
    assert.ok(warnings[0].message.includes(oldSn) && warnings[0].message.includes(next.sn))

    // The app adds the new certificate; WeChat ends the rotation; the old client refuses.
    const updated = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, log: (e) => logs.push(e), ApiSecurity, apiSecurity: { ...keys.app, platformCertificates: [next, ...keys.app.platformCertificates] } })
    sim.apiSecurity.finishRotation()
    logs.length = 0
    const { openid } = sim.login()
    assert.equal((await updated.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
    assert.equal(logs.length, 0)
    const stale = await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000')).catch((e) => e)
    assert.equal(stale.code, 'EAPISECURITY')
  })
})

test('the client against an independent platform side (node:crypto)', async (t) => {
  const keys = generateApiSecurityKeys({ appId: APP_ID })
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: { ...keys.platform, ApiSecurityPlatform: ref.ApiSecurityPlatform } })
  t.after(() => sim.close())
  const client = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, apiSecurity: keys.app })
  const { openid } = sim.login()
  assert.equal((await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
  assert.equal((await client.getUserEncryptKey(openid, sim.sessionKey(openid))).length, 1)
  assert.equal(sim.stats().secureRejected, 0)
})

// The README's configuration example (README.md / README.zh-CN.md, `#apisec-config`), run as written
// with the keys in the environment and files.
test('README: the keys from the environment and files', async (t) => {
  const fsx = require('node:fs')
  const os = require('node:os')
  const keys = generateApiSecurityKeys({ appId: APP_ID })
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: keys.platform })
  t.after(() => sim.close())
  const dir = fsx.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-apisec-readme-'))
  t.after(() => fsx.rmSync(dir, { recursive: true, force: true }))
  fsx.writeFileSync(path.join(dir, 'key.pem'), keys.app.privateKey)
  fsx.writeFileSync(path.join(dir, 'cert.pem'), keys.app.platformCertificates[0].certificate)
  const saved = { ...process.env }
  t.after(() => {
    process.env = saved
  })
  Object.assign(process.env, {
    WX_APPID: APP_ID,
    WX_SECRET: SECRET,
    WX_API_SYMMETRIC_KEY: keys.app.symmetricKey,
    WX_API_SYMMETRIC_KEY_SN: keys.app.symmetricKeySn,
    WX_API_PRIVATE_KEY_FILE: path.join(dir, 'key.pem'),
    WX_API_PRIVATE_KEY_SN: keys.app.privateKeySn,
    WX_API_PLATFORM_CERT_FILE: path.join(dir, 'cert.pem'),
    WX_API_PLATFORM_CERT_SN: keys.app.platformCertificates[0].sn,
  })

  // #region apisec-config
  const fs = require('node:fs')
  const { WeChatClient } = require('wxcrypt')

  // The keys of 开发管理 -> 开发设置 -> API安全, each with its 编号 as the page shows it.
  function apiSecurityFromEnv(env = process.env) {
    return {
      appId: env.WX_APPID,
      algorithm: 'AES256_GCM+RSAwithSHA256', // or 'SM4_GCM+SM2withSM3', as configured there
      symmetricKey: env.WX_API_SYMMETRIC_KEY, // API对称密钥 (base64)
      symmetricKeySn: env.WX_API_SYMMETRIC_KEY_SN,
      privateKey: fs.readFileSync(env.WX_API_PRIVATE_KEY_FILE, 'utf8'), // downloadable once: keep it
      privateKeySn: env.WX_API_PRIVATE_KEY_SN, // API非对称密钥's 编号
      platformCertificates: [
        { sn: env.WX_API_PLATFORM_CERT_SN, certificate: fs.readFileSync(env.WX_API_PLATFORM_CERT_FILE, 'utf8') },
      ],
    }
  }

  const client = new WeChatClient({ appId: process.env.WX_APPID, secret: process.env.WX_SECRET, apiSecurity: apiSecurityFromEnv() })
  // #endregion apisec-config

  assert.equal(client.appId, APP_ID)
  const local = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, apiSecurity: apiSecurityFromEnv() })
  const { openid } = sim.login()
  assert.equal((await local.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
  assert.equal(sim.stats().secureRejected, 0)
})

test('an ApiSecurity instance as apiSecurity: sealed calls, and the rotation warning from its openResponseDetailed', async (t) => {
  const keys = generateApiSecurityKeys({ appId: APP_ID })
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: { ...keys.platform, ApiSecurityPlatform } })
  t.after(() => sim.close())
  const logs = []
  const sec = new ApiSecurity(keys.app)
  const client = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, log: (e) => logs.push(e), apiSecurity: sec })
  const { openid } = sim.login()
  assert.equal((await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
  assert.equal(sim.stats().secureRejected, 0)
  const next = sim.apiSecurity.rotateCertificate()
  for (let i = 0; i < 2; i++) {
    assert.equal((await client.getPhoneNumber(sim.phoneNumberCode(openid, '13800138001'))).purePhoneNumber, '13800138001')
  }
  const warnings = logs.filter((e) => e.event === 'api-security-deprecated-certificate')
  assert.equal(warnings.length, 1)
  assert.equal(warnings[0].serial, keys.app.platformCertificates[0].sn)
  assert.equal(warnings[0].newSerial, next.sn)
  // Not an options object and not an opener: a TypeError, before any call.
  assert.throws(() => new WeChatClient({ appId: APP_ID, secret: SECRET, apiSecurity: { sealRequest() {} } }), TypeError)
})
