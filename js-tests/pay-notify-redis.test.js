'use strict'
// Pay callbacks exactly once across processes on a real redis-server (never skipped): 4 worker
// processes (js-tests/support/pay-notify-worker.js) receive the same signed notification 50 times
// concurrently and the handler runs once; a handler failure then WeChat's retries: once in total;
// Redis killed: WeChat is answered 503 FAIL (retry) and nothing runs, then after Redis is back the
// retry runs the handler once.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const crypto = require('node:crypto')
const { fork } = require('node:child_process')
const { startRedis } = require('./support/redis.js')
const { keys, createFakePay, clientOptions, CERT_SERIAL } = require('./support/pay-fake.js')
const { WechatPayClient } = require('./support/pay-under-test.js')
const { root } = require('./support/wxcrypt.js')
const { createRedisStore } = require(path.join(root, 'npm', 'wxcrypt', 'redis.js'))

const TIMEOUT = { timeout: 120_000 }
let redis
let k
let workers = []
let fake
const events = []

function post(port, n) {
  return fetch(`http://127.0.0.1:${port}/pay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({ status: r.status, text: await r.text() }))
}
const ran = (id) => events.filter((e) => e.ran === id).length
const threw = (id) => events.filter((e) => e.threw === id).length

before(async () => {
  redis = await startRedis()
  k = keys()
  fake = createFakePay(k, { mode: 'publicKey' })
  const { appId, ...payOptions } = clientOptions(k)
  const prefix = `t${crypto.randomBytes(4).toString('hex')}:`
  workers = await Promise.all(
    [0, 1, 2, 3].map(
      () =>
        new Promise((resolve, reject) => {
          const child = fork(path.join(__dirname, 'support', 'pay-notify-worker.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
          child.on('message', (m) => {
            if (m.listening) resolve({ child, port: m.listening })
            else if (!m.ack) events.push(m)
          })
          child.once('exit', (code) => reject(new Error(`worker exited ${code}`)))
          child.send({ start: { payOptions, redisUrl: redis.url, prefix, handlerMs: 50 } })
        }),
    ),
  )
})

after(async () => {
  for (const w of workers) w.child.kill()
  if (redis) await redis.stop()
})

describe('pay callbacks exactly once: 4 processes, a real Redis', TIMEOUT, () => {
  test('the same notification 50 times concurrently over 4 processes: the handler runs once', async () => {
    const n = fake.notification({ out_trade_no: 'T50', trade_state: 'SUCCESS', amount: { total: 100 } })
    const id = JSON.parse(n.body).id
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(workers[i % 4].port, n)))
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(ran(id), 1)
    for (const a of answers) {
      assert.ok(a.status === 204 || a.status === 503, `${a.status} ${a.text}`)
      if (a.status === 503) assert.equal(JSON.parse(a.text).code, 'FAIL')
    }
    assert.ok(answers.some((a) => a.status === 204))
    // Every later delivery (WeChat's retries of the 503s) is acknowledged without running it.
    const again = await Promise.all(workers.map((w) => post(w.port, n)))
    assert.deepEqual(again.map((a) => a.status), [204, 204, 204, 204])
    assert.equal(ran(id), 1)
  })

  test('a handler failure (500 FAIL), then the retries: the handler completes exactly once in total', async () => {
    const n = fake.notification({ out_trade_no: 'TFAIL', trade_state: 'SUCCESS' })
    const id = JSON.parse(n.body).id
    await new Promise((resolve) => {
      workers[0].child.once('message', resolve)
      workers[0].child.send({ failNext: true })
    })
    const first = await post(workers[0].port, n)
    assert.equal(first.status, 500)
    assert.deepEqual(JSON.parse(first.text), { code: 'FAIL', message: 'handler failed' })
    assert.equal(threw(id), 1)
    assert.equal(ran(id), 0)
    const retries = await Promise.all([1, 2, 3, 0, 1].map((i) => post(workers[i].port, n)))
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(ran(id), 1)
    assert.ok(retries.every((a) => a.status === 204 || a.status === 503))
    assert.equal((await post(workers[2].port, n)).status, 204)
    assert.equal(ran(id), 1)
  })

  test('Redis down: 503 FAIL and the handler does not run; Redis back: the retry runs it once', async () => {
    const n = fake.notification({ out_trade_no: 'TDOWN', trade_state: 'SUCCESS' })
    const id = JSON.parse(n.body).id
    await redis.kill()
    const down = await Promise.all(workers.map((w) => post(w.port, n)))
    for (const a of down) {
      assert.equal(a.status, 503)
      assert.equal(JSON.parse(a.text).code, 'FAIL')
    }
    assert.equal(ran(id), 0)
    await redis.start()
    // WeChat retries (15 s, 15 s, 30 s, ... in production): until the stores have reconnected.
    const deadline = Date.now() + 20_000
    let ok
    for (;;) {
      ok = await post(workers[1].port, n)
      if (ok.status === 204 || Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(ok.status, 204)
    await Promise.all(workers.map((w) => post(w.port, n)))
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(ran(id), 1)
  })

  test('platform certificates downloaded by one client are reused from Redis by another (no second download)', async () => {
    const prefix = `c${crypto.randomBytes(4).toString('hex')}:`
    const s1 = createRedisStore({ url: redis.url, prefix })
    const s2 = createRedisStore({ url: redis.url, prefix })
    try {
      const f1 = createFakePay(k, { mode: 'certificate' })
      const c1 = new WechatPayClient({ ...clientOptions(k), fetch: f1.fetch, store: s1 })
      await c1.queryRefund('none').catch((e) => assert.equal(e.code, 'RESOURCE_NOT_EXISTS'))
      assert.ok(f1.calls.includes('GET /v3/certificates'))
      const f2 = createFakePay(k, { mode: 'certificate' })
      const c2 = new WechatPayClient({ ...clientOptions(k), fetch: f2.fetch, store: s2 })
      await c2.queryRefund('none').catch((e) => assert.equal(e.code, 'RESOURCE_NOT_EXISTS'))
      assert.deepEqual(f2.calls, ['GET /v3/refund/domestic/refunds/none'])
      assert.equal((await s2.get('paycerts:1900000001')).certificates[0].serial, CERT_SERIAL)
    } finally {
      await s1.close()
      await s2.close()
    }
  })
})
