'use strict'
// The package's clients inside workerd (the Workers runtime: wasm core, WebCrypto for RSA) against
// the real simulators on loopback, over real HTTP both ways (js-tests/runtimes/app/simulators-worker.mjs):
// - WeChatClient in server-API security mode against createSimulator({ apiSecurity }): phone
//   number by code, the user's encrypt key, a certificate rotation (one warning naming both 编号;
//   the updated client quiet; the old one refused once the rotation ends);
// - WechatPayClient against createPaySimulator in each key mode (certificate, public key, both at
//   random): the JSAPI order, wx.requestPayment's parameters checked by the simulated WeChat, the
//   signed encrypted callback delivered to the worker (payNotifyHono) and handled once however
//   often WeChat repeats it, queries, refund, refund query, close, certificate download.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')
const { startWorkerd } = require('./support/workerd.js')
const M = require('./support/pay-merchant.js')
const { createSimulator, generateApiSecurityKeys, createPaySimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

async function worker(t) {
  const w = await startWorkerd(t, { entry: path.join(__dirname, 'runtimes', 'app', 'simulators-worker.mjs') })
  const post = async (p, body) => {
    const res = await fetch(w.base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const text = await res.text()
    assert.equal(res.status, 200, `${p}: ${text}\n${w.output()}`)
    return JSON.parse(text)
  }
  return { ...w, post }
}

/** The values of steps that must all succeed. */
function values(results) {
  for (const r of results) assert.ok(r.ok, `a step failed: ${JSON.stringify(r)}`)
  return results.map((r) => r.value)
}

test('workerd: WeChatClient in server-API security mode against the simulator, with a rotation', { timeout: 90_000 }, async (t) => {
  const keys = generateApiSecurityKeys({ appId: APP_ID })
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: keys.platform })
  t.after(() => sim.close())
  const w = await worker(t)
  const config = { appId: APP_ID, secret: SECRET, baseUrl: sim.url, apiSecurity: keys.app }

  const a = sim.login()
  const b = sim.login()
  const first = await w.post('/apisec', {
    name: 'A',
    config,
    steps: [
      { op: 'phone', code: sim.phoneNumberCode(a.openid, '13800138000') },
      { op: 'encryptKey', openid: b.openid, sessionKey: sim.sessionKey(b.openid) },
      { op: 'encryptKey', openid: b.openid, sessionKey: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    ],
  })
  const [phone, list] = values(first.results.slice(0, 2))
  assert.equal(phone.purePhoneNumber, '13800138000')
  assert.equal(list.length, 1)
  assert.match(list[0].encrypt_key, /^[A-Za-z0-9+/]{22}==$/)
  assert.equal(first.results[2].ok, false)
  assert.equal(first.results[2].errcode, 87009, 'a wrong session key: WeChat\'s own error, opened from the sealed answer')
  assert.deepEqual(first.logs, [])
  const stats = sim.stats()
  assert.equal(stats.secureRejected, 0)
  assert.ok(stats.secureRequests >= 3, `sealed requests: ${stats.secureRequests}`)

  // WeChat rotates its certificate: answers carry both signatures; one warning names both 编号.
  const oldSn = keys.app.platformCertificates[0].sn
  const next = sim.apiSecurity.rotateCertificate()
  const during = await w.post('/apisec', {
    name: 'A',
    steps: [1, 2, 3].map(() => ({ op: 'phone', code: sim.phoneNumberCode(sim.login().openid, '13800138000') })),
  })
  assert.deepEqual(values(during.results).map((p) => p.purePhoneNumber), ['13800138000', '13800138000', '13800138000'])
  const warnings = during.logs.filter((e) => e.event === 'api-security-deprecated-certificate')
  assert.equal(warnings.length, 1, JSON.stringify(during.logs))
  assert.equal(warnings[0].level, 'warn')
  assert.ok(warnings[0].message.includes(oldSn) && warnings[0].message.includes(next.sn), warnings[0].message)

  // The app adds the new certificate; WeChat ends the rotation: the updated client is quiet, the old one refuses.
  sim.apiSecurity.finishRotation()
  const c = sim.login()
  const updated = await w.post('/apisec', {
    name: 'B',
    config: { ...config, apiSecurity: { ...keys.app, platformCertificates: [next, ...keys.app.platformCertificates] } },
    steps: [{ op: 'phone', code: sim.phoneNumberCode(c.openid, '13800138000') }],
  })
  assert.equal(values(updated.results)[0].purePhoneNumber, '13800138000')
  assert.deepEqual(updated.logs, [])
  const stale = await w.post('/apisec', { name: 'A', steps: [{ op: 'phone', code: sim.phoneNumberCode(c.openid, '13800138000') }] })
  assert.equal(stale.results[0].ok, false)
  assert.equal(stale.results[0].code, 'EAPISECURITY')
})

test('workerd: WechatPayClient against the pay simulator in each key mode, callbacks into the worker', { timeout: 120_000 }, async (t) => {
  const w = await worker(t)
  for (const mode of ['certificate', 'publicKey', 'both']) {
    const m = M.newMerchant()
    const sim = await createPaySimulator({ mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPublicKey: m.publicKeyPem, apiV3Key: m.apiV3Key, appId: APP_ID, mode, timeScale: 0.001 })
    t.after(() => sim.close())
    // Certificate mode as merchants run it: no platform key configured, the certificates downloaded.
    const config = { mchId: m.mchId, merchantSerialNo: m.serialNo, merchantPrivateKey: m.privateKeyPem, apiV3Key: m.apiV3Key, platformKeys: mode === 'certificate' ? [] : sim.platformKeys, appId: APP_ID, baseUrl: sim.url }
    const run = async (steps) => (await w.post(`/pay/${mode}/run`, { config, steps })).results
    if (mode === 'certificate') {
      const [certs] = values(await run([{ op: 'download' }]))
      assert.deepEqual(certs.map((c) => c.serial), [sim.platformCertificate.serial])
    }
    const notifyUrl = `${w.base}/pay/${mode}/notify`
    const order = (no, total) => ({ op: 'order', order: { description: 'Coffee', out_trade_no: no, notify_url: notifyUrl, amount: { total }, payer: { openid: OPENID } } })
    const [{ prepayId, requestPayment }] = values(await run([order(`ORDER_${mode}`, 300)]))
    assert.equal(requestPayment.package, `prepay_id=${prepayId}`)
    assert.equal(requestPayment.signType, 'RSA')
    assert.throws(() => sim.requestPayment({ ...requestPayment, nonceStr: 'x' + requestPayment.nonceStr }), /requestPayment:fail invalid paySign/)

    // Paid: WeChat Pay's signed, encrypted callback reaches the worker; repeats are acknowledged, not re-run.
    const delivery = sim.requestPayment(requestPayment)
    assert.deepEqual(await delivery.done, { attempts: 1, acknowledged: true })
    assert.deepEqual(await Promise.all([1, 2, 3].map(() => sim.resend(delivery.id))), [204, 204, 204])
    const paid = await (await fetch(`${w.base}/pay/${mode}/paid`)).json()
    assert.equal(paid.length, 1, JSON.stringify(paid))
    assert.equal(paid[0].out_trade_no, `ORDER_${mode}`)
    assert.equal(paid[0].trade_state, 'SUCCESS')
    assert.equal(paid[0].amount.total, 300)

    const [q] = values(await run([{ op: 'query', outTradeNo: `ORDER_${mode}` }]))
    assert.equal(q.trade_state, 'SUCCESS')
    const [byTx, refund, refundQuery, , closed, missing] = await run([
      { op: 'queryTx', transactionId: q.transaction_id },
      { op: 'refund', refund: { out_trade_no: `ORDER_${mode}`, out_refund_no: `R_${mode}`, amount: { refund: 100, total: 300, currency: 'CNY' } } },
      { op: 'queryRefund', outRefundNo: `R_${mode}` },
      order(`CLOSE_${mode}`, 1),
      { op: 'close', outTradeNo: `CLOSE_${mode}` },
      { op: 'query', outTradeNo: 'NOPE_0001' },
    ])
    assert.deepEqual(byTx.value, q)
    assert.equal(refund.value.status, 'PROCESSING')
    assert.equal(refundQuery.value.status, 'SUCCESS')
    assert.deepEqual(closed, { ok: true, value: null })
    assert.equal(values(await run([{ op: 'query', outTradeNo: `CLOSE_${mode}` }]))[0].trade_state, 'CLOSED')
    assert.equal(missing.ok, false)
    assert.equal(missing.status, 404)
    assert.match(`${missing.code} ${missing.message}`, /ORDER_NOT_EXIST/)
  }
})
