'use strict'
// wxcrypt/redis against a real redis-server (js-tests/support/redis.js installs and starts one;
// never skipped): the store's semantics and time bounds, one token fetch across 4 processes, the
// Koa demo on 4 node:cluster workers sharing sessions, and Redis killed mid-run.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const http = require('node:http')
const crypto = require('node:crypto')
const { fork, spawn, execFileSync } = require('node:child_process')
const { root } = require('./support/wxcrypt.js')
const { startRedis, freePort } = require('./support/redis.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { createRedisStore } = require(path.join(root, 'npm', 'wxcrypt', 'redis.js'))
const { StoreError, createSessionStore } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const TIMEOUT = { timeout: 90_000 }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const prefix = () => `t${crypto.randomBytes(6).toString('hex')}:`

/** Retries `fn` until it returns truthy (bounded). */
async function eventually(fn, ms = 10_000, what = 'condition') {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`)
    await sleep(50)
  }
}

let redis
before(async () => {
  redis = await startRedis()
})
after(async () => {
  if (redis) await redis.stop()
})

describe('createRedisStore on a real redis-server', TIMEOUT, () => {
  test('JSON values, ms TTLs, setIfAbsent (SET NX PX), deleteIfEquals (compare-and-delete), the prefix', async () => {
    const p = prefix()
    const store = createRedisStore({ url: redis.url, prefix: p })
    const raw = createRedisStore({ url: redis.url, prefix: '' })
    try {
      assert.equal(await store.get('missing'), undefined)
      const value = { openid: 'oAbc', n: 1.5, list: [1, 'two', null], nested: { ok: true }, text: '微信' }
      assert.equal(await store.set('a', value, 60_000), true)
      assert.deepEqual(await store.get('a'), value)
      // Stored as JSON under the prefix, with a TTL in milliseconds.
      assert.equal(await raw.client.sendCommand(['GET', `${p}a`]), JSON.stringify(value))
      const pttl = Number(await raw.client.sendCommand(['PTTL', `${p}a`]))
      assert.ok(pttl > 59_000 && pttl <= 60_000, String(pttl))
      // No TTL: no expiry.
      await store.set('forever', 'x')
      assert.equal(Number(await raw.client.sendCommand(['PTTL', `${p}forever`])), -1)

      // A TTL long enough that a stalled machine still reads the key before it expires.
      await store.set('short', 42, 1000)
      assert.equal(await store.get('short'), 42)
      await sleep(1200)
      assert.equal(await store.get('short'), undefined)

      assert.equal(await store.setIfAbsent('lock', 'owner-1', 5000), true)
      assert.equal(await store.setIfAbsent('lock', 'owner-2', 5000), false)
      assert.equal(await store.get('lock'), 'owner-1')
      assert.equal(await store.deleteIfEquals('lock', 'owner-2'), false)
      assert.equal(await store.get('lock'), 'owner-1')
      assert.equal(await store.deleteIfEquals('lock', 'owner-1'), true)
      assert.equal(await store.get('lock'), undefined)
      assert.equal(await store.setIfAbsent('lock', 'owner-2', 80), true)
      await sleep(150)
      assert.equal(await store.setIfAbsent('lock', 'owner-3', 5000), true, 'an expired lock can be taken')
      // Objects compare as their JSON.
      await store.set('rec', { value: 'T1', expiresAt: 5 }, 60_000)
      assert.equal(await store.deleteIfEquals('rec', { value: 'T1', expiresAt: 6 }), false)
      assert.equal(await store.deleteIfEquals('rec', { value: 'T1', expiresAt: 5 }), true)

      assert.equal(await store.delete('a'), true)
      assert.equal(await store.delete('a'), false)
      // A value that is not JSON (written by something else) is a StoreError, not a crash.
      await raw.client.sendCommand(['SET', `${p}foreign`, 'not json{'])
      await assert.rejects(store.get('foreign'), { name: 'StoreError', code: 'ESTORE_UNAVAILABLE' })
      await assert.rejects(store.set('', 1), TypeError)
      await assert.rejects(store.set('u', undefined), TypeError)
    } finally {
      await store.close()
      await raw.close()
    }
  })

  test('every call is bounded: a hung Redis (SIGSTOP) gives ESTORE_TIMEOUT in time; a killed one fails at once; both recover', async () => {
    const store = createRedisStore({ url: redis.url, prefix: prefix(), timeoutMs: 300 })
    try {
      await store.set('k', 1, 60_000)
      redis.pause()
      try {
        const t0 = Date.now()
        const results = await Promise.allSettled([store.get('k'), store.set('k', 2, 1000), store.setIfAbsent('l', 1, 1000), store.deleteIfEquals('l', 1)])
        const ms = Date.now() - t0
        for (const r of results) {
          assert.equal(r.status, 'rejected')
          assert.ok(r.reason instanceof StoreError)
          assert.equal(r.reason.code, 'ESTORE_TIMEOUT')
          assert.match(r.reason.message, /no answer within 300 ms/)
        }
        assert.ok(ms >= 250 && ms < 1500, `${ms} ms`)
      } finally {
        redis.resume()
      }
      await eventually(async () => (await store.get('k')) !== undefined, 10_000, 'answers after SIGCONT')

      await redis.kill()
      // Once the client has seen the connection close (however long that takes on a loaded
      // machine), a call fails at once instead of waiting for the timeout.
      await eventually(async () => (await store.get('k').catch((e) => e))?.code === 'ESTORE_UNAVAILABLE', 5000, 'the close seen')
      const t0 = Date.now()
      const err = await store.get('k').catch((e) => e)
      assert.ok(err instanceof StoreError, String(err))
      assert.ok(Date.now() - t0 < 400, `${Date.now() - t0} ms`)
      // Never queued while offline: these do not run when Redis is back.
      await store.set('offline', 'queued?', 60_000).catch(() => {})
      await redis.start()
      await eventually(() => store.set('back', true, 60_000), 10_000, 'reconnected')
      assert.equal(await store.get('offline'), undefined)
      assert.equal(await store.get('back'), true)
    } finally {
      if (!(await redisUp())) await redis.start()
      await store.close()
    }
  })

  test('a store made while Redis is down: calls fail at once (not after timeoutMs), no crash', async () => {
    const port = await freePort()
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 2000 })
    try {
      // Connection refused: an answer well before timeoutMs, not a wait for it.
      const t0 = Date.now()
      const errs = await Promise.all([store.get('x').catch((e) => e), store.set('x', 1).catch((e) => e)])
      assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`)
      for (const e of errs) assert.ok(e instanceof StoreError && e.code === 'ESTORE_UNAVAILABLE', String(e))
      // Nothing in the error names the host or carries a password.
      for (const e of errs) assert.ok(!e.message.includes('127.0.0.1'), e.message)
      const t1 = Date.now()
      await assert.rejects(store.get('x'), { name: 'StoreError' })
      assert.ok(Date.now() - t1 < 200, `${Date.now() - t1} ms`)
    } finally {
      await store.close()
    }
  })

  test('the session store on Redis: a session made in one process is read in another; a new login replaces the key', async () => {
    const p = prefix()
    const a = createSessionStore({ store: createRedisStore({ url: redis.url, prefix: p }) })
    const b = createSessionStore({ store: createRedisStore({ url: redis.url, prefix: p }) })
    try {
      const t1 = await a.create({ openid: 'oUser1', sessionKey: 'K1', unionid: 'oUnion1' })
      assert.match(t1, /^[0-9a-f]{64}$/)
      assert.deepEqual(await b.get(t1), { openid: 'oUser1', sessionKey: 'K1', unionid: 'oUnion1' })
      const t2 = await b.create({ openid: 'oUser1', sessionKey: 'K2' })
      assert.notEqual(t2, t1)
      assert.deepEqual(await a.get(t1), { openid: 'oUser1', sessionKey: 'K2' })
      assert.deepEqual(await a.get(t2), { openid: 'oUser1', sessionKey: 'K2' })
      assert.equal(await a.delete(t1), true)
      assert.equal(await b.get(t1), undefined)
      assert.deepEqual(await b.get(t2), { openid: 'oUser1', sessionKey: 'K2' })
    } finally {
      await a.store.close()
      await b.store.close()
    }
  })
})

