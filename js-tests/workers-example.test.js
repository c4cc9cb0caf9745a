'use strict'
// examples/workers (the Cloudflare Workers example of wxcrypt/hono) served by workerd, the
// Workers runtime: bundled the way wrangler bundles it (esbuild, conditions workerd/worker/browser,
// the .wasm as a separate module), configured with the vars and secrets wrangler.toml names, and
// called over HTTP the way a mini program calls it, against the WeChat simulator on loopback:
// login, the phone number both ways (a code; encryptedData + iv), a decryption failure's answer,
// the session check, and message push (URL verification, a safe-mode POST, a bad signature).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { root } = require('./support/wxcrypt.js')
const { createSimulator } = require(path.join(root, 'npm', 'wxcrypt', 'simulator.js'))
const { WXBizMsgCrypt, urlSignature } = require(path.join(root, 'npm', 'wxcrypt'))

const example = path.join(root, 'examples', 'workers')
const APP_ID = 'wx4f4bc4dec97d474b'
const SECRET = 'workers-example-secret'
const PUSH_TOKEN = 'AAAAA'
const PUSH_AES_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function bundle(dir) {
  const esbuild = require('esbuild')
  await esbuild.build({
    entryPoints: [path.join(example, 'test', 'harness.mjs')],
    outfile: path.join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
    plugins: [{
      name: 'wasm-module',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, () => ({ path: './wxcrypt_wasm_bg.wasm', external: true }))
      },
    }],
  })
  fs.copyFileSync(path.join(root, 'npm', 'wxcrypt', 'wasm', 'wxcrypt_wasm_bg.wasm'), path.join(dir, 'wxcrypt_wasm_bg.wasm'))
}

/** workerd's config: what wrangler.toml declares, with the simulator as WeChat's API. */
function config(port, simUrl) {
  const text = (name, value) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wxcrypt_wasm_bg.wasm", wasm = embed "wxcrypt_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
  bindings = [
    ${text('WECHAT_APPID', APP_ID)},
    ${text('WECHAT_SECRET', SECRET)},
    ${text('WECHAT_BASE_URL', simUrl)},
    ${text('PUSH_TOKEN', PUSH_TOKEN)},
    ${text('PUSH_AES_KEY', PUSH_AES_KEY)},
  ],
);
`
}

test('examples/workers under workerd: login, phone, push', { timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-workers-'))
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET })
  const port = await freePort()
  await bundle(dir)
  fs.writeFileSync(path.join(dir, 'config.capnp'), config(port, sim.url))
  let output = ''
  const workerd = spawn(path.join(root, 'node_modules', '.bin', 'workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  workerd.stdout.on('data', (d) => (output += d))
  workerd.stderr.on('data', (d) => (output += d))
  t.after(async () => {
    workerd.kill()
    await sim.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const base = `http://127.0.0.1:${port}`
  const call = async (method, p, body, headers = {}) => {
    const res = await fetch(base + p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
    const text = await res.text()
    return { status: res.status, text, json: () => JSON.parse(text) }
  }
  for (let i = 0; ; i++) {
    try {
      await fetch(base + '/')
      break
    } catch {
      if (i > 100 || workerd.exitCode !== null) assert.fail(`workerd did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  // Login: wx.login's code -> jscode2session at the simulator -> a session in the KV store.
  const { code, openid } = sim.login()
  const login = await call('POST', '/login', { code })
  assert.equal(login.status, 200, `${login.text}\n${output}`)
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
