'use strict'
// The WeChat Pay simulator (wxcrypt/simulator's createPaySimulator) in its three key modes:
// orders, queries, close, refunds and /v3/certificates with every answer verified, the user paying
// and the TRANSACTION.SUCCESS callback verified and decrypted (by node:crypto, and by wxcrypt/pay's
// WechatPay), WeChat's retry schedule until a 2xx, bad Authorization refused.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const crypto = require('node:crypto')
const { root } = require('./support/wxcrypt.js')
const M = require('./support/pay-merchant.js')

const { createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { RETRY_SCHEDULE_MS } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'simulator', 'pay.js'))
const payModule = M.loadPay()

async function setUp(mode, extra = {}) {
  const m = M.newMerchant()
  const sim = await createPaySimulator({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPublicKey: m.publicKeyPem, apiV3Key: m.apiV3Key, mode, timeScale: 0.001, ...extra })
  const pay = payModule
    ? new payModule.WechatPay({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPrivateKey: m.privateKeyPem, apiV3Key: m.apiV3Key, platformKeys: sim.platformKeys })
    : null
  return { m, sim, pay }
}

/** Verifies a signed answer both ways; returns the serial that signed it. */
async function verified(ctx, headers, body) {
  const serial = M.verifySigned(ctx.sim.platformKeys, headers, body)
  if (ctx.pay) await ctx.pay.verify({ headers, body })
  return serial
}

function order(m, notifyUrl, outTradeNo = 'T' + crypto.randomBytes(8).toString('hex'), total = 1) {
  return { appid: 'wx0123456789abcdef', mchid: m.mchId, description: 'Coffee', out_trade_no: outTradeNo, notify_url: notifyUrl, amount: { total, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } }
}