async function redisUp() {
  const s = createRedisStore({ url: redis.url, timeoutMs: 300 })
  try {
    await s.get('probe')
    return true
  } catch {
    return false
  } finally {
    await s.close()
  }
}

// ---------------------------------------------------------------------------------------------

/** Forks `n` token workers (support/token-worker.js) and waits until each has its store connected. */
async function startWorkers(n, env) {
  const workers = []
  for (let i = 0; i < n; i++) {
    const child = fork(path.join(__dirname, 'support', 'token-worker.js'), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const inbox = []
    const waiting = []
    child.on('message', (m) => {
      const i = waiting.findIndex((w) => w.cmd === m.cmd || m.cmd === 'error')
      if (i >= 0) waiting.splice(i, 1)[0].resolve(m)
      else inbox.push(m)
    })
    const exits = []
    child.on('exit', (code, signal) => exits.push({ code, signal }))
    const next = (cmd) => {
      const i = inbox.findIndex((m) => m.cmd === cmd || m.cmd === 'error')
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0])
      return new Promise((resolve) => waiting.push({ cmd, resolve }))
    }
    workers.push({
      child,
      exits,
      async ask(msg, cmd = msg.cmd) {
        child.send(msg)
        const m = await next(cmd)
        if (m.cmd === 'error') throw new Error(m.message)
        return m
      },
      ready: next('ready'),
    })
  }
  for (const w of workers) {
    const m = await w.ready
    if (m.cmd === 'error') throw new Error(m.message)
  }
  return workers
}

