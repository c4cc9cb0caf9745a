'use strict'
// The login kit: WeChatClient against the simulator (wxcrypt/simulator), and both examples
// (examples/koa, examples/nest) driven over HTTP on loopback through the whole mini-program login.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const util = require('node:util')
const { execFileSync } = require('node:child_process')
const { wxcrypt: WXBizDataCrypt, vectors, root } = require('./support/wxcrypt.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))

const { WeChatClient, WeChatApiError } = WXBizDataCrypt
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const TIMEOUT = { timeout: 60_000 }

// diagnose() is new: the examples log its cause when this build has it, else the errcode alone.
const band = vectors('wechat-vectors.json').data_crypt[0]
const hasDiagnose = (() => {
  if (typeof WXBizDataCrypt.prototype.diagnose !== 'function') return false
  try {
    return typeof new WXBizDataCrypt(band.appId, band.sessionKey).diagnose(band.encryptedData, band.iv).cause === 'string'
  } catch {
    return false
  }
})()

function captureLogger() {
  const entries = []
  const push = (level) => (e) => entries.push({ level, ...e })
  return { entries, logger: { info: push('info'), warn: push('warn'), error: push('error') } }
}

async function post(base, route, body, token) {
  const headers = { 'content-type': 'application/json' }
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: res.status, body: json }
}

// ---------------------------------------------------------------------------------------------
// WeChatClient against the simulator

