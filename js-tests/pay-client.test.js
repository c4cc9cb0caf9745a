'use strict'
// WechatPayClient against a fake api.mch.weixin.qq.com (js-tests/support/pay-fake.js): every
// call signed and its answer verified, a tampered answer refused, certificates downloaded,
// decrypted, verified and shared through the store, timeouts, and no secret in errors or inspect.
const { describe, test, before } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')
const { keys, createFakePay, clientOptions, CERT_SERIAL, API_V3_KEY } = require('./support/pay-fake.js')
const { WechatPayClient, source } = require('./support/pay-under-test.js')
const { createMemoryStore } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'store', 'memory.js'))
const { WechatPayApiError } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'errors.js'))
const crypto = require('node:crypto')

let k
before(() => {
  k = keys()
})

const order = (n = crypto.randomUUID().replace(/-/g, '')) => ({
  description: '测试商品',
  out_trade_no: n,
  notify_url: 'https://example.com/pay/notify',
  amount: { total: 100, currency: 'CNY' },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
})

describe(`WechatPayClient (WechatPay: ${source})`, () => {
  test('JSAPI order -> prepay_id and verified requestPayment params; query both ways; close; refund; refund query', async () => {
    const fake = createFakePay(k, { mode: 'publicKey' })
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch, baseUrl: 'https://fake.test' }))
    const o = order()
    const { prepayId, requestPayment } = await client.jsapiOrder(o)
    assert.match(prepayId, /^wx[0-9a-f]{24}$/)
    assert.equal(requestPayment.package, `prepay_id=${prepayId}`)
    assert.equal(requestPayment.signType, 'RSA')
    assert.equal(requestPayment.appId, 'wx0123456789abcdef')
    assert.match(requestPayment.timeStamp, /^\d{10}$/)
    assert.match(requestPayment.nonceStr, /^[A-Za-z0-9]{32}$/)
    const signed = `${requestPayment.appId}\n${requestPayment.timeStamp}\n${requestPayment.nonceStr}\n${requestPayment.package}\n`
    assert.ok(crypto.verify('sha256', Buffer.from(signed), k.merchantPublicKey, Buffer.from(requestPayment.paySign, 'base64')))

    const q = await client.queryByOutTradeNo(o.out_trade_no)
    assert.equal(q.trade_state, 'NOTPAY')
    const q2 = await client.queryByTransactionId(q.transaction_id)
    assert.equal(q2.out_trade_no, o.out_trade_no)
    assert.equal(await client.closeOrder(o.out_trade_no), undefined)
    assert.equal((await client.queryByOutTradeNo(o.out_trade_no)).trade_state, 'CLOSED')
    const r = await client.refund({ out_trade_no: o.out_trade_no, out_refund_no: `R${o.out_trade_no}`, amount: { refund: 50, total: 100, currency: 'CNY' } })
    assert.equal(r.status, 'PROCESSING')
    assert.equal((await client.queryRefund(`R${o.out_trade_no}`)).status, 'SUCCESS')
    assert.deepEqual(fake.calls.slice(0, 2), ['POST /v3/pay/transactions/jsapi', `GET /v3/pay/transactions/out-trade-no/${o.out_trade_no}`])
  })

  test("WeChat's verified error answer is a WechatPayApiError with its code", async () => {
    const fake = createFakePay(k, { mode: 'publicKey' })
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch }))
    const err = await client.queryByOutTradeNo('nope').catch((e) => e)
    assert.ok(err instanceof WechatPayApiError)
    assert.equal(err.status, 404)
    assert.equal(err.code, 'ORDER_NOT_EXIST')
    assert.equal(err.api, 'GET /v3/pay/transactions/out-trade-no/nope')
  })

  test('a tampered answer (a byte flipped after signing) is refused: EBADSIGNATURE, its content not returned', async () => {
    const fake = createFakePay(k, { mode: 'publicKey' })
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch }))
    fake.tamper = true
    const err = await client.jsapiOrder(order()).catch((e) => e)
    assert.ok(err instanceof WechatPayApiError, String(err))
    assert.equal(err.code, 'EBADSIGNATURE')
    assert.equal(err.detail, undefined)
  })

  test('a stale answer (timestamp outside the window) is refused', async () => {
    const fake = createFakePay(k, { mode: 'publicKey', now: () => Math.floor(Date.now() / 1000) - 3600 })
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch }))
    const err = await client.queryByOutTradeNo('x').catch((e) => e)
    assert.equal(err.code, 'EBADSIGNATURE')
  })

  test('an unsigned error answer (a proxy) is EUNSIGNED, an unsigned success is EBADSIGNATURE', async () => {
    let status = 502
    const fetch = async () => new Response(JSON.stringify({ code: 'PROXY', message: 'bad gateway' }), { status })
    const client = new WechatPayClient(clientOptions(k, { fetch }))
    const err = await client.queryRefund('R1').catch((e) => e)
    assert.equal(err.code, 'EUNSIGNED')
    assert.deepEqual(err.unverified, { code: 'PROXY', message: 'bad gateway' })
    status = 200
    assert.equal((await client.queryRefund('R1').catch((e) => e)).code, 'EBADSIGNATURE')
  })

  test('platform certificates: downloaded on an unknown serial, decrypted with the APIv3 key, verified, shared through the store', async () => {
    const fake = createFakePay(k, { mode: 'certificate' })
    const store = createMemoryStore()
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch, store }))
    // The answer is signed by the certificate the client does not know yet: it downloads it first.
    const o = order()
    await client.jsapiOrder(o)
    assert.deepEqual(fake.calls, ['POST /v3/pay/transactions/jsapi', 'GET /v3/certificates'])
    const saved = await store.get('paycerts:1900000001')
    assert.equal(saved.certificates[0].serial, CERT_SERIAL)
    assert.match(saved.certificates[0].certificate, /^-----BEGIN CERTIFICATE-----/)
    // Another process sharing the store never downloads.
    const fake2 = createFakePay(k, { mode: 'both' })
    const other = new WechatPayClient(clientOptions(k, { fetch: fake2.fetch, store }))
    for (let i = 0; i < 6; i++) await other.queryRefund('none').catch((e) => assert.equal(e.code, 'RESOURCE_NOT_EXISTS'))
    assert.ok(!fake2.calls.includes('GET /v3/certificates'))
  })

  test('a certificate list that does not decrypt under the APIv3 key is refused and nothing is installed', async () => {
    const fake = createFakePay(k, { mode: 'certificate' })
    const wrong = { ...clientOptions(k), apiV3Key: 'b'.repeat(32) }
    const client = new WechatPayClient({ ...wrong, fetch: fake.fetch, log: () => {} })
    const err = await client.downloadCertificates().catch((e) => e)
    assert.equal(err.code, 'EBADSIGNATURE')
    assert.equal((await client.queryRefund('x').catch((e) => e)).code, 'EBADSIGNATURE')
  })

  test('every call is bounded: ETIMEDOUT after timeoutMs; a failing fetch is ENETWORK without its message', async () => {
    const fake = createFakePay(k, { mode: 'publicKey' })
    fake.delayMs = 2000
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch, timeoutMs: 100 }))
    const t0 = Date.now()
    const err = await client.queryRefund('x').catch((e) => e)
    assert.equal(err.code, 'ETIMEDOUT')
    assert.ok(Date.now() - t0 < 1000)
    const broken = new WechatPayClient(clientOptions(k, { fetch: async () => { throw new Error(`secret ${API_V3_KEY}`) } }))
    const e2 = await broken.queryRefund('x').catch((e) => e)
    assert.equal(e2.code, 'ENETWORK')
    assert.ok(!e2.message.includes(API_V3_KEY))
  })

  // A fetch given in the options owes the client nothing: the deadline must hold without its help.
  // (Each test has its own timeout: without the race in lib/deadline.js these calls never settle.)
  test('bounded even when the fetch ignores its signal and never settles: ETIMEDOUT within timeoutMs', { timeout: 10_000 }, async () => {
    const seen = []
    const deaf = (url, init) => {
      seen.push(init.signal)
      return new Promise(() => {})
    }
    const client = new WechatPayClient(clientOptions(k, { fetch: deaf, timeoutMs: 100 }))
    const t0 = Date.now()
    const err = await client.queryRefund('x').catch((e) => e)
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
    assert.ok(err instanceof WechatPayApiError, String(err))
    assert.equal(err.code, 'ETIMEDOUT')
    assert.equal(err.status, 0)
    assert.equal(err.errmsg, 'no answer within 100 ms')
    assert.equal(err.api, 'GET /v3/refund/domestic/refunds/x')
    assert.equal(seen.length, 1)
    assert.equal(seen[0].aborted, true) // still asked to stop
  })

  test('bounded even when the answer body sends a chunk and then stalls (and ignores cancel): ETIMEDOUT', { timeout: 10_000 }, async () => {
    const stalled = async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"code":'))
          },
          cancel() {},
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      )
    const client = new WechatPayClient(clientOptions(k, { fetch: stalled, timeoutMs: 100 }))
    const t0 = Date.now()
    const err = await client.queryByOutTradeNo('x').catch((e) => e)
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
    assert.ok(err instanceof WechatPayApiError, String(err))
    assert.equal(err.code, 'ETIMEDOUT')
    assert.equal(err.errmsg, 'no answer within 100 ms')
  })

  test('a store whose get never settles: the first call still completes with the configured keys, within storeTimeoutMs', { timeout: 10_000 }, async () => {
    const fake = createFakePay(k, { mode: 'publicKey' })
    const logged = []
    const store = { get: () => new Promise(() => {}), set: async () => {}, delete: async () => {} }
    const client = new WechatPayClient(clientOptions(k, { fetch: fake.fetch, store, storeTimeoutMs: 50, log: (e) => logged.push(e) }))
    const t0 = Date.now()
    const o = order()
    const { prepayId } = await client.jsapiOrder(o)
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`)
    // The answer was verified with the configured public key: no certificate download either.
    assert.match(prepayId, /^wx[0-9a-f]{24}$/)
    assert.deepEqual(fake.calls, ['POST /v3/pay/transactions/jsapi'])
    assert.deepEqual(
      logged.map((e) => [e.level, e.event, e.message]),
      [['warn', 'pay-certificates-store', 'platform certificates: store unavailable (ESTORE_TIMEOUT); using the configured keys']],
    )
  })

  test('no secret in inspect, JSON or errors; arguments checked', async () => {
    const client = new WechatPayClient(clientOptions(k, { fetch: async () => new Response('{}', { status: 500 }) }))
    const shown = util.inspect(client, { depth: 5 }) + JSON.stringify(client)
    assert.ok(!shown.includes(API_V3_KEY))
    assert.ok(!shown.includes('PRIVATE KEY'))
    const err = await client.queryRefund('x').catch((e) => e)
    assert.ok(!JSON.stringify({ ...err, m: err.message }).includes(API_V3_KEY))
    await assert.rejects(client.queryByOutTradeNo(''), { code: 'ERR_INVALID_ARG_TYPE' })
    await assert.rejects(client.request('GET', '/v2/x'), TypeError)
    assert.throws(() => new WechatPayClient(clientOptions(k, { timeoutMs: 0 })), TypeError)
  })
})