async function stopWorkers(workers) {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve()
          const t = setTimeout(() => w.child.kill('SIGKILL'), 5000)
          w.child.once('exit', () => {
            clearTimeout(t)
            resolve()
          })
          try {
            w.child.send({ cmd: 'exit' })
          } catch {
            w.child.kill('SIGKILL')
          }
        }),
    ),
  )
}

const values = (results) => results.map((r) => (r.err ? `ERR ${r.err}` : r.ok))

describe('one access token across 4 processes (WeChatClient + wxcrypt/redis)', TIMEOUT, () => {
  let sim
  let workers
  before(async () => {
    sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    workers = await startWorkers(4, { APP_ID, SECRET, SIM_URL: sim.url, REDIS_URL: redis.url, PREFIX: prefix() })
  })
  after(async () => {
    if (workers) await stopWorkers(workers)
    if (sim) await sim.close()
  })

  test('4 processes x 25 concurrent getAccessToken() on a cold store: exactly 1 token request; after revokeTokens(), exactly 1 refresh', async () => {
    const before = sim.stats().tokenRequests
    const answers = await Promise.all(workers.map((w) => w.ask({ cmd: 'tokens', n: 25 })))
    const all = answers.flatMap((a) => values(a.results))
    assert.equal(all.length, 100)
    assert.equal(new Set(all).size, 1, JSON.stringify([...new Set(all)]))
    assert.match(all[0], /^SIM_/)
    assert.equal(sim.stats().tokenRequests - before, 1)

    // Revoked: every process's calls get 40001 once; the token is dropped (if still the failing one)
    // and fetched once across all of them.
    sim.revokeTokens()
    const { openid } = sim.login()
    const phones = await Promise.all(
      workers.map((w, i) => w.ask({ cmd: 'phones', codes: Array.from({ length: 25 }, (_, j) => sim.phoneNumberCode(openid, `138${String(i * 100 + j).padStart(8, '0')}`)) })),
    )
    phones.forEach((p, i) => assert.deepEqual(values(p.results), Array.from({ length: 25 }, (_, j) => `138${String(i * 100 + j).padStart(8, '0')}`)))
    assert.equal(sim.stats().tokenRequests - before, 2)
    const after = await Promise.all(workers.map((w) => w.ask({ cmd: 'tokens', n: 5 })))
    const fresh = new Set(after.flatMap((a) => values(a.results)))
    assert.equal(fresh.size, 1)
    assert.notEqual([...fresh][0], all[0])
    assert.equal(sim.stats().tokenRequests - before, 2)
  })

  test('Redis killed mid-run: every call is still answered (in-process token), logged once per process; back to the shared token when Redis returns', async () => {
    const { openid } = sim.login()
    let n = 0
    const codes = (k) => Array.from({ length: k }, () => sim.phoneNumberCode(openid, `1390000${String(n++).padStart(4, '0')}`))
    try {
      await redis.kill()
      for (let round = 0; round < 3; round++) {
        const res = await Promise.all(workers.map((w) => w.ask({ cmd: 'phones', codes: codes(10) })))
        for (const r of res) {
          for (const v of values(r.results)) assert.match(v, /^1390000\d{4}$/)
          assert.ok(r.ms < 3000, `${r.ms} ms`)
        }
        sim.revokeTokens() // even a revoked token is replaced without the store
      }
      for (const w of workers) {
        const { logs } = await w.ask({ cmd: 'logs' })
        assert.equal(logs.filter((e) => e.event === 'token_store_unavailable').length, 1, JSON.stringify(logs))
        const e = logs.find((x) => x.event === 'token_store_unavailable')
        assert.equal(e.level, 'warn')
        assert.match(e.error, /^ESTORE_/)
      }
    } finally {
      await redis.start()
    }
    // Recovery: the processes go back to the store (the retry interval is 200 ms here).
    await sleep(300)
    await eventually(async () => {
      const rs = await Promise.all(workers.map((w) => w.ask({ cmd: 'logs' })))
      if (!rs.every((r) => r.logs.some((e) => e.event === 'token_store_recovered'))) {
        await Promise.all(workers.map((w) => w.ask({ cmd: 'tokens', n: 1 })))
        return false
      }
      return true
    }, 15_000, 'every process logs token_store_recovered')
    const before = sim.stats().tokenRequests
    const toks = await Promise.all(workers.map((w) => w.ask({ cmd: 'tokens', n: 10 })))
    assert.equal(new Set(toks.flatMap((t) => values(t.results))).size, 1)
    assert.ok(sim.stats().tokenRequests - before <= 1)
    for (const w of workers) assert.deepEqual(w.exits, [])
  })
})