for (const mode of ['certificate', 'publicKey', 'both']) {
  test(`pay simulator, ${mode} mode: order, pay, callback, query, refund, close, certificates`, async (t) => {
    const ctx = await setUp(mode)
    const { m, sim } = ctx
    const notify = await M.notifyServer()
    t.after(() => Promise.all([sim.close(), notify.close()]))
    const serials = new Set()

    const created = await M.call(m, sim.url, 'POST', '/v3/pay/transactions/jsapi', order(m, notify.url, 'ORDER_0001', 100))
    assert.equal(created.status, 200)
    assert.match(created.json.prepay_id, /^wx\d{14}[0-9a-f]{18}$/)
    serials.add(await verified(ctx, created.headers, created.text))
    // The same order again: the same prepay_id.
    const again = await M.call(m, sim.url, 'POST', '/v3/pay/transactions/jsapi', order(m, notify.url, 'ORDER_0001', 100))
    assert.equal(again.json.prepay_id, created.json.prepay_id)

    const before = await M.call(m, sim.url, 'GET', `/v3/pay/transactions/out-trade-no/ORDER_0001?mchid=${m.mchId}`)
    assert.equal(before.json.trade_state, 'NOTPAY')
    serials.add(await verified(ctx, before.headers, before.text))

    const delivery = sim.pay(created.json.prepay_id)
    assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
    assert.equal(notify.received.length, 1)
    const cb = notify.received[0]
    serials.add(await verified(ctx, cb.headers, cb.body))
    const notice = JSON.parse(cb.body)
    assert.equal(notice.event_type, 'TRANSACTION.SUCCESS')
    assert.equal(notice.resource.original_type, 'transaction')
    const tx = JSON.parse(M.decryptResource(m.apiV3Key, notice.resource))
    assert.equal(tx.trade_state, 'SUCCESS')
    assert.equal(tx.out_trade_no, 'ORDER_0001')
    assert.equal(tx.amount.total, 100)
    if (ctx.pay) {
      const opened = await ctx.pay.openNotification({ headers: cb.headers, body: cb.body })
      assert.equal(opened.id, notice.id)
      assert.deepEqual(opened.resource, tx)
    }

    const byId = await M.call(m, sim.url, 'GET', `/v3/pay/transactions/id/${tx.transaction_id}?mchid=${m.mchId}`)
    assert.equal(byId.status, 200)
    assert.deepEqual(byId.json, tx)
    serials.add(await verified(ctx, byId.headers, byId.text))

    const refund = await M.call(m, sim.url, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'ORDER_0001', out_refund_no: 'R_0001', reason: 'test', amount: { refund: 60, total: 100, currency: 'CNY' } })
    assert.equal(refund.status, 200)
    assert.equal(refund.json.status, 'PROCESSING')
    assert.equal(refund.json.amount.refund, 60)
    serials.add(await verified(ctx, refund.headers, refund.text))
    const tooMuch = await M.call(m, sim.url, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'ORDER_0001', out_refund_no: 'R_0002', amount: { refund: 50, total: 100, currency: 'CNY' } })
    assert.equal(tooMuch.status, 403)
    assert.equal(tooMuch.json.code, 'NOT_ENOUGH')
    const refundQuery = await M.call(m, sim.url, 'GET', '/v3/refund/domestic/refunds/R_0001')
    assert.equal(refundQuery.json.status, 'SUCCESS')
    serials.add(await verified(ctx, refundQuery.headers, refundQuery.text))

    // Close: an unpaid order closes (204, empty signed body); a paid one does not.
    await M.call(m, sim.url, 'POST', '/v3/pay/transactions/jsapi', order(m, notify.url, 'ORDER_0002'))
    const closed = await M.call(m, sim.url, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_0002/close', { mchid: m.mchId })
    assert.equal(closed.status, 204)
    assert.equal(closed.text, '')
    serials.add(await verified(ctx, closed.headers, closed.text))
    assert.equal(sim.order('ORDER_0002').trade_state, 'CLOSED')
    const closePaid = await M.call(m, sim.url, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_0001/close', { mchid: m.mchId })
    assert.equal(closePaid.json.code, 'ORDERPAID')
    const missing = await M.call(m, sim.url, 'GET', `/v3/pay/transactions/out-trade-no/NOPE_0001?mchid=${m.mchId}`)
    assert.equal(missing.status, 404)
    assert.equal(missing.json.code, 'ORDER_NOT_EXIST')

    const certs = await M.call(m, sim.url, 'GET', '/v3/certificates')
    if (mode === 'publicKey') {
      assert.equal(certs.status, 404) // a public-key-only merchant has no platform certificate
    } else {
      assert.equal(certs.status, 200)
      const [item] = certs.json.data
      assert.equal(item.serial_no, sim.platformCertificate.serial)
      const pem = M.decryptResource(m.apiV3Key, item.encrypt_certificate)
      assert.equal(pem, sim.platformCertificate.certificate)
      assert.equal(new crypto.X509Certificate(pem).serialNumber, item.serial_no)
      if (ctx.pay) assert.equal(await ctx.pay.decryptResource(item.encrypt_certificate), pem)
    }
    serials.add(await verified(ctx, certs.headers, certs.text))

    const want = { certificate: [sim.platformCertificate.serial], publicKey: [sim.platformPublicKey.id], both: [sim.platformCertificate.serial, sim.platformPublicKey.id] }[mode]
    if (mode !== 'both') assert.deepEqual([...serials], want)
    else for (const s of serials) assert.ok(want.includes(s))
  })
}

test('pay simulator, both mode: answers come signed by either key (the switch-over)', async (t) => {
  let i = 0
  const ctx = await setUp('both', { random: () => (i++ % 2 ? 0.9 : 0.1) })
  t.after(() => ctx.sim.close())
  assert.equal(ctx.sim.platformKeys.length, 2)
  const seen = []
  for (let n = 0; n < 4; n++) {
    const r = await M.call(ctx.m, ctx.sim.url, 'GET', `/v3/pay/transactions/out-trade-no/NOPE_0001?mchid=${ctx.m.mchId}`)
    seen.push(await verified(ctx, r.headers, r.text))
  }
  assert.deepEqual(seen, [ctx.sim.platformCertificate.serial, ctx.sim.platformPublicKey.id, ctx.sim.platformCertificate.serial, ctx.sim.platformPublicKey.id])
  assert.match(ctx.sim.platformPublicKey.id, /^PUB_KEY_ID_\d{32}$/)
  assert.match(ctx.sim.platformCertificate.serial, /^[0-9A-F]{40}$/)
})

