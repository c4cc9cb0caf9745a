'use strict'
// The Egg.js and Midway recipes (examples/egg, examples/midway), each booted in a child process
// (js-tests/support/framework-app.js) against the local WeChat simulator and called over HTTP:
// login, phone number (expectOpenId), message push (safe mode, JSON and XML: the raw body reaches
// wxcrypt/koa although both frameworks run a body parser), wxcrypt's errors through httpAnswer.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { wxcrypt, root } = require('./support/wxcrypt.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const PUSH_TOKEN = 'pushtoken123'
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const TIMEOUT = { timeout: 90_000 }

const installed = (name) => {
  try {
    require.resolve(name, { paths: [root] })
    return true
  } catch {
    return false
  }
}

/** Starts the example in a child process; resolves with { base, stop, output }. */
function boot(framework, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'support', 'framework-app.js'), framework], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const exited = new Promise((r) => child.once('exit', r))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
    }
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`${framework} did not start in 30 s:\n${output}`))
    }, 30_000)
    child.stderr.on('data', (d) => (output += d))
    child.stdout.on('data', (d) => {
      output += d
      const m = /listening (\d+) (\w+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ base: `http://127.0.0.1:${m[1]}`, backend: m[2], stop, output: () => output })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${framework} exited (${code}) before listening:\n${output}`))
    })
  })
}

async function call(base, method, pathAndQuery, body, headers = {}) {
  const res = await fetch(base + pathAndQuery, {
    method,
    body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, type: res.headers.get('content-type') || '', text, body: json }
}

const sha1 = (...parts) => crypto.createHash('sha1').update(parts.sort().join('')).digest('hex')

/** A safe-mode push as WeChat sends it: the query (signature, msg_signature) and the body. */
function safePush(message, format) {
  const mc = new wxcrypt.WXBizMsgCrypt(PUSH_TOKEN, AES_KEY, APP_ID)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(crypto.randomInt(1e9))
  const body = mc.encryptMsg(message, timestamp, nonce, format) // carries Encrypt (+ signature fields WeChat ignores)
  const encrypt = format === 'json' ? JSON.parse(body).Encrypt : /<Encrypt><!\[CDATA\[([^\]]+)/.exec(body)[1]
  const query = { signature: sha1(PUSH_TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oUser', encrypt_type: 'aes', msg_signature: sha1(PUSH_TOKEN, timestamp, nonce, encrypt) }
  return { query: '?' + new URLSearchParams(query), body, q: query, mc }
}

test('wxcrypt/koa mounted before a body parser: it reads the raw body, the parser then skips it', async () => {
  const Koa = require('koa')
  const { bodyParser } = require('@koa/bodyparser')
  const { listen, request } = require('./support/http.js')
  const koa = new Koa()
  koa.use(async (ctx, next) => (ctx.path === '/push' ? require(path.join(root, 'npm', 'wxcrypt', 'koa.js'))({ token: PUSH_TOKEN, encodingAESKey: AES_KEY, appId: APP_ID })(ctx, next) : next()))
  koa.use(bodyParser())
  koa.use((ctx) => {
    if (ctx.state.wechat) ctx.wechatReply({ got: ctx.state.wechat.message.Event, parsed: ctx.request.body === undefined ? 'no' : 'yes' })
    else ctx.body = { parsed: ctx.request.body }
  })
  const server = await listen(koa.callback())
  try {
    const xml = safePush('<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>', 'xml')
    let r = await request(server, 'POST', `/push${xml.query}`, xml.body, 'text/xml')
    assert.equal(r.status, 200, r.text)
    assert.equal(r.type, 'application/xml')
    const out = /<Encrypt><!\[CDATA\[([^\]]+)/.exec(r.text)
    assert.ok(out, r.text)
    const json = safePush(JSON.stringify({ MsgType: 'event', Event: 'user_enter_tempsession' }), 'json')
    r = await request(server, 'POST', `/push${json.query}`, json.body)
    assert.equal(r.status, 200, r.text)
    const reply = JSON.parse(r.text)
    assert.deepEqual(JSON.parse(json.mc.decryptMsg(reply.MsgSignature, reply.TimeStamp, reply.Nonce, r.text)), { got: 'user_enter_tempsession', parsed: 'no' })
    // Other routes keep their body parser.
    r = await request(server, 'POST', '/other', '{"a":1}')
    assert.deepEqual([r.status, JSON.parse(r.text)], [200, { parsed: { a: 1 } }])
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

for (const framework of ['egg', 'midway']) {
  const dep = framework === 'egg' ? 'egg' : '@midwayjs/koa'
  describe(`examples/${framework}: login, phone number and message push over HTTP`, { ...TIMEOUT, skip: !installed(dep) && `${dep} is not installed` }, () => {
    let sim
    let app
    let tmp
    before(async () => {
      sim = await createSimulator({ appId: APP_ID, secret: SECRET })
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `wxcrypt-${framework}-`))
      app = await boot(framework, {
        WECHAT_APPID: APP_ID,
        WECHAT_SECRET: SECRET,
        WECHAT_BASE_URL: sim.url,
        WECHAT_PUSH_TOKEN: PUSH_TOKEN,
        WECHAT_AES_KEY: AES_KEY,
        PORT: '0',
        EGG_LOG_DIR: path.join(tmp, 'logs'),
        EGG_RUN_DIR: path.join(tmp, 'run'),
      })
    })
    after(async () => {
      if (app) await app.stop()
      if (sim) await sim.close()
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
    })

    async function login(openid) {
      const { code, openid: id } = sim.login({ openid })
      const res = await call(app.base, 'POST', '/api/login', { code })
      assert.equal(res.status, 200, res.text)
      assert.match(res.body.token, /^[0-9a-f]{64}$/)
      assert.equal(res.body.openid, id)
      return { token: res.body.token, openid: id }
    }

    test('login, then the phone number decrypted with the session key', async () => {
      assert.equal(app.backend, wxcrypt.backend) // WXCRYPT_BACKEND reaches the child
      const { token, openid } = await login()
      const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const res = await call(app.base, 'POST', '/api/phone', { encryptedData: phone.encryptedData, iv: phone.iv }, { authorization: `Bearer ${token}` })
      assert.equal(res.status, 200, res.text)
      assert.deepEqual(res.body, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
    })

    test("wxcrypt's errors answer through httpAnswer: 40029, -41006, -41003; no session 401", async () => {
      const { code } = sim.login()
      assert.equal((await call(app.base, 'POST', '/api/login', { code })).status, 200)
      const again = await call(app.base, 'POST', '/api/login', { code })
      assert.deepEqual([again.status, again.body], [400, { errcode: 40029, errmsg: 'invalid code' }])

      const { token, openid } = await login()
      const auth = { authorization: `Bearer ${token}` }
      // Data naming another user (expectOpenId), then a stale session_key after a second wx.login.
      const other = sim.userData(openid, { openId: 'oSomeoneElse', phoneNumber: '13900139000' })
      const a = await call(app.base, 'POST', '/api/phone', { encryptedData: other.encryptedData, iv: other.iv }, auth)
      assert.deepEqual([a.status, a.body], [400, { errcode: -41006, errmsg: 'decrypt failed' }])
      sim.login({ openid })
      const stale = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const b = await call(app.base, 'POST', '/api/phone', { encryptedData: stale.encryptedData, iv: stale.iv }, auth)
      assert.deepEqual([b.status, b.body], [400, { errcode: -41003, errmsg: 'decrypt failed' }])

      const none = await call(app.base, 'POST', '/api/phone', { encryptedData: 'AAAA', iv: 'AAAA' })
      assert.deepEqual([none.status, none.body], [401, { errcode: 40101, errmsg: 'invalid or missing session token' }])
      sim.failNext('/sns/jscode2session', -1, 3)
      const busy = await call(app.base, 'POST', '/api/login', { code: sim.login().code })
      assert.deepEqual([busy.status, busy.body], [503, { errcode: -1, errmsg: 'wechat busy, retry later' }])
    })

    test('message push: URL verification, safe-mode JSON with an encrypted reply, safe-mode XML through the raw body', async () => {
      const ts = '1700000000'
      const nonce = '42'
      const get = await call(app.base, 'GET', `/wechat/push?${new URLSearchParams({ signature: sha1(PUSH_TOKEN, ts, nonce), timestamp: ts, nonce, echostr: 'echo-me' })}`)
      assert.deepEqual([get.status, get.text], [200, 'echo-me'])

      // JSON (the mini program's format): a text message gets an encrypted customer-service reply.
      const msg = { ToUserName: 'gh_97417a04a28d', FromUserName: 'oUser', CreateTime: 1700000000, MsgType: 'text', Content: 'hello', MsgId: 1 }
      const json = safePush(JSON.stringify(msg), 'json')
      const r = await call(app.base, 'POST', `/wechat/push${json.query}`, JSON.stringify({ ToUserName: msg.ToUserName, Encrypt: JSON.parse(json.body).Encrypt }))
      assert.equal(r.status, 200, r.text)
      assert.match(r.type, /^application\/json/)
      assert.deepEqual(Object.keys(r.body), ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'])
      assert.ok(wxcrypt.verifyMsgSignature(PUSH_TOKEN, r.body.TimeStamp, r.body.Nonce, r.body.Encrypt, r.body.MsgSignature))
      assert.deepEqual(JSON.parse(json.mc.decryptMsg(r.body.MsgSignature, r.body.TimeStamp, r.body.Nonce, r.text)), {
        touser: 'oUser',
        msgtype: 'text',
        text: { content: 'got it' },
      })

      // XML (official-account style, text/xml): the body parser must leave it to wxcrypt/koa.
      const xml = safePush('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>', 'xml')
      const x = await call(app.base, 'POST', `/wechat/push${xml.query}`, xml.body, { 'content-type': 'text/xml' })
      assert.deepEqual([x.status, x.text], [200, 'success'])

      // Tampering: a wrong URL signature, a wrong msg_signature.
      const bad = await call(app.base, 'POST', `/wechat/push?${new URLSearchParams({ ...json.q, signature: '0'.repeat(40) })}`, json.body)
      assert.deepEqual([bad.status, bad.text], [401, 'invalid signature'])
      const badMsg = await call(app.base, 'POST', `/wechat/push?${new URLSearchParams({ ...json.q, msg_signature: '0'.repeat(40) })}`, json.body)
      assert.deepEqual([badMsg.status, badMsg.text], [401, 'invalid message'])
      // The session key never reaches the process output.
      assert.ok(!app.output().includes(SECRET))
    })
  })
}
