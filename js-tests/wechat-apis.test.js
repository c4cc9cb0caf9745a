'use strict'
// WeChat's data and session APIs (checkencryptedmsg, resetusersessionkey, getuserencryptkey) in
// WeChatClient against the simulator, and the tutorials' one-call login route over HTTP:
// wx.login before getPhoneNumber works, wx.login after it fails with -41003 (session_key_mismatch).
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const util = require('node:util')
const crypto = require('node:crypto')
const { wxcrypt: WXBizDataCrypt, vectors, root } = require('./support/wxcrypt.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))

const { WeChatClient, WeChatApiError } = WXBizDataCrypt
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const TIMEOUT = { timeout: 60_000 }
const DAY = 24 * 60 * 60 * 1000

// The example of WeChat's checkEncryptedData doc: the SHA-256 of the base64 text (not of the bytes).
const DOC_DATA =
  'hsSuSUsePBqSQw2rYMtf9Nvha603xX8f2BMQBcYRoJiMNwOqt/UEhrqekebG5ar0LFNAm5MD4Uz6zorRwiXJwbySJ/FEJHav4NsobBIU1PwdjbJWVQLFy7+YFkHB32OnQXWMh6ugW7Dyk2KS5BXp1f5lniKPp1KNLyNLlFlNZ2mgJCJmWvHj5AI7BLpWwoRvqRyZvVXo+9FsWqvBdxmAPA=='
const DOC_HASH = '657edd868c9715a9bebe42b833269a557a48498785397a796f1568c29a200b2c'

const band = vectors('wechat-vectors.json').data_crypt[0]
const hasDiagnose = (() => {
  if (typeof WXBizDataCrypt.prototype.diagnose !== 'function') return false
  try {
    return typeof new WXBizDataCrypt(band.appId, band.sessionKey).diagnose(band.encryptedData, band.iv).cause === 'string'
  } catch {
    return false
  }
})()

describe('WeChatClient: checkEncryptedData, resetUserSessionKey, getUserEncryptKey', TIMEOUT, () => {
  let sim
  let clock
  const now = () => clock
  const sent = []
  const recording = (url, init) => {
    sent.push({ url: String(url), method: init.method, body: init.body })
    return fetch(url, init)
  }
  let c
  before(async () => {
    clock = 1_800_000_000_000
    sim = await createSimulator({ appId: APP_ID, secret: SECRET, now })
    c = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, now, retryDelayMs: 1, fetch: recording })
  })
  after(() => sim.close())

  test('checkEncryptedData sends the SHA-256 hex of the base64 text, as in WeChat\'s example', async () => {
    sent.length = 0
    assert.deepEqual(await c.checkEncryptedData(DOC_DATA), { valid: false, createTime: null })
    const req = sent.find((s) => s.url.includes('/wxa/business/checkencryptedmsg'))
    assert.equal(req.method, 'POST')
    assert.deepEqual(JSON.parse(req.body), { encrypted_msg_hash: DOC_HASH })
    assert.match(req.url, /\?access_token=SIM_/)
  })

  test('phone-number data WeChat made: valid with its createTime; tampered, foreign or older than 3 days: valid false', async () => {
    const { openid } = sim.login()
    const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    assert.deepEqual(await c.checkEncryptedData(phone.encryptedData), { valid: true, createTime: Math.floor(clock / 1000) })
    // One character changed: not what WeChat made.
    const flipped = (phone.encryptedData[5] === 'A' ? 'B' : 'A')
    const tampered = phone.encryptedData.slice(0, 5) + flipped + phone.encryptedData.slice(6)
    assert.deepEqual(await c.checkEncryptedData(tampered), { valid: false, createTime: null })
    // Data encrypted by anyone else with the session_key (the attack the missing MAC allows).
    const key = Buffer.from(sim.sessionKey(openid), 'base64')
    const cipher = crypto.createCipheriv('aes-128-cbc', key, crypto.randomBytes(16))
    const forged = Buffer.concat([cipher.update(JSON.stringify({ phoneNumber: '13999999999', watermark: { appid: APP_ID, timestamp: 1 } })), cipher.final()]).toString('base64')
    assert.deepEqual(await c.checkEncryptedData(forged), { valid: false, createTime: null })
    // WeChat checks phone-number data only.
    const info = sim.userData(openid, { nickName: 'Band' })
    assert.deepEqual(await c.checkEncryptedData(info.encryptedData), { valid: false, createTime: null })
    clock += 3 * DAY - 1000
    assert.equal((await c.checkEncryptedData(phone.encryptedData)).valid, true)
    clock += 1000
    assert.deepEqual(await c.checkEncryptedData(phone.encryptedData), { valid: false, createTime: null })
    await assert.rejects(c.checkEncryptedData(''), TypeError)
    await assert.rejects(c.checkEncryptedData(Buffer.from('x')), TypeError)
  })

  test('the simulator answers checkencryptedmsg\'s errcodes: 44002 empty, 47001 not JSON, 40097 bad hash, 41001 no token', async () => {
    const token = await c.getAccessToken()
    const post = async (body, t = token) => {
      const res = await fetch(`${sim.url}/wxa/business/checkencryptedmsg${t ? `?access_token=${t}` : ''}`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) })
      return (await res.json()).errcode
    }
    assert.equal(await post(''), 44002)
    assert.equal(await post('{"encrypted_msg_hash":""}'), 44002)
    assert.equal(await post('{not json'), 47001)
    assert.equal(await post('{"encrypted_msg_hash":"abc"}'), 40097)
    assert.equal(await post(JSON.stringify({ encrypted_msg_hash: DOC_HASH })), 1)
    assert.equal(await post(JSON.stringify({ encrypted_msg_hash: DOC_HASH }), ''), 41001)
  })

  test('resetUserSessionKey: a new session_key; the old one stops working, data is encrypted under the new one', async () => {
    const { code, openid } = sim.login()
    const { session_key: old } = await c.code2Session(code)
    sent.length = 0
    const res = await c.resetUserSessionKey(openid, old)
    assert.deepEqual(Object.keys(res), ['openid', 'session_key'])
    assert.equal(res.openid, openid)
    assert.equal(Buffer.from(res.session_key, 'base64').length, 16)
    assert.notEqual(res.session_key, old)
    assert.equal(res.session_key, sim.sessionKey(openid))
    const req = sent.find((s) => s.url.includes('/wxa/resetusersessionkey'))
    assert.equal(req.method, 'GET')
    const q = new URL(req.url).searchParams
    assert.equal(q.get('signature'), crypto.createHmac('sha256', old).update('').digest('hex'))
    assert.equal(q.get('sig_method'), 'hmac_sha256')
    assert.equal(await c.checkSessionKey(openid, old), false)
    assert.equal(await c.checkSessionKey(openid, res.session_key), true)
    const d = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    assert.equal(new WXBizDataCrypt(APP_ID, res.session_key).decryptData(d.encryptedData, d.iv).phoneNumber, '13800138000')
    // The old key cannot reset again: 87009, and the key is in no error.
    const err = await c.resetUserSessionKey(openid, old).catch((e) => e)
    assert.ok(err instanceof WeChatApiError)
    assert.equal(err.errcode, 87009)
    assert.match(err.hint, /session_key/)
    for (const s of [err.message, util.inspect(err), JSON.stringify(err)]) assert.ok(!s.includes(old) && !s.includes(SECRET), s)
    await assert.rejects(c.resetUserSessionKey('oNobody', old), { errcode: 40003 })
    await assert.rejects(c.resetUserSessionKey(openid, ''), TypeError)
  })

  test('getUserEncryptKey: the last 3 keys, newest first, each living 3600 s; everything in the query, no body', async () => {
    const { code, openid } = sim.login()
    const { session_key: key } = await c.code2Session(code)
    sent.length = 0
    const t0 = Math.floor(clock / 1000)
    const first = await c.getUserEncryptKey(openid, key)
    assert.equal(first.length, 1)
    assert.deepEqual(Object.keys(first[0]).sort(), ['create_time', 'encrypt_key', 'expire_in', 'iv', 'version'])
    assert.equal(Buffer.from(first[0].encrypt_key, 'base64').length, 16)
    assert.match(first[0].iv, /^[0-9a-f]{16}$/)
    assert.deepEqual([first[0].version, first[0].expire_in, first[0].create_time], [1, 3600, t0])
    const req = sent.find((s) => s.url.includes('/wxa/business/getuserencryptkey'))
    assert.equal(req.method, 'POST')
    assert.equal(req.body, undefined)
    assert.deepEqual([...new URL(req.url).searchParams.keys()].sort(), ['access_token', 'openid', 'sig_method', 'signature'])

    clock += 1000 * 1000
    const same = await c.getUserEncryptKey(openid, key)
    assert.deepEqual(same.map((k) => [k.version, k.expire_in]), [[1, 2600]])
    for (let i = 0; i < 3; i++) {
      clock += 3600 * 1000
      await c.getUserEncryptKey(openid, key)
    }
    const list = await c.getUserEncryptKey(openid, key)
    assert.deepEqual(list.map((k) => k.version), [4, 3, 2])
    assert.deepEqual(list.map((k) => k.expire_in), [3600, 0, 0])
    assert.ok(list[0].create_time > list[1].create_time && list[1].create_time > list[2].create_time)

    sim.login({ openid }) // the session_key changes: the old one is refused
    await assert.rejects(c.getUserEncryptKey(openid, key), { errcode: 87009 })
    // WeChat's quirk, simulated: any request body (even {}) is answered with 87009.
    const token = await c.getAccessToken()
    const sig = crypto.createHmac('sha256', sim.sessionKey(openid)).update('').digest('hex')
    const url = `${sim.url}/wxa/business/getuserencryptkey?access_token=${token}&openid=${openid}&signature=${sig}&sig_method=hmac_sha256`
    const withBody = await (await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(10_000) })).json()
    assert.equal(withBody.errcode, 87009)
    const without = await (await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) })).json()
    assert.equal(without.errcode, 0)
    assert.deepEqual(without.key_info_list.map((k) => k.version), [4, 3, 2])
  })

  test('the three APIs refresh a revoked access token once, like the others', async () => {
    const { code, openid } = sim.login()
    const { session_key: key } = await c.code2Session(code)
    const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    for (const call of [() => c.checkEncryptedData(phone.encryptedData), () => c.getUserEncryptKey(openid, key)]) {
      sim.revokeTokens()
      const before = sim.stats().tokenRequests
      await call()
      assert.equal(sim.stats().tokenRequests - before, 1)
    }
    const s = sim.stats()
    assert.ok(s.checkEncryptedRequests > 0 && s.resetSessionKeyRequests > 0 && s.encryptKeyRequests > 0)
  })
})

