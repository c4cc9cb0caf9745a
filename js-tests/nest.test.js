'use strict'
// wxcrypt/nest with @nestjs/testing, over HTTP on both platform adapters (Express, Fastify):
// forRootAsync from a ConfigService, the providers (WeChatClient, WXCRYPT_SESSIONS,
// WxcryptService), the guard and @WxSession, the exception filter (httpAnswer), @WxPush with JSON
// and XML bodies; and the README's module (examples/nest/src/app.module.ts) booted as written.
// examples/nest is compiled with the repo's tsc (login.test.js drives its routes).
require('reflect-metadata')
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { Controller, Get, Inject, Injectable, Module } = require('@nestjs/common')
const { Test } = require('@nestjs/testing')
const { FastifyAdapter } = require('@nestjs/platform-fastify')
const { root } = require('./support/wxcrypt.js')
const WXBizDataCrypt = require(path.join(root, 'npm', 'wxcrypt'))
const nest = require(path.join(root, 'npm', 'wxcrypt', 'nest.js'))
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { WeChatClient } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))

const { WxcryptModule, WxcryptService, WXCRYPT_SESSIONS, WxAuth, WxSession } = nest
const TIMEOUT = { timeout: 120_000 }
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'e'.repeat(32)
const TOKEN = 'push-token'
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const mc = new WXBizDataCrypt.WXBizMsgCrypt(TOKEN, AES_KEY, APP_ID)
const nestDir = path.join(root, 'examples', 'nest')

