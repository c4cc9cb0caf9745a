'use strict'
// Pay callbacks in one process: the core's decisions (verify the RAW body, decrypt, exactly once,
// release on failure, 503 on a store failure, a parsed body refused, never re-serialised) and the
// Koa, Express, NestJS and Hono adapters each serving a callback end to end.
require('reflect-metadata')
const { describe, test, before } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const http = require('node:http')
const { root } = require('./support/wxcrypt.js')
const { keys, createFakePay, clientOptions } = require('./support/pay-fake.js')
const { WechatPay, WechatPayClient } = require('./support/pay-under-test.js')
const lib = (p) => require(path.join(root, 'npm', 'wxcrypt', 'lib', p))
const { createPayNotifyHandler } = lib('pay/notify-core.js')
const { payNotifyKoa, payNotifyExpress, payNotifyNest } = lib('pay/notify-node.js')
const { payNotifyHono } = lib('pay/notify-hono.js')
const { createMemoryStore } = lib('store/memory.js')
const { StoreError } = lib('store/errors.js')

let k
let fake
let pay
before(() => {
  k = keys()
  fake = createFakePay(k, { mode: 'publicKey' })
  const { appId, ...o } = clientOptions(k)
  pay = new WechatPay(o)
})

const quiet = { log: () => {} }
const tx = (no) => ({ out_trade_no: no, transaction_id: '4200000001', trade_state: 'SUCCESS', amount: { total: 100, payer_total: 100, currency: 'CNY' } })
const flip = (n, at) => ({ headers: n.headers, body: n.body.slice(0, at) + (n.body[at] === 'a' ? 'b' : 'a') + n.body.slice(at + 1) })