// ---------------------------------------------------------------------------------------------

async function post(base, route, body, token) {
  const headers = { 'content-type': 'application/json' }
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) })
  return { status: res.status, body: await res.json() }
}

describe('the tutorials\' one-call route: POST /token {code, encryptedData, iv} on the Koa demo', TIMEOUT, () => {
  let sim
  let server
  let base
  const entries = []
  before(async () => {
    sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    const { createApp } = require(path.join(root, 'examples', 'koa', 'app.js'))
    const push = (level) => (e) => entries.push({ level, ...e })
    server = createApp({ wechat: { appId: APP_ID, secret: SECRET, baseUrl: sim.url }, logger: { info: push('info'), warn: push('warn'), error: push('error') } }).listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    base = `http://127.0.0.1:${server.address().port}`
  })
  after(async () => {
    await new Promise((r) => {
      server.close(r)
      server.closeAllConnections()
    })
    await sim.close()
  })

  const phone = (openid) => sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })

  test('wx.login BEFORE getPhoneNumber: the phone number and openid in one call, and a session token', async () => {
    const { code, openid } = sim.login() // 1. wx.login
    const d = phone(openid) // 2. the getPhoneNumber button (encrypted under that login's key)
    const res = await post(base, '/token', { code, encryptedData: d.encryptedData, iv: d.iv })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(Object.keys(res.body), ['token', 'openid', 'phoneNumber', 'purePhoneNumber', 'countryCode'])
    assert.deepEqual({ ...res.body, token: undefined }, { token: undefined, openid, phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    // The token is 32 random bytes, not md5(openid) (which anyone who knows the openid can compute).
    assert.match(res.body.token, /^[0-9a-f]{64}$/)
    assert.notEqual(res.body.token.slice(0, 32), crypto.createHash('md5').update(openid).digest('hex'))
    // It is a session: the phone code flow works with it.
    const p = await post(base, '/phone', { code: sim.phoneNumberCode(openid, '13900139000') }, res.body.token)
    assert.deepEqual([p.status, p.body], [200, { phoneNumber: '13900139000', purePhoneNumber: '13900139000', countryCode: '86' }])
    // A second login of the same user: another random token.
    const again = sim.login({ openid })
    const res2 = await post(base, '/token', { code: again.code, ...(({ encryptedData, iv }) => ({ encryptedData, iv }))(phone(openid)) })
    assert.equal(res2.status, 200)
    assert.notEqual(res2.body.token, res.body.token)
    assert.ok(!JSON.stringify(entries).includes(sim.sessionKey(openid)))
  })

  test('wx.login AFTER getPhoneNumber (the order several tutorials use): -41003, and the log names session_key_mismatch', async () => {
    const { openid } = sim.login() // an earlier session of this user
    const d = phone(openid) // getPhoneNumber: encrypted under the current session_key
    const { code } = sim.login({ openid }) // then wx.login: WeChat issues a new session_key
    const mark = entries.length
    const res = await post(base, '/token', { code, encryptedData: d.encryptedData, iv: d.iv })
    assert.deepEqual([res.status, res.body], [400, { errcode: -41003, errmsg: 'decrypt failed' }])
    const entry = entries.slice(mark).find((e) => e.event === 'decrypt_failed')
    assert.ok(entry, JSON.stringify(entries.slice(mark)))
    assert.deepEqual([entry.level, entry.route, entry.openid, entry.errcode], ['warn', '/token', openid, -41003])
    if (hasDiagnose) assert.equal(entry.cause, 'session_key_mismatch')
    else assert.equal(entry.cause, undefined)
    // The code was used; nothing was stored for this failed login.
    assert.ok(!entries.slice(mark).some((e) => e.event === 'login'))
  })

  test('bad requests: missing fields 40035, a used code 40029', async () => {
    const { code, openid } = sim.login()
    const d = phone(openid)
    for (const body of [{}, { code }, { code, encryptedData: d.encryptedData }, { code, encryptedData: 1, iv: d.iv }]) {
      const res = await post(base, '/token', body)
      assert.equal(res.status, 400)
      assert.equal(res.body.errcode, 40035)
    }
    assert.equal((await post(base, '/token', { code, encryptedData: d.encryptedData, iv: d.iv })).status, 200)
    const reused = await post(base, '/token', { code, encryptedData: d.encryptedData, iv: d.iv })
    assert.deepEqual([reused.status, reused.body], [400, { errcode: 40029, errmsg: 'invalid code' }])
  })

  test('a session store that fails: 503 with the uniform body, the cause in the log', async () => {
    const { createApp } = require(path.join(root, 'examples', 'koa', 'app.js'))
    const down = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const logs = []
    const log = (e) => logs.push(e)
    const app = createApp({ wechat: { appId: APP_ID, secret: SECRET, baseUrl: sim.url }, logger: { info: log, warn: log, error: log }, store: { get: down, set: down, delete: down } })
    const srv = app.listen(0, '127.0.0.1')
    await new Promise((r) => srv.once('listening', r))
    try {
      const b = `http://127.0.0.1:${srv.address().port}`
      const want = [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }]
      const login = await post(b, '/login', { code: sim.login().code })
      assert.deepEqual([login.status, login.body], want)
      const ph = await post(b, '/phone', { encryptedData: 'AAAA', iv: 'AAAA' }, 'a'.repeat(64))
      assert.deepEqual([ph.status, ph.body], want)
      assert.ok(logs.some((e) => e.event === 'session_store_unavailable' && e.code === 'ESTORE_UNAVAILABLE'))
      assert.ok(!logs.some((e) => e.event === 'internal_error'))
    } finally {
      await new Promise((r) => {
        srv.close(r)
        srv.closeAllConnections()
      })
    }
  })
})