function safePush(msg, format) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = '777'
  const body = mc.encryptMsg(msg, timestamp, nonce, format)
  const msgSignature = format === 'json' ? JSON.parse(body).MsgSignature : /<MsgSignature><!\[CDATA\[([0-9a-f]+)/.exec(body)[1]
  const query = new URLSearchParams({ signature: WXBizDataCrypt.urlSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oUser', encrypt_type: 'aes', msg_signature: msgSignature })
  return { url: `/wechat/push?${query}`, body, type: format === 'json' ? 'application/json' : 'application/xml', timestamp, nonce }
}

async function call(base, method, route, body, headers = {}) {
  const json = body !== undefined && typeof body !== 'string'
  const res = await fetch(base + route, {
    method,
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
    body: json ? JSON.stringify(body) : body,
  })
  const text = await res.text()
  let parsed
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = text
  }
  return { status: res.status, type: res.headers.get('content-type') || '', body: parsed, text }
}

// A ConfigModule of the shape of @nestjs/config's: what forRootAsync reads its options from.
class ConfigService {
  constructor() {
    this.values = {}
  }
  get(key) {
    return this.values[key]
  }
}
Injectable()(ConfigService)
class ConfigModule {}
Module({ providers: [ConfigService], exports: [ConfigService] })(ConfigModule)

// A controller in plain JS, on the injected providers.
class ProvidersController {
  constructor(client, sessions, wx) {
    this.client = client
    this.sessions = sessions
    this.wx = wx
  }
  me(session) {
    return { openid: session.openid, hasKey: typeof session.sessionKey === 'string', sameSessions: this.sessions === this.wx.sessions, client: this.client instanceof WeChatClient }
  }
}
Inject(WeChatClient)(ProvidersController, undefined, 0)
Inject(WXCRYPT_SESSIONS)(ProvidersController, undefined, 1)
Inject(WxcryptService)(ProvidersController, undefined, 2)
WxSession()(ProvidersController.prototype, 'me', 0)
const me = Object.getOwnPropertyDescriptor(ProvidersController.prototype, 'me')
Get('me')(ProvidersController.prototype, 'me', me)
WxAuth()(ProvidersController.prototype, 'me', me)
Controller()(ProvidersController)

for (const platform of ['express', 'fastify']) {
  describe(`wxcrypt/nest on the ${platform} platform (@nestjs/testing, over HTTP)`, TIMEOUT, () => {
    let sim
    let app
    let moduleRef
    let base
    const entries = []
    before(async () => {
      execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', nestDir], { stdio: 'pipe', timeout: 120_000 })
      const { AuthController } = require(path.join(nestDir, 'dist', 'auth.controller.js'))
      sim = await createSimulator({ appId: APP_ID, secret: SECRET })
      const logger = { info: (e) => entries.push(e), warn: (e) => entries.push(e) }
      moduleRef = await Test.createTestingModule({
        imports: [
          WxcryptModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (config) => {
              Object.assign(config.values, { WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WX_TOKEN: TOKEN, WX_AES_KEY: AES_KEY })
              return {
                appId: config.get('WECHAT_APPID'),
                secret: config.get('WECHAT_SECRET'),
                baseUrl: sim.url,
                push: { token: config.get('WX_TOKEN'), encodingAESKey: config.get('WX_AES_KEY') },
                logger,
              }
            },
          }),
        ],
        controllers: [AuthController, ProvidersController],
      }).compile()
      app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false })
      await app.listen(0, '127.0.0.1')
      base = (await app.getUrl()).replace('[::1]', '127.0.0.1')
    })
    after(async () => {
      if (app) await app.close()
      if (sim) await sim.close()
    })

    test('the providers: WeChatClient, WXCRYPT_SESSIONS and WxcryptService, from the ConfigService', () => {
      const client = moduleRef.get(WeChatClient)
      assert.ok(client instanceof WeChatClient)
      assert.equal(client.appId, APP_ID)
      assert.equal(client.baseUrl, sim.url)
      const wx = moduleRef.get(WxcryptService)
      assert.equal(moduleRef.get(WXCRYPT_SESSIONS), wx.sessions)
      assert.equal(wx.client, client)
    })

    test('login -> @WxSession on a JS controller -> phone -> user; a session as wxcrypt/client stores it', async () => {
      const { code, openid } = sim.login()
      const login = await call(base, 'POST', '/login', { code })
      assert.equal(login.status, 200, login.text)
      const auth = { authorization: `Bearer ${login.body.token}` }
      assert.deepEqual((await moduleRef.get(WXCRYPT_SESSIONS).get(login.body.token)).openid, openid)
      const who = await call(base, 'GET', '/me', undefined, auth)
      assert.deepEqual([who.status, who.body], [200, { openid, hasKey: true, sameSessions: true, client: true }])
      const d = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const phone = await call(base, 'POST', '/phone', { encryptedData: d.encryptedData, iv: d.iv }, auth)
      assert.deepEqual([phone.status, phone.body], [200, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' }])
      const byCode = await call(base, 'POST', '/phone', { code: sim.phoneNumberCode(openid, '13900139000') }, auth)
      assert.equal(byCode.body.phoneNumber, '13900139000')
      // A payload that names another user fails like any other (expectOpenId: -41006), the cause logged.
      const other = sim.userData(openid, { openId: 'oSomeoneElse', nickName: 'x' })
      const u = await call(base, 'POST', '/user', other, auth)
      assert.deepEqual([u.status, u.body], [400, { errcode: -41006, errmsg: 'decrypt failed' }])
      assert.ok(entries.some((e) => e.event === 'decrypt_failed' && e.errcode === -41006 && e.openid === openid))
      assert.ok(!JSON.stringify(entries).includes(sim.sessionKey(openid)))
    })

    test('refusals: 400 40035 without a code, 401 40101 without a session, 400 40029 for a used code', async () => {
      const none = await call(base, 'POST', '/login', {})
      assert.deepEqual([none.status, none.body], [400, { errcode: 40035, errmsg: 'invalid code' }])
      for (const route of ['/phone', '/user']) {
        const res = await call(base, 'POST', route, {}, { authorization: 'Bearer nope' })
        assert.deepEqual([res.status, res.body], [401, { errcode: 40101, errmsg: 'invalid or missing session token' }])
      }
      const { code } = sim.login()
      await call(base, 'POST', '/login', { code })
      const again = await call(base, 'POST', '/login', { code })
      assert.deepEqual([again.status, again.body], [400, { errcode: 40029, errmsg: 'invalid code' }])
    })

    test('@WxPush: URL verification, safe mode in JSON and in XML, the encrypted reply; refusals as text', async () => {
      const ts = '1714036504'
      const q = new URLSearchParams({ signature: WXBizDataCrypt.urlSignature(TOKEN, ts, '1'), timestamp: ts, nonce: '1', echostr: 'echo-me' })
      const verify = await call(base, 'GET', `/wechat/push?${q}`)
      assert.deepEqual([verify.status, verify.text], [200, 'echo-me'])

      const json = safePush({ ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: 1, MsgType: 'text', Content: 'hi' }, 'json')
      const r = await call(base, 'POST', json.url, json.body, { 'content-type': json.type })
      assert.equal(r.status, 200, r.text)
      assert.match(r.type, /^application\/json/)
      assert.deepEqual(JSON.parse(mc.decryptMsg(r.body.MsgSignature, json.timestamp, json.nonce, r.text)), { touser: 'oUser', msgtype: 'text', text: { content: 'got it' } })

      const xml = safePush('<xml><ToUserName><![CDATA[gh_x]]></ToUserName><MsgType><![CDATA[event]]></MsgType></xml>', 'xml')
      const rx = await call(base, 'POST', xml.url, xml.body, { 'content-type': xml.type })
      assert.deepEqual([rx.status, rx.text], [200, 'success'])

      const forged = await call(base, 'POST', json.url.replace(/signature=[0-9a-f]+/, 'signature=' + '0'.repeat(40)), json.body, { 'content-type': json.type })
      assert.deepEqual([forged.status, forged.text], [401, 'invalid signature'])
      assert.match(forged.type, /^text\/plain/)
      const noSig = await call(base, 'GET', '/wechat/push')
      assert.deepEqual([noSig.status, noSig.text], [401, 'missing signature'])
    })
  })
}

