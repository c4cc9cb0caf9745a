'use strict'
// The README's WeChat Pay callback examples (examples/pay/express.js, fastify.js, hono.mjs,
// examples/nest/src/pay.controller.ts) as written, each receiving real callbacks from the pay
// simulator (both keys at random): the raw body verified, the order paid once, a repeat
// acknowledged without running the handler.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { root } = require('./support/wxcrypt.js')

const { createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { createMemoryStore } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))
const { WechatPayClient } = require(path.join(root, 'npm', 'wxcrypt', 'pay-client.js'))

const APP_ID = 'wx0123456789abcdef'

async function setUp(t) {
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const m = { mchId: '1900000109', merchantSerialNo: crypto.randomBytes(20).toString('hex').toUpperCase(), apiV3Key: crypto.randomBytes(16).toString('hex') }
  const sim = await createPaySimulator({ ...m, merchantPublicKey: merchant.publicKey, mode: 'both', timeScale: 0.001 })
  t.after(() => sim.close())
  const client = new WechatPayClient({ ...m, merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }), platformKeys: sim.platformKeys, appId: APP_ID, baseUrl: sim.url })
  const paid = []
  return { sim, client, store: createMemoryStore(), paid, onPaid: async (tx) => paid.push(tx.out_trade_no) }
}

/** An order whose callback goes to `url`, paid; then WeChat repeats the callback twice. */
async function payThrough(s, url, outTradeNo) {
  const { prepayId } = await s.client.jsapiOrder({ description: 'Coffee', out_trade_no: outTradeNo, notify_url: url, amount: { total: 1800 }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
  const delivery = s.sim.pay(prepayId)
  assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
  assert.deepEqual(await Promise.all([s.sim.resend(delivery.id), s.sim.resend(delivery.id)]), [204, 204])
  assert.deepEqual(s.paid, [outTradeNo])
}

async function listen(t, handler) {
  const server = http.createServer(handler)
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  t.after(() => new Promise((r) => { server.close(r); server.closeAllConnections() }))
  return `http://127.0.0.1:${server.address().port}`
}

test('examples/pay/express.js: callbacks before express.json()', async (t) => {
  const s = await setUp(t)
  const { createExpressApp } = require(path.join(root, 'examples', 'pay', 'express.js'))
  const base = await listen(t, createExpressApp(s))
  await payThrough(s, `${base}/pay/notify`, 'EXPRESS_0001')
})

test('examples/pay/fastify.js: raw JSON bytes in the callback scope only', async (t) => {
  const s = await setUp(t)
  const { createFastifyApp } = require(path.join(root, 'examples', 'pay', 'fastify.js'))
  const app = createFastifyApp(s)
  app.post('/echo', async (req) => req.body) // outside the scope: JSON parsed as usual
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const base = `http://127.0.0.1:${app.server.address().port}`
  await payThrough(s, `${base}/pay/notify`, 'FASTIFY_0001')
  const echo = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
  assert.deepEqual(await echo.json(), { a: 1 })
})

test('examples/pay/hono.mjs: payNotifyHono reads the Request itself', async (t) => {
  const s = await setUp(t)
  const { createHonoApp } = await import(path.join(root, 'examples', 'pay', 'hono.mjs'))
  const app = createHonoApp(s)
  // A minimal Node bridge to app.fetch (on Workers, Deno and Bun the app is the fetch handler).
  const base = await listen(t, async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const headers = Object.entries(req.headers).filter(([, v]) => typeof v === 'string')
    const answer = await app.fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }))
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    res.end(Buffer.from(await answer.arrayBuffer()))
  })
  await payThrough(s, `${base}/pay/notify`, 'HONO_0001')
})

test('examples/nest/src/pay.controller.ts: NestFactory.create(..., { rawBody: true })', { timeout: 180_000 }, async (t) => {
  const s = await setUp(t)
  const out = path.join(root, 'target', 'pay-nest-example')
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'examples', 'nest'), '--outDir', out], { stdio: 'pipe', timeout: 150_000 })
  require('reflect-metadata')
  const { Module } = require('@nestjs/common')
  const { NestFactory } = require('@nestjs/core')
  const { payController } = require(path.join(out, 'pay.controller.js'))
  class AppModule {}
  Module({ controllers: [payController({ pay: s.client, store: s.store, handler: async (tx) => s.onPaid(tx) })] })(AppModule)
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: false })
  await app.listen(0, '127.0.0.1')
  t.after(() => app.close())
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`
  await payThrough(s, `${base}/pay/notify`, 'NEST_0001')
})
