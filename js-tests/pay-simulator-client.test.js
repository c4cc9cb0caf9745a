'use strict'
// The pay client (WechatPayClient over wxcrypt/pay's WechatPay, per WXCRYPT_BACKEND; see
// support/pay-under-test.js) against the WeChat Pay simulator in its three key modes: a JSAPI order, the
// wx.requestPayment parameters checked by the simulated WeChat client, the callback through the
// exactly-once Koa middleware, queries, refund, close, certificates.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const Koa = require('koa')
const { root } = require('./support/wxcrypt.js')
const M = require('./support/pay-merchant.js')
const { WechatPayClient } = require('./support/pay-under-test.js')

const { createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { payNotifyKoa } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'notify-node.js'))
const { createMemoryStore } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))

const APP_ID = 'wx0123456789abcdef'

async function koaNotify(client, store, handler) {
  const app = new Koa()
  app.use(payNotifyKoa({ pay: client, store, handler, log: () => {} }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  return { url: `http://127.0.0.1:${server.address().port}/pay/notify`, close: () => new Promise((r) => { server.close(r); server.closeAllConnections() }) }
}

for (const mode of ['certificate', 'publicKey', 'both']) {
  test(`pay client against the simulator, ${mode} mode`, async (t) => {
    const m = M.newMerchant()
    const sim = await createPaySimulator({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPublicKey: m.publicKeyPem, apiV3Key: m.apiV3Key, appId: APP_ID, mode, timeScale: 0.001 })
    t.after(() => sim.close())
    // Certificate mode the way merchants run it: no platform key configured, the certificates downloaded.
    const platformKeys = mode === 'certificate' ? [] : sim.platformKeys
    const store = createMemoryStore()
    const client = new WechatPayClient({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPrivateKey: m.privateKeyPem, apiV3Key: m.apiV3Key, platformKeys, appId: APP_ID, baseUrl: sim.url, store, log: () => {} })
    if (mode === 'certificate') {
      const certs = await client.downloadCertificates()
      assert.deepEqual(certs.map((c) => c.serial), [sim.platformCertificate.serial])
    }
    const paid = []
    const notify = await koaNotify(client, store, (resource) => paid.push(resource))
    t.after(() => notify.close())

    const { prepayId, requestPayment } = await client.jsapiOrder({ description: 'Coffee', out_trade_no: `ORDER_${mode}`, notify_url: notify.url, amount: { total: 300 }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
    assert.equal(requestPayment.package, `prepay_id=${prepayId}`)
    assert.equal(requestPayment.signType, 'RSA')
    assert.throws(() => sim.requestPayment({ ...requestPayment, nonceStr: 'x' + requestPayment.nonceStr }), /requestPayment:fail invalid paySign/)
    const delivery = sim.requestPayment(requestPayment)
    assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
    assert.equal(paid.length, 1)
    assert.equal(paid[0].trade_state, 'SUCCESS')
    assert.equal(paid[0].out_trade_no, `ORDER_${mode}`)

    const q = await client.queryByOutTradeNo(`ORDER_${mode}`)
    assert.equal(q.trade_state, 'SUCCESS')
    assert.deepEqual(await client.queryByTransactionId(q.transaction_id), q)
    const r = await client.refund({ out_trade_no: `ORDER_${mode}`, out_refund_no: `R_${mode}`, amount: { refund: 100, total: 300, currency: 'CNY' } })
    assert.equal(r.status, 'PROCESSING')
    assert.equal((await client.queryRefund(`R_${mode}`)).status, 'SUCCESS')

    await client.jsapiOrder({ description: 'Tea', out_trade_no: `CLOSE_${mode}`, notify_url: notify.url, amount: { total: 1 }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
    assert.equal(await client.closeOrder(`CLOSE_${mode}`), undefined)
    assert.equal((await client.queryByOutTradeNo(`CLOSE_${mode}`)).trade_state, 'CLOSED')
    await assert.rejects(client.queryByOutTradeNo('NOPE_0001'), (err) => err.status === 404 && /ORDER_NOT_EXIST/.test(`${err.code} ${err.message}`))
  })
}

test('pay client against the simulator: the callback runs the handler once, however often WeChat repeats it', async (t) => {
  const m = M.newMerchant()
  const sim = await createPaySimulator({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPublicKey: m.publicKeyPem, apiV3Key: m.apiV3Key, mode: 'both', timeScale: 0.001 })
  t.after(() => sim.close())
  const store = createMemoryStore()
  const client = new WechatPayClient({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPrivateKey: m.privateKeyPem, apiV3Key: m.apiV3Key, platformKeys: sim.platformKeys, appId: APP_ID, baseUrl: sim.url, store, log: () => {} })
  let runs = 0
  let failOnce = true
  const notify = await koaNotify(client, store, () => {
    runs++
    if (failOnce) {
      failOnce = false
      throw new Error('database down')
    }
  })
  t.after(() => notify.close())
  const { prepayId } = await client.jsapiOrder({ description: 'Coffee', out_trade_no: 'ORDER_ONCE', notify_url: notify.url, amount: { total: 1 }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
  const delivery = sim.pay(prepayId)
  assert.deepEqual(await delivery.done, { attempts: 2, acknowledged: true })
  assert.deepEqual(delivery.statuses, [500, 204])
  assert.equal(runs, 2) // the failure, then the retry
  // WeChat repeats a notification it already got an answer for: acknowledged, the handler not run.
  const again = await Promise.all(Array.from({ length: 5 }, () => sim.resend(delivery.id)))
  assert.deepEqual(again, [204, 204, 204, 204, 204])
  assert.equal(runs, 2)
})
