'use strict'
// examples/workers (the Cloudflare Workers example of wxcrypt/hono) served by workerd, the
// Workers runtime: bundled the way wrangler bundles it (esbuild, conditions workerd/worker/browser,
// the .wasm as a separate module), configured with the vars and secrets wrangler.toml names, and
// called over HTTP the way a mini program calls it, against the WeChat simulator on loopback:
// login, the phone number both ways (a code; encryptedData + iv), a decryption failure's answer,
// the session check, and message push (URL verification, a safe-mode POST, a bad signature).
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')
const { startWorkerd } = require('./support/workerd.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { WXBizMsgCrypt, urlSignature } = require(path.join(root, 'npm', 'wxcrypt'))

const example = path.join(root, 'examples', 'workers')
const APP_ID = 'wx4f4bc4dec97d474b'
const SECRET = 'workers-example-secret'
const PUSH_TOKEN = 'AAAAA'
const PUSH_AES_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

test('examples/workers under workerd: login, phone, push', { timeout: 60_000 }, async (t) => {
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
  t.after(() => sim.close())
  // The vars and secrets wrangler.toml names, with the simulator as WeChat's API.
  const { base, output } = await startWorkerd(t, {
    entry: path.join(example, 'test', 'harness.mjs'),
    bindings: { WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WECHAT_BASE_URL: sim.url, PUSH_TOKEN, PUSH_AES_KEY },
  })
  const call = async (method, p, body, headers = {}) => {
    const res = await fetch(base + p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
    const text = await res.text()
    return { status: res.status, text, json: () => JSON.parse(text) }
  }

  // Login: wx.login's code -> jscode2session at the simulator -> a session in the KV store.
  const { code, openid } = sim.login()
  const login = await call('POST', '/login', { code })
  assert.equal(login.status, 200, `${login.text}\n${output()}`)
  const { token } = login.json()
  assert.match(token, /^[0-9a-f]{64}$/)
  assert.equal(login.json().openid, openid)
  assert.equal((await call('POST', '/login', { code })).json().errcode, 40029, 'a used code: invalid code')
  const auth = { authorization: `Bearer ${token}` }

  // The phone number: getPhoneNumber's code, and the older encryptedData + iv.
  const byCode = await call('POST', '/phone', { code: sim.phoneNumberCode(openid, '13800138000') }, auth)
  assert.equal(byCode.status, 200, byCode.text)
  assert.deepEqual(byCode.json(), { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
  const data = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
  const byData = await call('POST', '/phone', { encryptedData: data.encryptedData, iv: data.iv }, auth)
  assert.equal(byData.status, 200, byData.text)
  assert.equal(byData.json().purePhoneNumber, '13800138000')
  const wrongIv = await call('POST', '/phone', { encryptedData: data.encryptedData, iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }, auth)
  assert.equal(wrongIv.status, 400)
  assert.equal(wrongIv.json().errmsg, 'decrypt failed')
  assert.equal((await call('POST', '/phone', { code: 'x' })).status, 401, 'no session token')
  assert.equal((await call('POST', '/phone', { code: 'x' }, { authorization: `Bearer ${'0'.repeat(64)}` })).status, 401, 'unknown token')

  // Message push: URL verification, a safe-mode message, a forged signature.
  const timestamp = '1714112445'
  const nonce = '415670741'
  const signature = urlSignature(PUSH_TOKEN, timestamp, nonce)
  const qs = (o) => '?' + new URLSearchParams(o)
  const verify = await call('GET', '/wechat/push' + qs({ signature, timestamp, nonce, echostr: 'e1' }))
  assert.equal(verify.status, 200)
  assert.equal(verify.text, 'e1')
  const mc = new WXBizMsgCrypt(PUSH_TOKEN, PUSH_AES_KEY, APP_ID)
  const sealed = JSON.parse(mc.encryptMsg(JSON.stringify({ MsgType: 'event', Event: 'debug_demo' }), timestamp, nonce, 'json'))
  const push = await call('POST', '/wechat/push' + qs({ signature, timestamp, nonce, encrypt_type: 'aes', msg_signature: sealed.MsgSignature }), { Encrypt: sealed.Encrypt })
  assert.equal(push.status, 200, push.text)
  assert.equal(push.text, 'success')
  const forged = await call('GET', '/wechat/push' + qs({ signature: '0'.repeat(40), timestamp, nonce, echostr: 'e1' }))
  assert.equal(forged.status, 401)
})