describe('WeChatClient against the simulator', TIMEOUT, () => {
  let sim
  let now
  let clock
  before(async () => {
    clock = 1_800_000_000_000
    now = () => clock
    sim = await createSimulator({ appId: APP_ID, secret: SECRET, now })
  })
  after(() => sim.close())

  const client = (opts = {}) => new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, retryDelayMs: 1, now, ...opts })

  test('code2Session returns openid and the session_key of that login; unionid when there is one', async () => {
    const c = client()
    const { code, openid } = sim.login({ openid: 'oUser0000000000000000000001', unionid: 'oUnion000000000000000000001' })
    const res = await c.code2Session(code)
    assert.deepEqual(res, { openid: 'oUser0000000000000000000001', session_key: sim.sessionKey(openid), unionid: 'oUnion000000000000000000001' })
    assert.equal(Buffer.from(res.session_key, 'base64').length, 16)
    const other = sim.login()
    assert.deepEqual(Object.keys(await c.code2Session(other.code)), ['openid', 'session_key'])
  })

  test('a reused code and an unknown code: WeChatApiError 40029 with a hint; never the secret', async () => {
    const c = client()
    const { code } = sim.login()
    await c.code2Session(code)
    for (const bad of [code, 'no-such-code']) {
      const err = await c.code2Session(bad).then(() => assert.fail('resolved'), (e) => e)
      assert.ok(err instanceof WeChatApiError)
      assert.equal(err.name, 'WeChatApiError')
      assert.equal(err.errcode, 40029)
      assert.match(err.errmsg, /^invalid code, rid: [0-9a-f]{12}$/)
      assert.match(err.hint, /single use/)
      assert.equal(err.api, '/sns/jscode2session')
      assert.ok(!err.message.includes(SECRET) && !err.message.includes(bad) && !err.message.includes('?'), err.message)
      assert.ok(!util.inspect(err).includes(SECRET))
      assert.ok(!JSON.stringify(err).includes(SECRET))
    }
  })

  test('a code expires after 5 minutes', async () => {
    const c = client()
    const { code } = sim.login()
    clock += 5 * 60 * 1000
    await assert.rejects(c.code2Session(code), { errcode: 40029 })
  })

  test('a wrong secret is 40125 and a wrong appid 40013; neither error shows the secret', async () => {
    const wrong = 'WRONG-secret-0123456789'
    const e1 = await client({ secret: wrong }).code2Session(sim.login().code).catch((e) => e)
    assert.equal(e1.errcode, 40125)
    assert.match(e1.hint, /appsecret/)
    const e2 = await client({ appId: 'wx0000000000000000' }).getAccessToken().catch((e) => e)
    assert.equal(e2.errcode, 40013)
    for (const e of [e1, e2]) {
      for (const s of [e.message, util.inspect(e), JSON.stringify(e)]) {
        assert.ok(!s.includes(wrong) && !s.includes(SECRET), s)
      }
    }
  })

  test('the secret never shows in util.inspect, JSON or the enumerable properties of the client', () => {
    const c = client()
    for (const s of [util.inspect(c), util.inspect(c, { showHidden: true, depth: 5 }), JSON.stringify(c), Object.values(c).join(' ')]) {
      assert.ok(!s.includes(SECRET), s)
    }
    assert.match(util.inspect(c), /appId: "wx0123456789abcdef"/)
  })

  test('50 concurrent getAccessToken() calls make exactly one stable_token request', async () => {
    const s = await createSimulator({ appId: APP_ID, secret: SECRET })
    try {
      const c = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: s.url })
      const tokens = await Promise.all(Array.from({ length: 50 }, () => c.getAccessToken()))
      assert.equal(new Set(tokens).size, 1)
      assert.equal(s.stats().tokenRequests, 1)
      assert.equal(await c.getAccessToken(), tokens[0])
      assert.equal(s.stats().tokenRequests, 1)
    } finally {
      await s.close()
    }
  })

  test('the token is refreshed 5 minutes before it expires, once however many callers wait', async () => {
    const c = client()
    const before = sim.stats().tokenRequests
    const t1 = await c.getAccessToken()
    clock += (7200 - 301) * 1000 // 5 min + 1 s left: still cached
    assert.equal(await c.getAccessToken(), t1)
    assert.equal(sim.stats().tokenRequests, before + 1)
    clock += 2000 // 299 s left: refresh
    const t2s = await Promise.all(Array.from({ length: 10 }, () => c.getAccessToken()))
    assert.equal(sim.stats().tokenRequests, before + 2)
    assert.equal(new Set(t2s).size, 1)
    assert.notEqual(t2s[0], t1)
    // Both work meanwhile, as on WeChat.
    const { openid } = sim.login()
    assert.equal((await c.getPhoneNumber(sim.phoneNumberCode(openid, '13800138000'))).purePhoneNumber, '13800138000')
  })

  test('a short expires_in from the simulator: the token is reused within half its life and refreshed after', async () => {
    let t = 1_900_000_000_000
    const s = await createSimulator({ appId: APP_ID, secret: SECRET, expiresIn: 60, now: () => t })
    try {
      const c = new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: s.url, now: () => t })
      const a = await c.getAccessToken()
      t += 29_000
      assert.equal(await c.getAccessToken(), a)
      t += 2000
      const b = await c.getAccessToken()
      assert.notEqual(b, a)
      assert.equal(s.stats().tokenRequests, 2)
    } finally {
      await s.close()
    }
  })

  test('-1 (system busy) is retried: 2 busy answers then success; 3 busy answers fail with -1', async () => {
    const c = client()
    const { code, openid } = sim.login()
    const before = sim.stats().jscode2session
    sim.failNext('/sns/jscode2session', -1, 2)
    assert.equal((await c.code2Session(code)).openid, openid)
    assert.equal(sim.stats().jscode2session, before + 3)

    const again = sim.login()
    sim.failNext('/sns/jscode2session', -1, 3)
    const err = await c.code2Session(again.code).catch((e) => e)
    assert.equal(err.errcode, -1)
    assert.match(err.hint, /busy/)
    assert.equal(sim.stats().jscode2session, before + 6)
    // The code was never consumed: it still works.
    assert.equal((await c.code2Session(again.code)).openid, again.openid)
  })

  test('45011 and 40226 are not retried and carry their hints', async () => {
    const c = client()
    for (const [errcode, hint] of [
      [45011, /Rate limited/],
      [40226, /High-risk user/],
    ]) {
      const before = sim.stats().jscode2session
      sim.failNext('/sns/jscode2session', errcode, 1)
      const err = await c.code2Session(sim.login().code).catch((e) => e)
      assert.equal(err.errcode, errcode)
      assert.match(err.hint, hint)
      assert.equal(sim.stats().jscode2session, before + 1)
    }
  })

  test('getPhoneNumber returns phone_info, countryCode a number; a used phone code is 40029', async () => {
    const c = client()
    const { openid } = sim.login()
    const code = sim.phoneNumberCode(openid, '13800138000')
    const info = await c.getPhoneNumber(code, openid)
    assert.deepEqual(info, {
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: 86,
      watermark: { timestamp: Math.floor(clock / 1000), appid: APP_ID },
    })
    await assert.rejects(c.getPhoneNumber(code), { name: 'WeChatApiError', errcode: 40029 })
    const us = await c.getPhoneNumber(sim.phoneNumberCode(openid, '+1 2025550123'))
    assert.deepEqual([us.phoneNumber, us.purePhoneNumber, us.countryCode], ['+1 2025550123', '2025550123', 1])
  })

  test('an invalidated access token (40001) is refreshed once and the call succeeds', async () => {
    const c = client()
    const { openid } = sim.login()
    const t1 = await c.getAccessToken()
    sim.revokeTokens()
    const before = sim.stats().tokenRequests
    const calls = await Promise.all([
      c.getPhoneNumber(sim.phoneNumberCode(openid, '13800138001')),
      c.getPhoneNumber(sim.phoneNumberCode(openid, '13800138002')),
    ])
    assert.deepEqual(calls.map((p) => p.purePhoneNumber), ['13800138001', '13800138002'])
    assert.equal(sim.stats().tokenRequests, before + 1)
    assert.notEqual(await c.getAccessToken(), t1)
  })

  test('checkSessionKey: true for the current session_key, false for a stale one (87009)', async () => {
    const c = client()
    const { code, openid } = sim.login()
    const { session_key: first } = await c.code2Session(code)
    assert.equal(await c.checkSessionKey(openid, first), true)
    sim.login({ openid }) // wx.login again: a new session_key
    assert.equal(await c.checkSessionKey(openid, first), false)
    assert.equal(await c.checkSessionKey(openid, sim.sessionKey(openid)), true)
    await assert.rejects(c.checkSessionKey('oNobody', first), (e) => e.errcode === 40003 && !e.message.includes(first))
  })

  test('an unreachable API is a WeChatApiError with code ENETWORK and no URL or secret in it', async () => {
    const s = await createSimulator({ appId: APP_ID, secret: SECRET })
    const url = s.url
    await s.close()
    const err = await new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: url }).code2Session('abc').catch((e) => e)
    assert.ok(err instanceof WeChatApiError)
    assert.equal(err.errcode, null)
    assert.equal(err.code, 'ENETWORK')
    assert.ok(!err.message.includes(SECRET) && !err.message.includes('127.0.0.1') && !util.inspect(err).includes(SECRET))
  })

  test('a request that takes longer than timeoutMs: ETIMEDOUT', async () => {
    const never = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error(`aborted ${url}`))))
    const err = await client({ fetch: never, timeoutMs: 20 }).code2Session('abc').catch((e) => e)
    assert.equal(err.code, 'ETIMEDOUT')
    assert.ok(!err.message.includes(SECRET) && !util.inspect(err).includes(SECRET))
  })

  // A fetch given in the options owes the client nothing: the deadline must hold without its help.
  // (Each test has its own timeout: without the race in lib/deadline.js these calls never settle.)
  test('a fetch that ignores its signal and never settles: ETIMEDOUT within timeoutMs', { timeout: 10_000 }, async () => {
    const seen = []
    const deaf = (url, init) => {
      seen.push(init.signal)
      return new Promise(() => {})
    }
    const t0 = Date.now()
    const err = await client({ fetch: deaf, timeoutMs: 100, retries: 0 }).code2Session('abc').catch((e) => e)
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
    assert.ok(err instanceof WeChatApiError, String(err))
    assert.equal(err.code, 'ETIMEDOUT')
    assert.equal(err.errcode, null)
    assert.equal(err.errmsg, 'no answer within 100 ms')
    assert.equal(err.api, '/sns/jscode2session')
    assert.equal(seen.length, 1)
    assert.equal(seen[0].aborted, true) // still asked to stop
    assert.ok(!err.message.includes(SECRET) && !util.inspect(err).includes(SECRET))
  })

  test('an answer body that sends a chunk and then stalls (and ignores cancel): ETIMEDOUT', { timeout: 10_000 }, async () => {
    const stalled = async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"openid":'))
          },
          cancel() {},
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      )
    const t0 = Date.now()
    const err = await client({ fetch: stalled, timeoutMs: 100, retries: 0 }).code2Session('abc').catch((e) => e)
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
    assert.ok(err instanceof WeChatApiError, String(err))
    assert.equal(err.code, 'ETIMEDOUT')
    assert.equal(err.errcode, null)
    assert.equal(err.errmsg, 'no answer within 100 ms')
  })
})

