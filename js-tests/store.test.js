'use strict'
// The store interface without Redis: the in-memory store, the session store, and WeChatClient's
// shared access token (several clients on one store stand for several processes): one fetch,
// refresh before expiry, drop-only-if-still-failing, stable_token without force_refresh, a store
// that fails or hangs (in-process fallback, logged once, recovery), a Keyv-like store without a lock.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { wxcrypt: WXBizDataCrypt, root } = require('./support/wxcrypt.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { createMemoryStore, createSessionStore, StoreError } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))

const { WeChatClient } = WXBizDataCrypt
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const TIMEOUT = { timeout: 60_000 }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

describe('createMemoryStore', () => {
  test('JSON copies, ms TTLs, setIfAbsent and deleteIfEquals', async () => {
    let t = 1000
    const s = createMemoryStore({ now: () => t })
    const v = { a: [1, { b: 'c' }] }
    await s.set('k', v, 100)
    const got = await s.get('k')
    assert.deepEqual(got, v)
    got.a.push(2) // a copy: the store is unchanged
    assert.deepEqual(await s.get('k'), v)
    t += 99
    assert.deepEqual(await s.get('k'), v)
    t += 1
    assert.equal(await s.get('k'), undefined)
    await s.set('forever', 1)
    t += 1e12
    assert.equal(await s.get('forever'), 1)
    assert.equal(await s.setIfAbsent('lock', 'a', 50), true)
    assert.equal(await s.setIfAbsent('lock', 'b', 50), false)
    assert.equal(await s.deleteIfEquals('lock', 'b'), false)
    assert.equal(await s.deleteIfEquals('lock', 'a'), true)
    assert.equal(await s.setIfAbsent('lock', 'b', 50), true)
    t += 50
    assert.equal(await s.setIfAbsent('lock', 'c', 50), true, 'expired locks can be taken')
    assert.equal(await s.delete('lock'), true)
    assert.equal(await s.delete('lock'), false)
    await assert.rejects(s.set('x', undefined), TypeError)
    await assert.rejects(s.set('', 1), TypeError)
    assert.equal(s.size, 1)
  })
})

describe('createSessionStore', () => {
  test('tokens are 32 random bytes (64 hex); a new login replaces the user session_key for every token', async () => {
    const sessions = createSessionStore()
    const t1 = await sessions.create({ openid: 'oA', sessionKey: 'K1', unionid: 'uA' })
    const t2 = await sessions.create({ openid: 'oA', sessionKey: 'K2' })
    const t3 = await sessions.create({ openid: 'oB', sessionKey: 'KB' })
    for (const t of [t1, t2, t3]) assert.match(t, /^[0-9a-f]{64}$/)
    assert.equal(new Set([t1, t2, t3]).size, 3)
    assert.deepEqual(await sessions.get(t1), { openid: 'oA', sessionKey: 'K2' })
    assert.deepEqual(await sessions.get(t2), { openid: 'oA', sessionKey: 'K2' })
    assert.deepEqual(await sessions.get(t3), { openid: 'oB', sessionKey: 'KB' })
    for (const bad of ['', 'x', t1.toUpperCase(), t1 + '0', null, 42]) assert.equal(await sessions.get(bad), undefined)
    assert.equal(await sessions.get('0'.repeat(64)), undefined)
    assert.equal(await sessions.delete(t1), true)
    assert.equal(await sessions.get(t1), undefined)
    assert.deepEqual(await sessions.get(t2), { openid: 'oA', sessionKey: 'K2' })
  })

  test('a failing store is a StoreError; a hanging one is ESTORE_TIMEOUT within timeoutMs', async () => {
    const failing = { get: async () => Promise.reject(new Error('ECONNREFUSED redis://user:hunter2@10.0.0.1')), set: async () => Promise.reject(new Error('down')), delete: async () => true }
    const s = createSessionStore({ store: failing })
    const err = await s.get('a'.repeat(64)).catch((e) => e)
    assert.ok(err instanceof StoreError)
    assert.equal(err.code, 'ESTORE_UNAVAILABLE')
    assert.ok(!err.message.includes('hunter2'), err.message)
    await assert.rejects(s.create({ openid: 'o', sessionKey: 'k' }), { name: 'StoreError', code: 'ESTORE_UNAVAILABLE', op: 'set' })

    const never = new Promise(() => {})
    const hanging = { get: () => never, set: () => never, delete: () => never }
    const h = createSessionStore({ store: hanging, timeoutMs: 100 })
    const t0 = Date.now()
    await assert.rejects(h.get('a'.repeat(64)), { name: 'StoreError', code: 'ESTORE_TIMEOUT' })
    assert.ok(Date.now() - t0 < 1000)
    assert.throws(() => createSessionStore({ store: { get() {} } }), TypeError)
  })
})