// ---------------------------------------------------------------------------------------------

/** A request on a fresh connection (no keep-alive: the cluster picks a worker per connection). */
function request(base, method, route, body, token) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const headers = { connection: 'close' }
    if (data !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = Buffer.byteLength(data)
    }
    if (token) headers.authorization = `Bearer ${token}`
    const req = http.request(`${base}${route}`, { method, headers, agent: false, timeout: 10_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => {
        let json
        try {
          json = JSON.parse(text)
        } catch {
          json = text
        }
        resolve({ status: res.statusCode, worker: res.headers['x-worker'], body: json })
      })
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(data)
  })
}

describe('examples/koa on 4 node:cluster workers sharing Redis', TIMEOUT, () => {
  let sim
  let primary
  let base
  let output = ''
  before(async () => {
    sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    primary = spawn(process.execPath, [path.join(root, 'examples', 'koa', 'cluster.js')], {
      env: { ...process.env, WORKERS: '4', PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WECHAT_BASE_URL: sim.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    primary.stdout.on('data', (d) => (output += d))
    primary.stderr.on('data', (d) => (output += d))
    await eventually(() => output.includes('"cluster_ready"'), 30_000, `cluster ready (${output})`)
  })
  after(async () => {
    if (primary && primary.exitCode === null) {
      const gone = new Promise((r) => primary.once('exit', r))
      primary.kill('SIGTERM')
      const t = setTimeout(() => primary.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(t)
    }
    if (sim) await sim.close()
  })

  const phoneData = (openid, n) => {
    const d = sim.userData(openid, { phoneNumber: n, purePhoneNumber: n, countryCode: '86' })
    return { encryptedData: d.encryptedData, iv: d.iv }
  }

  /** Logs in, then reads the phone number on fresh connections until a different worker answered. */
  async function loginHere(openid) {
    const { code, openid: id } = sim.login({ openid })
    const res = await request(base, 'POST', '/login', { code })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return { token: res.body.token, openid: id, worker: res.worker }
  }

  test('a user logs in through worker A and reads the phone number through worker B (and C, D)', async () => {
    const { token, openid, worker: a } = await loginHere()
    assert.match(a, /^[1-4]$/)
    const seen = new Map()
    for (let i = 0; i < 12; i++) {
      const n = `1380013${String(i).padStart(4, '0')}`
      const res = await request(base, 'POST', '/phone', phoneData(openid, n), token)
      assert.deepEqual([res.status, res.body], [200, { phoneNumber: n, purePhoneNumber: n, countryCode: '86' }])
      seen.set(res.worker, (seen.get(res.worker) || 0) + 1)
    }
    const others = [...seen.keys()].filter((w) => w !== a)
    assert.ok(others.length >= 1, `served only by worker ${a}: ${JSON.stringify([...seen])}`)
    // The phone code flow uses the shared access token: one token request for the whole cluster.
    const before = sim.stats().tokenRequests
    const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => request(base, 'POST', '/phone', { code: sim.phoneNumberCode(openid, `1390013000${i}`) }, token)))
    assert.deepEqual(
      codes.map((r) => [r.status, r.body.purePhoneNumber]),
      Array.from({ length: 8 }, (_, i) => [200, `1390013000${i}`]),
    )
    assert.ok(sim.stats().tokenRequests - before <= 1, String(sim.stats().tokenRequests - before))
    assert.ok(new Set(codes.map((r) => r.worker)).size >= 2)
  })

  test('a new login on another worker replaces the session_key for the old token too', async () => {
    const first = await loginHere()
    const second = await loginHere(first.openid) // wx.login again: WeChat has a new session_key
    assert.notEqual(second.token, first.token)
    const n = '13800138111'
    for (const token of [first.token, second.token]) {
      const res = await request(base, 'POST', '/phone', phoneData(first.openid, n), token)
      assert.deepEqual([res.status, res.body.purePhoneNumber], [200, n])
    }
  })

  test('Redis killed mid-run: sessions get a clean 503, no worker crashes; service recovers when Redis is back', async () => {
    const { token, openid } = await loginHere()
    try {
      await redis.kill()
      for (let i = 0; i < 8; i++) {
        const login = await request(base, 'POST', '/login', { code: sim.login().code })
        assert.deepEqual([login.status, login.body], [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }])
        const phone = await request(base, 'POST', '/phone', phoneData(openid, '13800138000'), token)
        assert.deepEqual([phone.status, phone.body], [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }])
      }
      assert.ok(!output.includes('worker_exit'), output)
    } finally {
      await redis.start()
    }
    // Redis came back empty (no persistence): old sessions are gone, new logins work across workers.
    const again = await eventually(async () => {
      const r = await request(base, 'POST', '/login', { code: sim.login({ openid }).code })
      return r.status === 200 && r
    }, 15_000, 'login after Redis is back')
    const seen = new Set()
    for (let i = 0; i < 8; i++) {
      const res = await request(base, 'POST', '/phone', phoneData(openid, '13800138000'), again.body.token)
      if (res.status !== 200) {
        // A worker that has not reconnected yet answers 503 for a moment; never anything else.
        assert.equal(res.status, 503)
        await sleep(200)
        continue
      }
      assert.equal(res.body.purePhoneNumber, '13800138000')
      seen.add(res.worker)
    }
    assert.ok(seen.size >= 2, JSON.stringify([...seen]))
    assert.ok(!output.includes('worker_exit'), output)
    assert.ok(!/internal_error/.test(output), output)
  })
})