describe('the callback core', () => {
  test('verified, decrypted, handled once; a duplicate acknowledged without running the handler', async () => {
    const seen = []
    const handle = createPayNotifyHandler({ pay, store: createMemoryStore(), handler: (r, n) => seen.push([r, n.event_type]), ...quiet })
    const n = fake.notification(tx('A1'))
    const first = await handle(n)
    assert.deepEqual([first.status, first.body, first.outcome], [204, '', 'handled'])
    assert.deepEqual(seen, [[tx('A1'), 'TRANSACTION.SUCCESS']])
    const bytes = await handle({ headers: n.headers, body: new TextEncoder().encode(n.body) })
    assert.deepEqual([bytes.status, bytes.outcome], [204, 'duplicate'])
    assert.equal(seen.length, 1)
  })

  test('a handler that throws: 500 FAIL, the id released, the retry runs it', async () => {
    let calls = 0
    const store = createMemoryStore()
    const handle = createPayNotifyHandler({ pay, store, handler: () => { if (++calls === 1) throw new Error('db down') }, ...quiet })
    const n = fake.notification(tx('A2'))
    const r1 = await handle(n)
    assert.equal(r1.status, 500)
    assert.deepEqual(JSON.parse(r1.body), { code: 'FAIL', message: 'handler failed' })
    assert.equal(store.size, 0)
    assert.equal((await handle(n)).outcome, 'handled')
    assert.equal((await handle(n)).outcome, 'duplicate')
    assert.equal(calls, 2)
  })

  test('concurrent deliveries in one process: one runs, the others 503 or 204', async () => {
    let calls = 0
    const handle = createPayNotifyHandler({ pay, store: createMemoryStore(), handler: () => new Promise((r) => setTimeout(r, 30, ++calls)), ...quiet })
    const n = fake.notification(tx('A3'))
    const out = await Promise.all(Array.from({ length: 20 }, () => handle(n)))
    assert.equal(calls, 1)
    assert.equal(out.filter((o) => o.outcome === 'handled').length, 1)
    assert.ok(out.every((o) => o.status === 204 || (o.status === 503 && JSON.parse(o.body).code === 'FAIL')))
  })

  test('refused: a flipped byte, a parsed body (never re-serialised), a stale timestamp, the SIGNTEST probe; the handler never runs', async () => {
    let calls = 0
    const handle = createPayNotifyHandler({ pay, store: createMemoryStore(), handler: () => calls++, ...quiet })
    const n = fake.notification(tx('A4'))
    for (const at of [5, 40, n.body.length - 10]) assert.equal((await handle(flip(n, at))).status, 401)
    const parsed = await handle({ headers: n.headers, body: JSON.parse(n.body) })
    assert.equal(parsed.status, 500)
    assert.equal(JSON.parse(parsed.body).code, 'FAIL')
    assert.equal((await handle({ ...n, now: Math.floor(Date.now() / 1000) + 3600 })).status, 401)
    assert.equal((await handle({ headers: { ...n.headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${n.headers['wechatpay-signature']}` }, body: n.body })).status, 401)
    assert.equal(calls, 0)
  })

  test('a store failure: 503 FAIL, the handler does not run, nothing recorded', async () => {
    let calls = 0
    const mem = createMemoryStore()
    let down = true
    const store = { ...mem, setIfAbsent: (...a) => (down ? Promise.reject(new Error('ECONNREFUSED')) : mem.setIfAbsent(...a)), get: mem.get, set: mem.set, delete: mem.delete, deleteIfEquals: mem.deleteIfEquals }
    const handle = createPayNotifyHandler({ pay, store, handler: () => calls++, ...quiet })
    const n = fake.notification(tx('A5'))
    const r = await handle(n)
    assert.deepEqual([r.status, JSON.parse(r.body).code, r.outcome], [503, 'FAIL', 'store-down'])
    down = false
    assert.equal((await handle(n)).outcome, 'handled')
    assert.equal(calls, 1)
    // A store that never answers is bounded by storeTimeoutMs.
    const hang = createPayNotifyHandler({ pay, store: { ...store, setIfAbsent: () => new Promise(() => {}) }, storeTimeoutMs: 50, handler: () => calls++, ...quiet })
    assert.equal((await hang(fake.notification(tx('A6')))).status, 503)
    assert.ok(new StoreError('x') instanceof Error)
  })

  test('the done marker is retried: one failed write still ends in done, the duplicate is acknowledged', async () => {
    let calls = 0
    const mem = createMemoryStore()
    let failSets = 1
    const store = { get: mem.get, delete: mem.delete, setIfAbsent: mem.setIfAbsent, deleteIfEquals: mem.deleteIfEquals, set: (...a) => (failSets-- > 0 ? Promise.reject(new Error('EPIPE')) : mem.set(...a)) }
    const handle = createPayNotifyHandler({ pay, store, handler: () => calls++, ...quiet })
    const n = fake.notification(tx('A7'))
    assert.equal((await handle(n)).outcome, 'handled')
    assert.equal((await handle(n)).outcome, 'duplicate')
    assert.equal(calls, 1)
  })

  test('options checked: a store without setIfAbsent (KV) is refused', () => {
    assert.throws(() => createPayNotifyHandler({ pay, handler() {}, store: { get() {}, set() {}, delete() {} } }), /setIfAbsent/)
    assert.throws(() => createPayNotifyHandler({ pay: {}, handler() {}, store: createMemoryStore() }), TypeError)
    assert.throws(() => createPayNotifyHandler({ pay, store: createMemoryStore() }), TypeError)
  })
})

async function listen(handler) {
  const server = http.createServer(handler)
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
}
const deliver = (url, n) => fetch(`${url}/pay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({ status: r.status, text: await r.text() }))

/** One framework end to end: a callback handled once, its duplicate acknowledged, a tampered one refused. */
async function endToEnd(url, seen, no) {
  const n = fake.notification(tx(no))
  assert.deepEqual(await deliver(url, n), { status: 204, text: '' })
  assert.deepEqual(await deliver(url, n), { status: 204, text: '' })
  const bad = await deliver(url, flip(n, 30))
  assert.equal(bad.status, 401)
  assert.equal(JSON.parse(bad.text).code, 'FAIL')
  assert.deepEqual(seen, [no])
}

describe('adapters end to end', () => {
  const options = (seen) => ({ pay: new WechatPayClient({ ...clientOptions(k), fetch: fake.fetch }), store: createMemoryStore(), handler: (r) => seen.push(r.out_trade_no), ...quiet })

  test('Koa, after @koa/bodyparser (its rawBody is used)', async () => {
    const Koa = require('koa')
    const Router = require('@koa/router')
    const { bodyParser } = require('@koa/bodyparser')
    const seen = []
    const app = new Koa()
    const router = new Router()
    router.post('/pay/notify', payNotifyKoa(options(seen)))
    app.use(bodyParser()).use(router.routes())
    const s = await listen(app.callback())
    try {
      await endToEnd(s.url, seen, 'KOA1')
    } finally {
      await s.close()
    }
  })

  test('Express: stream read by the middleware; express.raw() works; express.json() first is refused (500 FAIL, never re-serialised)', async () => {
    const express = require('express')
    const seen = []
    const app = express()
    app.post('/pay/notify', payNotifyExpress(options(seen)))
    app.post('/raw/pay/notify', express.raw({ type: '*/*' }), payNotifyExpress(options(seen)))
    app.post('/json/pay/notify', express.json(), payNotifyExpress(options([])))
    const s = await listen(app)
    try {
      await endToEnd(s.url, seen, 'EXP1')
      seen.length = 0
      await endToEnd(`${s.url}/raw`, seen, 'EXP2')
      const parsed = await deliver(`${s.url}/json`, fake.notification(tx('EXP3')))
      assert.equal(parsed.status, 500)
      assert.deepEqual(JSON.parse(parsed.text), { code: 'FAIL', message: 'raw body unavailable' })
    } finally {
      await s.close()
    }
  })

  test('NestJS (Express platform, rawBody: true)', async () => {
    const { Controller, Post, Req, Res, Module } = require('@nestjs/common')
    const { NestFactory } = require('@nestjs/core')
    const seen = []
    const notify = payNotifyNest(options(seen))
    class PayController {
      notify(req, res) {
        return notify(req, res)
      }
    }
    Controller()(PayController)
    Req()(PayController.prototype, 'notify', 0)
    Res()(PayController.prototype, 'notify', 1)
    Post('pay/notify')(PayController.prototype, 'notify', Object.getOwnPropertyDescriptor(PayController.prototype, 'notify'))
    class AppModule {}
    Module({ controllers: [PayController] })(AppModule)
    const app = await NestFactory.create(AppModule, { rawBody: true, logger: false })
    await app.listen(0, '127.0.0.1')
    try {
      await endToEnd(await app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')), seen, 'NEST1')
    } finally {
      await app.close()
    }
  })

  test('NestJS (Fastify platform, rawBody: true)', async () => {
    const { Controller, Post, Req, Res, Module } = require('@nestjs/common')
    const { NestFactory } = require('@nestjs/core')
    const { FastifyAdapter } = require('@nestjs/platform-fastify')
    const seen = []
    const notify = payNotifyNest(options(seen))
    class PayController {
      notify(req, res) {
        return notify(req, res)
      }
    }
    Controller()(PayController)
    Req()(PayController.prototype, 'notify', 0)
    Res()(PayController.prototype, 'notify', 1)
    Post('pay/notify')(PayController.prototype, 'notify', Object.getOwnPropertyDescriptor(PayController.prototype, 'notify'))
    class AppModule {}
    Module({ controllers: [PayController] })(AppModule)
    const app = await NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true, logger: false })
    await app.listen(0, '127.0.0.1')
    try {
      await endToEnd(`http://127.0.0.1:${app.getHttpServer().address().port}`, seen, 'NESTF1')
    } finally {
      await app.close()
    }
  })

  test('Hono (fetch-style: app.request)', async () => {
    const { Hono } = require('hono')
    const seen = []
    const app = new Hono()
    app.post('/pay/notify', payNotifyHono(options(seen)))
    const s = { url: 'http://h.test' }
    const origFetch = (u, init) => app.request(u, init)
    const d = (n) => origFetch(`${s.url}/pay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({ status: r.status, text: await r.text() }))
    const n = fake.notification(tx('HONO1'))
    assert.deepEqual(await d(n), { status: 204, text: '' })
    assert.deepEqual(await d(n), { status: 204, text: '' })
    assert.equal((await d(flip(n, 30))).status, 401)
    const big = await origFetch(`${s.url}/pay/notify`, { method: 'POST', headers: { 'content-length': String(1 << 20) }, body: 'x'.repeat(1 << 20) })
    assert.equal(big.status, 413)
    assert.deepEqual(seen, ['HONO1'])
  })
})

/** tsc --noEmit --strict on js-tests/types/<file> (CommonJS, node16 resolution): its errors fail the test. */
function typeCheck(file) {
  const { execFileSync } = require('node:child_process')
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--lib', 'es2022,dom', path.join(__dirname, 'types', file)]
  try {
    execFileSync(process.execPath, [tsc, ...args], { stdio: 'pipe', timeout: 120_000, encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`)
  }
}

test('types: wxcrypt/pay-client as a TypeScript consumer writes it (js-tests/types/pay-client.cts)', { timeout: 120_000 }, () => {
  typeCheck('pay-client.cts')
})

// Each file also holds @ts-expect-error lines (a number body, a missing key, an unknown error
// code): a declaration that stops refusing the misuse fails the check too.
test('types: wxcrypt/pay (WechatPay, WechatPayPlatform) as a TypeScript consumer writes it (js-tests/types/pay.cts)', { timeout: 120_000 }, () => {
  typeCheck('pay.cts')
})

test('types: ApiSecurity, ApiSecurityPlatform and WeChatClient({ apiSecurity }) as a TypeScript consumer writes them (js-tests/types/api-security.cts)', { timeout: 120_000 }, () => {
  typeCheck('api-security.cts')
})