describe('the README module (examples/nest/src/app.module.ts), as written, from the environment', TIMEOUT, () => {
  let sim
  let AppModule
  const saved = { ...process.env }
  before(async () => {
    sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    // Read once, when the module's decorators run.
    Object.assign(process.env, { WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WECHAT_BASE_URL: sim.url, WX_TOKEN: TOKEN, WX_AES_KEY: AES_KEY })
    ;({ AppModule } = require(path.join(nestDir, 'dist', 'app.module.js')))
  })
  after(async () => {
    process.env = saved
    if (sim) await sim.close()
  })

  for (const platform of ['express', 'fastify']) {
    test(`boots on ${platform}: login, push URL verification`, async () => {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile()
      const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false })
      await app.listen(0, '127.0.0.1')
      try {
        const base = (await app.getUrl()).replace('[::1]', '127.0.0.1')
        const res = await call(base, 'POST', '/login', { code: sim.login().code })
        assert.equal(res.status, 200, res.text)
        const ts = '1714036504'
        const verify = await call(base, 'GET', `/wechat/push?${new URLSearchParams({ signature: WXBizDataCrypt.urlSignature(TOKEN, ts, '1'), timestamp: ts, nonce: '1', echostr: 'ok' })}`)
        assert.deepEqual([verify.status, verify.text], [200, 'ok'])
      } finally {
        await app.close()
      }
    })
  }
})

test('types: wxcrypt/nest and wxcrypt/fastify as a TypeScript consumer writes them (js-tests/types/adapters.cts)', TIMEOUT, () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = ['--noEmit', '--strict', '--experimentalDecorators', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', path.join(__dirname, 'types', 'adapters.cts')]
  try {
    execFileSync(process.execPath, [tsc, ...args], { stdio: 'pipe', timeout: 120_000, encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`)
  }
})

test('exceptionFilter: false: no global filter (wxcrypt errors reach your own), refusals still { errcode, errmsg }', TIMEOUT, async () => {
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
  const { AuthController } = require(path.join(nestDir, 'dist', 'auth.controller.js'))
  const moduleRef = await Test.createTestingModule({
    imports: [WxcryptModule.forRoot({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, logger: { info() {}, warn() {} }, exceptionFilter: false })],
    controllers: [AuthController],
  }).compile()
  const app = moduleRef.createNestApplication({ logger: false })
  await app.listen(0, '127.0.0.1')
  try {
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1')
    const none = await call(base, 'POST', '/login', {})
    assert.deepEqual([none.status, none.body], [400, { errcode: 40035, errmsg: 'invalid code' }])
    const unknown = await call(base, 'POST', '/login', { code: 'never-issued' })
    assert.equal(unknown.status, 500) // a WeChatApiError, and no filter to map it
  } finally {
    await app.close()
    await sim.close()
  }
})