// ---------------------------------------------------------------------------------------------

describe('examples/nest with its sessions in Redis', TIMEOUT, () => {
  test('two Nest app instances (two processes behind a load balancer) share logins through Redis; 503 while Redis is down', async () => {
    const nestDir = path.join(root, 'examples', 'nest')
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', nestDir], { stdio: 'pipe', timeout: 120_000 })
    const { createNestApp } = require(path.join(nestDir, 'dist', 'main.js'))
    const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
    const p = prefix()
    const stores = [createRedisStore({ url: redis.url, prefix: p }), createRedisStore({ url: redis.url, prefix: p })]
    const logs = []
    const logger = { info: (e) => logs.push(e), warn: (e) => logs.push(e) }
    const apps = []
    try {
      for (const store of stores) {
        const app = await createNestApp({ wechat: { appId: APP_ID, secret: SECRET, baseUrl: sim.url }, logger, store })
        await app.listen(0, '127.0.0.1')
        apps.push({ app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') })
      }
      const { code, openid } = sim.login()
      const login = await request(apps[0].base, 'POST', '/login', { code })
      assert.equal(login.status, 200, JSON.stringify(login.body))
      const d = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
      const phone = await request(apps[1].base, 'POST', '/phone', { encryptedData: d.encryptedData, iv: d.iv }, login.body.token)
      assert.deepEqual([phone.status, phone.body], [200, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' }])
      try {
        await redis.kill()
        const down = await request(apps[1].base, 'POST', '/phone', { encryptedData: d.encryptedData, iv: d.iv }, login.body.token)
        assert.deepEqual([down.status, down.body], [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }])
        const downLogin = await request(apps[0].base, 'POST', '/login', { code: sim.login().code })
        assert.deepEqual([downLogin.status, downLogin.body], [503, { errcode: -1, errmsg: 'session store unavailable, retry later' }])
        assert.ok(logs.some((e) => e.event === 'session_store_unavailable' && /^ESTORE_/.test(e.code)))
      } finally {
        await redis.start()
      }
    } finally {
      for (const a of apps) await a.app.close()
      for (const s of stores) await s.close()
      await sim.close()
    }
  })
})