describe('the simulator', TIMEOUT, () => {
  test('userData is what WeChat sends: decrypts with the session_key, watermark added, rawData signed', async () => {
    const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    try {
      const { openid } = sim.login()
      const data = { openId: openid, nickName: '微信用户', gender: 0 }
      const u = sim.userData(openid, data)
      assert.equal(u.rawData, JSON.stringify(data))
      assert.equal(Buffer.from(u.iv, 'base64').length, 16)
      const key = sim.sessionKey(openid)
      assert.equal(u.signature, WXBizDataCrypt.rawDataSignature(u.rawData, key))
      const out = new WXBizDataCrypt(APP_ID, key).decryptData(u.encryptedData, u.iv)
      assert.deepEqual(Object.keys(out), ['openId', 'nickName', 'gender', 'watermark'])
      assert.deepEqual(out.watermark.appid, APP_ID)
      assert.ok(Math.abs(out.watermark.timestamp - Date.now() / 1000) < 600)
      assert.notEqual(sim.userData(openid, data).iv, u.iv)
    } finally {
      await sim.close()
    }
  })

  test('tokens: /cgi-bin/token issues a new one; a bad token is 40001; missing 41001; stats count', async () => {
    const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    try {
      const q = (o) => new URLSearchParams(o).toString()
      const get = async (p) => (await fetch(`${sim.url}${p}`, { signal: AbortSignal.timeout(10_000) })).json()
      const a = await get(`/cgi-bin/token?${q({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET })}`)
      assert.equal(a.expires_in, 7200)
      assert.match(a.access_token, /^SIM_/)
      const b = await get(`/cgi-bin/token?${q({ grant_type: 'client_credential', appid: APP_ID, secret: 'x' })}`)
      assert.equal(b.errcode, 40125)
      const c = await get(`/wxa/checksession?${q({ access_token: 'nope', openid: 'o', signature: 's', sig_method: 'hmac_sha256' })}`)
      assert.equal(c.errcode, 40001)
      const d = await get(`/wxa/checksession?${q({ openid: 'o', signature: 's', sig_method: 'hmac_sha256' })}`)
      assert.equal(d.errcode, 41001)
      assert.deepEqual(sim.stats(), {
        requests: 4,
        jscode2session: 0,
        tokenRequests: 2,
        phoneNumberRequests: 0,
        checkSessionRequests: 2,
        checkEncryptedRequests: 0,
        resetSessionKeyRequests: 0,
        encryptKeyRequests: 0,
        errors: 3,
      })
    } finally {
      await sim.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------
// The examples over HTTP

const nestDir = path.join(root, 'examples', 'nest')

const flavours = {
  async koa(wechat, logger) {
    const { createApp } = require(path.join(root, 'examples', 'koa', 'app.js'))
    const server = createApp({ wechat, logger }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    return {
      base: `http://127.0.0.1:${server.address().port}`,
      close: () =>
        new Promise((resolve) => {
          server.close(resolve)
          server.closeAllConnections()
        }),
    }
  },
  nest: (wechat, logger) => nest(wechat, logger, 'express'),
  'nest on fastify': (wechat, logger) => nest(wechat, logger, 'fastify'),
}

async function nest(wechat, logger, platform) {
  const { createNestApp } = require(path.join(nestDir, 'dist', 'main.js'))
  const app = await createNestApp({ wechat, logger, platform })
  await app.listen(0, '127.0.0.1')
  return { base: await app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')), close: () => app.close() }
}

for (const [name, start] of Object.entries(flavours)) {
  describe(`examples/${name}: the login flow over HTTP against the simulator`, TIMEOUT, () => {
    let sim
    let app
    let log
    before(async () => {
      if (name.startsWith('nest')) {
        // Compile the TypeScript demo with the repo's tsc.
        execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', nestDir], { stdio: 'pipe', timeout: 120_000 })
      }
      sim = await createSimulator({ appId: APP_ID, secret: SECRET })
      log = captureLogger()
      app = await start({ appId: APP_ID, secret: SECRET, baseUrl: sim.url }, log.logger)
    })
    after(async () => {
      if (app) await app.close()
      if (sim) await sim.close()
    })

    async function login(openid) {
      const { code, openid: id } = sim.login({ openid })
      const res = await post(app.base, '/login', { code })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.match(res.body.token, /^[0-9a-f]{64}$/)
      assert.equal(res.body.openid, id)
      return { token: res.body.token, openid: id }
    }

    test('happy path: login -> phone -> user', async () => {
      const { token, openid } = await login()
      const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const p = await post(app.base, '/phone', { encryptedData: phone.encryptedData, iv: phone.iv }, token)
      assert.equal(p.status, 200)
      assert.deepEqual(p.body, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })

      const info = { openId: openid, nickName: 'Band', gender: 1, language: 'en', city: 'Guangzhou', province: 'Guangdong', country: 'CN', avatarUrl: 'https://example.com/a.png' }
      const u = sim.userData(openid, info)
      const r = await post(app.base, '/user', u, token)
      assert.equal(r.status, 200)
      assert.deepEqual(r.body, { user: info })

      // A tampered rawData fails its signature check.
      const bad = await post(app.base, '/user', { ...u, rawData: u.rawData.replace('Band', 'Evil') }, token)
      assert.deepEqual([bad.status, bad.body], [400, { errcode: -40001, errmsg: 'signature mismatch' }])
      // Nothing in the log carries the session key.
      const key = sim.sessionKey(openid)
      assert.ok(!JSON.stringify(log.entries).includes(key))
    })

    test('a reused code: errcode 40029, the same body every time, the hint in the log', async () => {
      const { code } = sim.login()
      assert.equal((await post(app.base, '/login', { code })).status, 200)
      const again = await post(app.base, '/login', { code })
      assert.deepEqual([again.status, again.body], [400, { errcode: 40029, errmsg: 'invalid code' }])
      const unknown = await post(app.base, '/login', { code: 'never-issued' })
      assert.deepEqual([unknown.status, unknown.body], [400, { errcode: 40029, errmsg: 'invalid code' }])
      const logged = log.entries.filter((e) => e.event === 'wechat_api_error' && e.errcode === 40029)
      assert.ok(logged.length >= 2)
      assert.match(logged[0].hint, /single use/)
      assert.ok(!JSON.stringify(log.entries).includes(SECRET))
    })

    test('a stale session_key after a second wx.login: -41003 to the client, the cause in the server log', async () => {
      const { token, openid } = await login()
      sim.login({ openid }) // the mini program logs in again: WeChat refreshes the session_key
      const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const mark = log.entries.length
      const res = await post(app.base, '/phone', { encryptedData: phone.encryptedData, iv: phone.iv }, token)
      assert.deepEqual([res.status, res.body], [400, { errcode: -41003, errmsg: 'decrypt failed' }])
      const entry = log.entries.slice(mark).find((e) => e.event === 'decrypt_failed')
      assert.ok(entry, JSON.stringify(log.entries.slice(mark)))
      assert.equal(entry.errcode, -41003)
      assert.equal(entry.openid, openid)
      if (hasDiagnose) assert.equal(entry.cause, 'session_key_mismatch')
      else assert.equal(entry.cause, undefined)
    })

    test('a wrong, malformed or missing token: 401 with the same body', async () => {
      const phone = { encryptedData: 'AAAA', iv: 'AAAA' }
      const want = { errcode: 40101, errmsg: 'invalid or missing session token' }
      for (const token of [undefined, 'f'.repeat(64), 'not-hex', '']) {
        for (const route of ['/phone', '/user']) {
          const res = await post(app.base, route, phone, token)
          assert.deepEqual([res.status, res.body], [401, want], `${route} ${token}`)
        }
      }
    })

    test('200 parallel logins: all succeed with distinct tokens, each bound to its own user', async () => {
      const users = Array.from({ length: 200 }, () => sim.login())
      const results = await Promise.all(users.map(({ code }) => post(app.base, '/login', { code })))
      assert.deepEqual(
        results.map((r) => r.status),
        users.map(() => 200),
      )
      assert.equal(new Set(results.map((r) => r.body.token)).size, 200)
      assert.deepEqual(
        results.map((r) => r.body.openid),
        users.map((u) => u.openid),
      )
      // Spot-check: user 137's token decrypts user 137's data.
      const i = 137
      const d = sim.userData(users[i].openid, { phoneNumber: '13700000137', purePhoneNumber: '13700000137', countryCode: '86' })
      const p = await post(app.base, '/phone', { encryptedData: d.encryptedData, iv: d.iv }, results[i].body.token)
      assert.equal(p.body.phoneNumber, '13700000137')
    })
  })
}
