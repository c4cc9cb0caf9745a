'use strict'
// WechatPayClient and the Express pay callback against wxcrypt/simulator's createPaySimulator, in
// its three key modes: order -> the user pays -> the callback (verified, decrypted, handled once)
// -> query, refund, refund query, close; platform certificates downloaded on the first answer
// signed by one (the client is configured with the public key only, as after the switch-over).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const http = require('node:http')
const crypto = require('node:crypto')
const { root } = require('./support/wxcrypt.js')
const M = require('./support/pay-merchant.js')
const { WechatPayClient, source } = require('./support/pay-under-test.js')
const { createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { payNotifyExpress } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'notify-node.js'))
const { createMemoryStore } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'store', 'memory.js'))

for (const mode of ['certificate', 'publicKey', 'both']) {
  test(`client + callback on the pay simulator, ${mode} mode (WechatPay: ${source})`, async (t) => {
    const m = M.newMerchant()
    // 'both': the answers alternate, the first signed by the certificate, so the client always
    // meets an unknown serial and downloads the certificate (Math.random could pick the public
    // key for every answer, 1 run in 2048).
    let i = 0
    const random = () => (i++ % 2 ? 0.9 : 0.1)
    const sim = await createPaySimulator({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPublicKey: m.publicKeyPem, apiV3Key: m.apiV3Key, mode, timeScale: 0.001, random })
    const store = createMemoryStore()
    const client = new WechatPayClient({
      mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPrivateKey: m.privateKeyPem, apiV3Key: m.apiV3Key,
      platformKeys: [sim.platformPublicKey], appId: 'wx0123456789abcdef', baseUrl: sim.url, store, log: () => {},
    })
    const handled = []
    const mw = payNotifyExpress({ pay: client, store, handler: (r, n) => handled.push([n.event_type, r.out_trade_no, r.trade_state]), log: () => {} })
    const server = http.createServer((req, res) => mw(req, res, () => res.end()))
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const notifyUrl = `http://127.0.0.1:${server.address().port}/pay/notify`
    t.after(() => Promise.all([sim.close(), new Promise((r) => server.close(r))]))

    const no = `T${crypto.randomBytes(8).toString('hex')}`
    const { prepayId, requestPayment } = await client.jsapiOrder({ description: 'Coffee', out_trade_no: no, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
    assert.equal(requestPayment.package, `prepay_id=${prepayId}`)
    const signed = `${requestPayment.appId}\n${requestPayment.timeStamp}\n${requestPayment.nonceStr}\n${requestPayment.package}\n`
    assert.ok(crypto.verify('sha256', Buffer.from(signed), m.publicKeyPem, Buffer.from(requestPayment.paySign, 'base64')))
    assert.equal((await client.queryByOutTradeNo(no)).trade_state, 'NOTPAY')

    const delivery = sim.pay(prepayId)
    assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
    assert.deepEqual(handled, [['TRANSACTION.SUCCESS', no, 'SUCCESS']])
    const paid = await client.queryByOutTradeNo(no)
    assert.equal(paid.trade_state, 'SUCCESS')
    assert.equal((await client.queryByTransactionId(paid.transaction_id)).out_trade_no, no)

    const refund = await client.refund({ out_trade_no: no, out_refund_no: `R${no}`, amount: { refund: 40, total: 100, currency: 'CNY' } })
    assert.equal(refund.out_refund_no, `R${no}`)
    assert.equal((await client.queryRefund(`R${no}`)).out_refund_no, `R${no}`)

    const other = `C${crypto.randomBytes(8).toString('hex')}`
    await client.jsapiOrder({ description: 'Tea', out_trade_no: other, notify_url: notifyUrl, amount: { total: 1 }, payer: { openid: 'o1' } })
    await client.closeOrder(other)
    assert.equal((await client.queryByOutTradeNo(other)).trade_state, 'CLOSED')

    const err = await client.queryByOutTradeNo('NO_SUCH_ORDER').catch((e) => e)
    assert.equal(err.code, 'ORDER_NOT_EXIST')
    // The certificate was downloaded (and stored) exactly when the simulator signs with it.
    const saved = await store.get(`paycerts:${m.mchId}`)
    if (mode === 'publicKey') assert.equal(saved, undefined)
    else assert.equal(saved.certificates[0].serial, sim.platformCertificate.serial)
  })
}