test('pay simulator: a callback is retried on WeChat\'s schedule until a 2xx', async (t) => {
  const ctx = await setUp('publicKey', { timeScale: 0.002 })
  const notify = await M.notifyServer((n) => (n < 4 ? 500 : 200))
  t.after(() => Promise.all([ctx.sim.close(), notify.close()]))
  const created = await M.call(ctx.m, ctx.sim.url, 'POST', '/v3/pay/transactions/jsapi', order(ctx.m, notify.url))
  const delivery = ctx.sim.pay(created.json.prepay_id)
  assert.deepEqual(await delivery.done, { attempts: 4, acknowledged: true })
  assert.deepEqual(delivery.statuses, [500, 500, 500, 200])
  // 15 s, 15 s, 30 s scaled by 0.002: at least 30, 30, 60 ms apart.
  const gaps = notify.received.slice(1).map((r, k) => r.at - notify.received[k].at)
  gaps.forEach((g, k) => assert.ok(g >= RETRY_SCHEDULE_MS[k] * 0.002 - 5, `gap ${k}: ${g} ms`))
  // The same notification each time, each copy signed afresh and valid.
  const ids = new Set(notify.received.map((r) => JSON.parse(r.body).id))
  assert.equal(ids.size, 1)
  for (const r of notify.received) await verified(ctx, r.headers, r.body)
  assert.equal(ctx.sim.order(delivery.key).trade_state, 'SUCCESS')
})

test('pay simulator: an unreachable notify_url gets the whole schedule, then WeChat gives up', async (t) => {
  const ctx = await setUp('certificate', { timeScale: 0.00002 })
  t.after(() => ctx.sim.close())
  const created = await M.call(ctx.m, ctx.sim.url, 'POST', '/v3/pay/transactions/jsapi', order(ctx.m, 'http://127.0.0.1:9/notify'))
  const delivery = ctx.sim.pay(created.json.prepay_id)
  assert.deepEqual(await delivery.done, { attempts: RETRY_SCHEDULE_MS.length + 1, acknowledged: false })
  assert.deepEqual(RETRY_SCHEDULE_MS.slice(0, 7).map((ms) => ms / 1000), [15, 15, 30, 180, 600, 1200, 1800])
  // The order is paid all the same: a query tells the merchant.
  assert.equal(ctx.sim.order(delivery.key).trade_state, 'SUCCESS')
  assert.equal(ctx.sim.deliveries.length, 1)
})

test('pay simulator: a bad Authorization is refused with 401 SIGN_ERROR', async (t) => {
  const ctx = await setUp('publicKey')
  const { m, sim } = ctx
  t.after(() => sim.close())
  const p = '/v3/pay/transactions/jsapi'
  const body = JSON.stringify(order(m, 'https://example.com/notify'))
  const other = M.newMerchant(m.mchId)
  const stale = Math.floor(Date.now() / 1000) - 600
  const cases = {
    missing: null,
    'not the schema': 'Bearer abc',
    'another key': M.authorization({ ...other, serialNo: m.serialNo }, 'POST', p, body),
    'another serial': M.authorization({ ...m, serialNo: other.serialNo }, 'POST', p, body),
    'another mchid': M.authorization({ ...m, mchId: '1900000001' }, 'POST', p, body),
    'a stale timestamp': M.authorization(m, 'POST', p, body, { timestamp: stale }),
    'another body': M.authorization(m, 'POST', p, body.replace('Coffee', 'Tea')),
    'another path': M.authorization(m, 'POST', p + '?x=1', body),
    'another method': M.authorization(m, 'PUT', p, body),
  }
  for (const [name, auth] of Object.entries(cases)) {
    const r = await M.call(m, sim.url, 'POST', p, JSON.parse(body), { auth })
    assert.equal(r.status, 401, name)
    assert.equal(r.json.code, 'SIGN_ERROR', name)
    assert.equal(typeof r.json.message, 'string')
    assert.ok(!r.text.includes(m.apiV3Key), name)
    await verified(ctx, r.headers, r.text) // error answers are signed too
  }
  assert.equal(sim.stats().signErrors, Object.keys(cases).length)
  assert.equal(sim.stats().callbacks, 0)
  const good = await M.call(m, sim.url, 'POST', p, JSON.parse(body))
  assert.equal(good.status, 200)
})

test('pay simulator: sensitive fields decrypt under the platform key that the serial names', async (t) => {
  for (const mode of ['certificate', 'publicKey']) {
    const ctx = await setUp(mode)
    t.after(() => ctx.sim.close())
    const k = ctx.sim.platformKeys[0]
    const pub = k.certificate ? new crypto.X509Certificate(k.certificate).publicKey : crypto.createPublicKey(k.publicKey)
    const ct = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('张三')).toString('base64')
    assert.equal(ctx.sim.decryptSensitive(ct, k.serial || k.id), '张三')
    if (ctx.pay) {
      const { ciphertext, serial } = await ctx.pay.encryptSensitive('李四')
      assert.equal(ctx.sim.decryptSensitive(ciphertext, serial), '李四')
    }
  }
})
