'use strict'
// The Koa demo's WeChat Pay routes (examples/koa/pay.js) on both simulators, in the three key
// modes: the seed flow login -> phone -> order -> wx.requestPayment -> callback -> paid, a repeated
// callback handled once, another user's order hidden, a forged callback refused.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const crypto = require('node:crypto')
const http = require('node:http')
const { root } = require('./support/wxcrypt.js')

const { createSimulator, createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { createApp } = require(path.join(root, 'examples', 'koa', 'app.js'))
const { WechatPayClient, payNotifyKoa } = require(path.join(root, 'npm', 'wxcrypt', 'pay-client.js'))

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'demo-secret-0123456789'

async function demo(t, mode) {
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const m = { mchId: '1900000109', merchantSerialNo: crypto.randomBytes(20).toString('hex').toUpperCase(), apiV3Key: crypto.randomBytes(16).toString('hex') }
  const paySim = await createPaySimulator({ ...m, merchantPublicKey: merchant.publicKey, appId: APP_ID, mode, timeScale: 0.001 })
  const client = new WechatPayClient({ ...m, merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }), platformKeys: paySim.platformKeys, appId: APP_ID, baseUrl: paySim.url })
  const events = []
  const logger = { info: (e) => events.push(e), warn: (e) => events.push(e), error: (e) => events.push(e) }
  // The port first: notify_url names it.
  const server = http.createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${server.address().port}`
  const pay = { client, payNotifyKoa, notifyUrl: `${base}/pay/notify` }
  const app = createApp({ wechat: { appId: APP_ID, secret: SECRET, baseUrl: sim.url }, pay, logger })
  server.on('request', app.callback())
  t.after(async () => {
    server.close()
    server.closeAllConnections()
    await Promise.all([sim.close(), paySim.close()])
  })
  const call = async (method, p, body, token) => {
    const headers = { 'content-type': 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: await res.json().catch(() => null) }
  }
  const login = async () => {
    const { code, openid } = sim.login()
    const r = await call('POST', '/login', { code })
    assert.equal(r.status, 200)
    return { token: r.body.token, openid }
  }
  return { sim, paySim, call, login, events, base }
}

for (const mode of ['certificate', 'publicKey', 'both']) {
  test(`Koa demo, WeChat Pay ${mode} mode: login, phone, order, pay, callback, paid`, async (t) => {
    const d = await demo(t, mode)
    const { token, openid } = await d.login()
    const phone = await d.call('POST', '/phone', { code: d.sim.phoneNumberCode(openid, '13800138000') }, token)
    assert.equal(phone.body.phoneNumber, '13800138000')

    const order = await d.call('POST', '/orders', { item: 'tea' }, token)
    assert.equal(order.status, 200)
    assert.equal(order.body.total, 1200)
    const { outTradeNo, requestPayment } = order.body
    assert.equal((await d.call('GET', `/orders/${outTradeNo}`, undefined, token)).body.status, 'NOTPAY')

    const delivery = d.paySim.requestPayment(requestPayment)
    assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
    const paid = await d.call('GET', `/orders/${outTradeNo}`, undefined, token)
    assert.equal(paid.body.status, 'SUCCESS')
    assert.match(paid.body.transactionId, /^42000\d{23}$/)
    assert.equal(paid.body.openid, undefined)

    // WeChat repeats it: acknowledged, handled once.
    assert.equal(await d.paySim.resend(delivery.id), 204)
    assert.equal(d.events.filter((e) => e.event === 'order_paid').length, 1)
    assert.deepEqual(d.events.filter((e) => e.event === 'pay_notify').map((e) => e.outcome), ['handled', 'duplicate'])

    // Another user cannot see the order.
    const other = await d.login()
    assert.equal((await d.call('GET', `/orders/${outTradeNo}`, undefined, other.token)).status, 404)
    assert.equal((await d.call('POST', '/orders', { item: 'cake' }, token)).status, 400)
    assert.equal((await d.call('POST', '/orders', { item: 'tea' })).status, 401)
  })
}

test('Koa demo: a callback not signed by WeChat Pay is refused and changes nothing', async (t) => {
  const d = await demo(t, 'publicKey')
  const { token } = await d.login()
  const { outTradeNo } = (await d.call('POST', '/orders', {}, token)).body
  const forged = JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS', resource: {} })
  const res = await fetch(`${d.base}/pay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)), 'wechatpay-nonce': 'n', 'wechatpay-signature': 'AAAA', 'wechatpay-serial': d.paySim.platformPublicKey.id },
    body: forged,
  })
  assert.equal(res.status, 401)
  assert.equal((await res.json()).code, 'FAIL')
  assert.equal((await d.call('GET', `/orders/${outTradeNo}`, undefined, token)).body.status, 'NOTPAY')
  assert.deepEqual(d.events.filter((e) => e.event === 'pay_notify').map((e) => e.outcome), ['refused'])
})

test('Koa demo: WeChat Pay down is a 502 to the mini program, the cause in the log', async (t) => {
  const d = await demo(t, 'publicKey')
  const { token } = await d.login()
  await d.paySim.close()
  const r = await d.call('POST', '/orders', {}, token)
  assert.equal(r.status, 502)
  assert.deepEqual(r.body, { errcode: -1, errmsg: 'payment service unavailable' })
  assert.ok(d.events.some((e) => e.event === 'wechat_pay_error'))
})
