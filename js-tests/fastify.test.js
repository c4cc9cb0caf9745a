'use strict'
// wxcrypt/fastify through fastify.inject: the README's example (examples/fastify/app.js) against the
// simulator, the decorators, push with the raw body (JSON and XML, safe and plain mode), the error
// answers (httpAnswer), and the plugin's metadata (fastify-plugin: name, version range).
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const Fastify = require('fastify')
const { root } = require('./support/wxcrypt.js')
const WXBizDataCrypt = require(path.join(root, 'npm', 'wxcrypt'))
const wxcrypt = require(path.join(root, 'npm', 'wxcrypt', 'fastify.js'))
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { WeChatClient, StoreError } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))
const { createApp } = require(path.join(root, 'examples', 'fastify', 'app.js'))

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'f'.repeat(32)
const TOKEN = 'push-token'
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const mc = new WXBizDataCrypt.WXBizMsgCrypt(TOKEN, AES_KEY, APP_ID)

function captureLogger() {
  const entries = []
  return { entries, logger: { info: (e) => entries.push(e), warn: (e) => entries.push(e) } }
}

/** A safe-mode push: the query and the envelope (json or xml) as WeChat sends them. */
function safePush(msg, format) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = '12345'
  const body = mc.encryptMsg(msg, timestamp, nonce, format)
  const msgSignature = format === 'json' ? JSON.parse(body).MsgSignature : /<MsgSignature><!\[CDATA\[([0-9a-f]+)/.exec(body)[1]
  const query = new URLSearchParams({ signature: WXBizDataCrypt.urlSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oUser', encrypt_type: 'aes', msg_signature: msgSignature })
  return { url: `/wechat/push?${query}`, body, type: format === 'json' ? 'application/json' : 'application/xml', timestamp, nonce }
}

describe('wxcrypt/fastify: the README example (examples/fastify/app.js) via inject', () => {
  let sim
  let app
  let log
  before(async () => {
    sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    log = captureLogger()
    app = await createApp({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, push: { token: TOKEN, encodingAESKey: AES_KEY }, logger: log.logger })
  })
  after(async () => {
    await app.close()
    await sim.close()
  })

  async function login() {
    const { code, openid } = sim.login()
    const res = await app.inject({ method: 'POST', url: '/login', payload: { code } })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().openid, openid)
    assert.match(res.json().token, /^[0-9a-f]{64}$/)
    return { token: res.json().token, openid, code }
  }

  test('login -> phone (encryptedData and the newer code); the decorators', async () => {
    assert.ok(app.wechat instanceof WeChatClient)
    assert.equal(typeof app.wxSessions.get, 'function')
    assert.equal(app.wxcrypt.sessions, app.wxSessions)
    const { token, openid } = await login()
    assert.equal((await app.wxSessions.get(token)).openid, openid)
    const d = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    const auth = { authorization: `Bearer ${token}` }
    const p = await app.inject({ method: 'POST', url: '/phone', headers: auth, payload: { encryptedData: d.encryptedData, iv: d.iv } })
    assert.deepEqual([p.statusCode, p.json()], [200, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' }])
    const byCode = await app.inject({ method: 'POST', url: '/phone', headers: auth, payload: { code: sim.phoneNumberCode(openid, '13900139000') } })
    assert.equal(byCode.statusCode, 200, byCode.body)
    assert.equal(byCode.json().phoneNumber, '13900139000')
  })

  test('the documented answers: 400 40035, 400 40029 (hint logged), 401 40101, -41003 (diagnose logged)', async () => {
    const none = await app.inject({ method: 'POST', url: '/login', payload: {} })
    assert.deepEqual([none.statusCode, none.json()], [400, { errcode: 40035, errmsg: 'invalid code' }])
    const { token, openid, code } = await login()
    const again = await app.inject({ method: 'POST', url: '/login', payload: { code } })
    assert.deepEqual([again.statusCode, again.json()], [400, { errcode: 40029, errmsg: 'invalid code' }])
    assert.match(log.entries.find((e) => e.event === 'wechat_api_error' && e.errcode === 40029).hint, /single use/)
    for (const authorization of [undefined, 'Bearer ' + 'f'.repeat(64), 'Bearer nope']) {
      const res = await app.inject({ method: 'POST', url: '/phone', headers: authorization ? { authorization } : {}, payload: {} })
      assert.deepEqual([res.statusCode, res.json()], [401, { errcode: 40101, errmsg: 'invalid or missing session token' }])
    }
    const missing = await app.inject({ method: 'POST', url: '/phone', headers: { authorization: `Bearer ${token}` }, payload: { iv: 'x' } })
    assert.deepEqual([missing.statusCode, missing.json()], [400, { errcode: 40035, errmsg: 'invalid encryptedData' }])
    sim.login({ openid }) // a second wx.login: the session_key the server holds is stale
    const d = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    const stale = await app.inject({ method: 'POST', url: '/phone', headers: { authorization: `Bearer ${token}` }, payload: { encryptedData: d.encryptedData, iv: d.iv } })
    assert.deepEqual([stale.statusCode, stale.json()], [400, { errcode: -41003, errmsg: 'decrypt failed' }])
    const entry = log.entries.find((e) => e.event === 'decrypt_failed')
    assert.equal(entry.openid, openid)
    assert.ok(!JSON.stringify(log.entries).includes(sim.sessionKey(openid)))
  })

  test('push: URL verification, safe mode in JSON and XML (raw body, encrypted reply), refusals as text', async () => {
    const ts = '1714036504'
    const verify = await app.inject({ method: 'GET', url: `/wechat/push?${new URLSearchParams({ signature: WXBizDataCrypt.urlSignature(TOKEN, ts, '1'), timestamp: ts, nonce: '1', echostr: 'hello' })}` })
    assert.deepEqual([verify.statusCode, verify.body], [200, 'hello'])

    const text = { ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: 1, MsgType: 'text', Content: 'hi' }
    const json = safePush(text, 'json')
    const r = await app.inject({ method: 'POST', url: json.url, headers: { 'content-type': json.type }, payload: json.body })
    assert.equal(r.statusCode, 200, r.body)
    assert.match(r.headers['content-type'], /^application\/json/)
    const reply = JSON.parse(mc.decryptMsg(JSON.parse(r.body).MsgSignature, json.timestamp, json.nonce, r.body))
    assert.deepEqual(reply, { touser: 'oUser', msgtype: 'text', text: { content: 'got it' } })

    const xml = safePush('<xml><ToUserName>gh_x</ToUserName><MsgType>event</MsgType><Event>x</Event></xml>', 'xml')
    const rx = await app.inject({ method: 'POST', url: xml.url, headers: { 'content-type': xml.type }, payload: xml.body })
    assert.deepEqual([rx.statusCode, rx.body], [200, 'success'])

    const forged = await app.inject({ method: 'POST', url: json.url.replace(/signature=[0-9a-f]+/, 'signature=' + '0'.repeat(40)), headers: { 'content-type': json.type }, payload: json.body })
    assert.deepEqual([forged.statusCode, forged.body, forged.headers['content-type']], [401, 'invalid signature', 'text/plain; charset=utf-8'])
    const tampered = await app.inject({ method: 'POST', url: json.url, headers: { 'content-type': json.type }, payload: json.body.replace(/"Encrypt":"(.)/, (_, c) => `"Encrypt":"${c === 'A' ? 'B' : 'A'}`) })
    assert.equal(tampered.statusCode, 401)
  })
})

describe('wxcrypt/fastify: the plugin', () => {
  test('fastify-plugin metadata: name and fastify range; the decorators reach the app', async () => {
    assert.equal(wxcrypt[Symbol.for('plugin-meta')].name, 'wxcrypt')
    assert.equal(wxcrypt[Symbol.for('plugin-meta')].fastify, '5.x')
    assert.equal(wxcrypt[Symbol.for('skip-override')], true)
    assert.equal(wxcrypt.default, wxcrypt)
    const app = Fastify()
    await app.register(wxcrypt, { appId: APP_ID, secret: SECRET })
    assert.ok(app.hasDecorator('wechat') && app.hasDecorator('wxSessions') && app.hasDecorator('wxcrypt') && app.hasDecorator('wxPush'))
    assert.ok(app.hasRequestDecorator('wxSession'))
    assert.throws(() => app.wxPush('/p', () => {}), /push options/)
    await app.close()
  })

  test('bad options are TypeErrors (lib/args.js); a store that fails answers 503 and logs its code', async () => {
    await assert.rejects(async () => Fastify().register(wxcrypt, { appId: APP_ID, secret: SECRET, logger: {} }).ready(), { code: 'ERR_INVALID_ARG_TYPE' })
    await assert.rejects(async () => Fastify().register(wxcrypt, { appId: APP_ID, secret: SECRET, store: 'redis://' }).ready(), { code: 'ERR_INVALID_ARG_TYPE' })
    const down = () => Promise.reject(new Error('ECONNREFUSED'))
    const log = captureLogger()
    const app = Fastify()
    await app.register(wxcrypt, { appId: APP_ID, secret: SECRET, store: { get: down, set: down, delete: down }, logger: log.logger })
    app.get('/me', { preHandler: app.wxcrypt.authenticate }, (req) => ({ openid: req.wxSession.openid }))
    app.get('/boom', () => {
      throw new Error('not wxcrypt')
    })
    const res = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer ' + 'a'.repeat(64) } })
    assert.deepEqual([res.statusCode, res.json()], [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }])
    assert.ok(log.entries.some((e) => e.event === 'session_store_unavailable' && /^ESTORE_/.test(e.code)))
    // Any other error: fastify's own handler, as before the plugin.
    const boom = await app.inject({ method: 'GET', url: '/boom' })
    assert.equal(boom.statusCode, 500)
    assert.equal(boom.json().message, 'not wxcrypt')
    assert.ok(StoreError)
    await app.close()
  })

  test('errorHandler: false leaves the app\'s error handler alone; answer() maps for it', async () => {
    const app = Fastify()
    await app.register(wxcrypt, { appId: APP_ID, secret: SECRET, errorHandler: false })
    app.setErrorHandler((err, req, reply) => {
      const a = app.wxcrypt.answer(err, req.url)
      reply.code(a ? a.status : 500).send({ mine: true, ...(a && a.body) })
    })
    app.get('/me', { preHandler: app.wxcrypt.authenticate }, () => 'never')
    const res = await app.inject({ method: 'GET', url: '/me' })
    assert.deepEqual([res.statusCode, res.json()], [401, { mine: true, errcode: 40101, errmsg: 'invalid or missing session token' }])
    await app.close()
  })
})