describe('WeChatClient with a shared store', TIMEOUT, () => {
  let sim
  let clock
  const now = () => clock
  const bodies = []
  // Records what goes to stable_token (to prove force_refresh is never sent as true).
  const recordingFetch = (url, init) => {
    if (String(url).includes('/cgi-bin/stable_token')) bodies.push(JSON.parse(init.body))
    return fetch(url, init)
  }
  before(async () => {
    clock = 1_800_000_000_000
    sim = await createSimulator({ appId: APP_ID, secret: SECRET, now })
  })
  after(() => sim.close())

  const client = (store, opts = {}) => new WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: sim.url, retryDelayMs: 1, now, store, fetch: recordingFetch, log: () => {}, ...opts })

  test('4 clients on one store x 25 concurrent calls: one token request; refreshed once before expiry, the old token serving meanwhile', async () => {
    const store = createMemoryStore({ now })
    const clients = Array.from({ length: 4 }, () => client(store))
    const before = sim.stats().tokenRequests
    const tokens = await Promise.all(clients.flatMap((c) => Array.from({ length: 25 }, () => c.getAccessToken())))
    assert.equal(new Set(tokens).size, 1)
    assert.equal(sim.stats().tokenRequests - before, 1)
    const stored = await store.get(`access_token:${APP_ID}`)
    assert.equal(stored.value, tokens[0])
    assert.equal(stored.expiresAt - stored.refreshAt, 5 * 60 * 1000)

    clock += (7200 - 299) * 1000 // inside the 5-minute margin: one refresh for everybody
    const again = await Promise.all(clients.flatMap((c) => Array.from({ length: 25 }, () => c.getAccessToken())))
    assert.equal(sim.stats().tokenRequests - before, 2)
    const fresh = (await store.get(`access_token:${APP_ID}`)).value
    assert.notEqual(fresh, tokens[0])
    // Each call got the new token or (while another client fetched) the old one, still valid.
    for (const t of again) assert.ok(t === fresh || t === tokens[0])
    assert.deepEqual(new Set(await Promise.all(clients.map((c) => c.getAccessToken()))), new Set([fresh]))
    assert.equal(sim.stats().tokenRequests - before, 2)
    assert.ok(bodies.length > 0 && bodies.every((b) => b.force_refresh === false), JSON.stringify(bodies))
  })

  test('40001: the token is dropped only if it is still the failing one, and fetched once', async () => {
    const store = createMemoryStore({ now })
    // b's phone-number request leaves with t1 but reaches WeChat only after a has replaced t1.
    let resolveHeld
    const held = new Promise((r) => (resolveHeld = r))
    let holding = true
    const holdingFetch = async (url, init) => {
      if (holding && String(url).includes('getuserphonenumber')) {
        holding = false
        await held
      }
      return recordingFetch(url, init)
    }
    const a = client(store)
    const b = client(store, { fetch: holdingFetch })
    const { openid } = sim.login()
    const t1 = await a.getAccessToken()
    assert.equal(await b.getAccessToken(), t1)
    sim.revokeTokens()
    const before = sim.stats().tokenRequests
    const slow = b.getPhoneNumber(sim.phoneNumberCode(openid, '13800000002'))
    await sleep(20)
    // a fails with t1, drops it (still t1 in the store), fetches t2.
    assert.equal((await a.getPhoneNumber(sim.phoneNumberCode(openid, '13800000001'))).purePhoneNumber, '13800000001')
    const t2 = (await store.get(`access_token:${APP_ID}`)).value
    assert.notEqual(t2, t1)
    assert.equal(sim.stats().tokenRequests - before, 1)
    // Now b's request arrives with t1: 40001. The store holds t2, not the failing token: kept.
    resolveHeld()
    assert.equal((await slow).purePhoneNumber, '13800000002')
    assert.equal(sim.stats().tokenRequests - before, 1)
    assert.equal((await store.get(`access_token:${APP_ID}`)).value, t2)
    assert.ok(bodies.every((x) => x.force_refresh === false))
  })

  test('a store that fails: in-process token, logged once; the store is used again when it answers', async () => {
    const inner = createMemoryStore({ now })
    let down = false
    const flaky = {}
    for (const m of ['get', 'set', 'delete', 'setIfAbsent', 'deleteIfEquals']) {
      flaky[m] = (...args) => (down ? Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })) : inner[m](...args))
    }
    const logs = []
    const c = client(flaky, { storeRetryMs: 0, log: (e) => logs.push(e) })
    const before = sim.stats().tokenRequests
    const t1 = await c.getAccessToken()
    down = true
    const { openid } = sim.login()
    for (let i = 0; i < 5; i++) {
      assert.equal(await c.getAccessToken(), t1)
      assert.equal((await c.getPhoneNumber(sim.phoneNumberCode(openid, `1380000001${i}`))).purePhoneNumber, `1380000001${i}`)
    }
    sim.revokeTokens() // a 40001 while the store is down: a new token in-process
    assert.equal((await c.getPhoneNumber(sim.phoneNumberCode(openid, '13800000020'))).purePhoneNumber, '13800000020')
    const t2 = await c.getAccessToken()
    assert.notEqual(t2, t1)
    assert.equal(sim.stats().tokenRequests - before, 2)
    assert.deepEqual(
      logs.map((e) => [e.level, e.event, e.error]),
      [['warn', 'token_store_unavailable', 'ESTORE_UNAVAILABLE']],
    )
    assert.ok(!JSON.stringify(logs).includes(t1) && !JSON.stringify(logs).includes(SECRET))

    down = false
    // The store still holds t1 (revoked meanwhile): the newer in-process token replaces it.
    assert.equal(await c.getAccessToken(), t2)
    assert.deepEqual(logs.map((e) => e.event), ['token_store_unavailable', 'token_store_recovered'])
    assert.equal((await inner.get(`access_token:${APP_ID}`)).value, t2)
    assert.equal(await client(inner).getAccessToken(), t2, 'another process gets it from the store')
    assert.equal(sim.stats().tokenRequests - before, 2)
  })

  test('a store that hangs: calls still answer within storeTimeoutMs; the store is skipped for storeRetryMs', async () => {
    const never = new Promise(() => {})
    let calls = 0
    const hang = () => {
      calls++
      return never
    }
    const hanging = { get: hang, set: hang, delete: hang, setIfAbsent: hang, deleteIfEquals: hang }
    const logs = []
    const c = client(hanging, { storeTimeoutMs: 100, storeRetryMs: 60_000, log: (e) => logs.push(e) })
    const t0 = Date.now()
    const tok = await c.getAccessToken()
    assert.match(tok, /^SIM_/)
    assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`)
    const seen = calls
    assert.deepEqual(new Set(await Promise.all(Array.from({ length: 20 }, () => c.getAccessToken()))), new Set([tok]))
    assert.equal(calls, seen, 'the store is not retried within storeRetryMs')
    assert.deepEqual(logs.map((e) => [e.event, e.error]), [['token_store_unavailable', 'ESTORE_TIMEOUT']])
  })

  test('a Keyv-like store (get/set/delete only): the token is shared through it, no lock needed', async () => {
    const inner = createMemoryStore({ now })
    const keyv = { get: (k) => inner.get(k), set: (k, v, ttl) => inner.set(k, v, ttl), delete: (k) => inner.delete(k) }
    const [a, b] = [client(keyv), client(keyv)]
    const t = await a.getAccessToken()
    const before = sim.stats().tokenRequests
    assert.equal(await b.getAccessToken(), t)
    assert.equal(sim.stats().tokenRequests, before)
    const { openid } = sim.login()
    sim.revokeTokens()
    assert.equal((await b.getPhoneNumber(sim.phoneNumberCode(openid, '13800000030'))).purePhoneNumber, '13800000030')
    assert.notEqual((await inner.get(`access_token:${APP_ID}`)).value, t)
    assert.equal(await a.getAccessToken(), (await inner.get(`access_token:${APP_ID}`)).value)
  })

  test('a lock owner that died: the others take over when its lock expires', async () => {
    const store = createMemoryStore()
    // A dead process holds the lock, no token in the store.
    await store.setIfAbsent(`access_token:${APP_ID}:lock`, 'dead-owner', 300)
    const c = client(store, { lockPollMs: 10, now: Date.now })
    const t0 = Date.now()
    const tok = await c.getAccessToken()
    assert.match(tok, /^SIM_/)
    const ms = Date.now() - t0
    assert.ok(ms >= 250 && ms < 2000, `${ms} ms`)
    assert.equal(await store.get(`access_token:${APP_ID}:lock`), undefined, 'released by its new owner')
  })

  test('bad store objects are TypeErrors', () => {
    assert.throws(() => client({ get() {}, set() {} }), /store.delete must be a function/)
    assert.throws(() => client(null), TypeError)
    assert.throws(() => client({ get() {}, set() {}, delete() {}, setIfAbsent: 1 }), /setIfAbsent/)
    assert.throws(() => client(createMemoryStore(), { log: 'no' }), TypeError)
  })
})

describe('the types of wxcrypt/client and wxcrypt/redis', TIMEOUT, () => {
  test('a TypeScript consumer (strict, nodenext) of the store, session and new client APIs compiles; misuse does not', () => {
    const fs = require('node:fs')
    const os = require('node:os')
    const { execFileSync } = require('node:child_process')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-types-'))
    try {
      fs.mkdirSync(path.join(dir, 'node_modules'))
      fs.symlinkSync(path.join(root, 'npm', 'wxcrypt'), path.join(dir, 'node_modules', 'wxcrypt'), 'dir')
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
      fs.writeFileSync(
        path.join(dir, 'consumer.mts'),
        `
import { WeChatClient, createMemoryStore, createSessionStore, StoreError, type Store, type EncryptedDataCheck, type UserEncryptKey, type ClientLogEntry } from 'wxcrypt/client'
import { createRedisStore, type RedisStore } from 'wxcrypt/redis'
const store: Store = createMemoryStore()
const redis: RedisStore = createRedisStore({ url: 'redis://127.0.0.1:1', prefix: 'p:', timeoutMs: 500 })
const shared: Store = redis
const c = new WeChatClient({ appId: 'wx', secret: 's', store: shared, storeTimeoutMs: 500, log: (e: ClientLogEntry) => { const l: 'info' | 'warn' = e.level; void l } })
// A Keyv-like store (no lock operations) fits as it is.
const keyv: Store = { get: async (_k: string) => undefined, set: async () => true, delete: async () => true }
export async function f(): Promise<void> {
  const chk: EncryptedDataCheck = await c.checkEncryptedData('x')
  const v: boolean = chk.valid
  const t: number | null = chk.createTime
  const keys: UserEncryptKey[] = await c.getUserEncryptKey('o', 'k')
  const version: number = keys[0].version
  const r = await c.resetUserSessionKey('o', 'k')
  const sk: string = r.session_key
  const sessions = createSessionStore({ store: keyv, ttlMs: 1000 })
  const tok: string = await sessions.create({ openid: 'o', sessionKey: 'k' })
  const s = await sessions.get(tok)
  if (s) { const o: string = s.openid; void o }
  try { await redis.get('k') } catch (e) { if (e instanceof StoreError) { const code: 'ESTORE_TIMEOUT' | 'ESTORE_UNAVAILABLE' = e.code; void code } }
  // @ts-expect-error the TTL is a number of milliseconds
  await store.set('k', 1, 'soon')
  // @ts-expect-error checkEncryptedData takes the base64 string
  await c.checkEncryptedData(new Uint8Array(1))
  // @ts-expect-error url or client, not a port
  createRedisStore({ port: 6379 })
  await redis.close()
  void [v, t, version, sk, store]
}
`,
      )
      const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'consumer.mts'], { cwd: dir, stdio: 'pipe', timeout: 120_000 })
    } catch (err) {
      assert.fail(String(err.stdout || '') + String(err.stderr || '') + err.message)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

// Keep the event loop honest: nothing above may leave timers behind.
after(() => sleep(0))
