'use strict'
// wxcrypt/hono on Node (the backend WXCRYPT_BACKEND picks): the runtime checks every runtime runs
// (js-tests/runtimes/app/hono-checks.mjs) and its TypeScript types against Hono's (tsc --strict,
// ESM and CommonJS consumers). The README's Hono example is examples/workers/src/worker.mjs, byte
// for byte (readme-files.test.js), which js-tests/workers-example.test.js serves in workerd.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { root } = require('./support/wxcrypt.js')

test('wxcrypt/hono: login, session, decryption, push (hono-checks.mjs)', async () => {
  const { Hono } = await import('hono')
  const hono = await import('wxcrypt/hono')
  const wx = await import('wxcrypt')
  const vectors = JSON.parse(fs.readFileSync(path.join(root, 'vectors', 'wechat-vectors.json'), 'utf8'))
  const { runHono } = await import(path.join(root, 'js-tests', 'runtimes', 'app', 'hono-checks.mjs'))
  for (const { name, error } of await runHono(Hono, hono, wx, vectors)) assert.equal(error, null, name)
  assert.deepEqual(Object.keys(require('wxcrypt/hono')).sort(), Object.keys(hono).sort())
})

test('wxcrypt/hono: the edge entries reach no Node module', () => {
  const dir = path.join(root, 'npm', 'wxcrypt')
  for (const f of ['hono-workerd.mjs', 'hono-edge-light.mjs', 'hono-wasm.mjs', 'lib/hono/hono.js', 'lib/push/core.js', 'lib/store/kv.js']) {
    assert.doesNotMatch(fs.readFileSync(path.join(dir, f), 'utf8'), /node:|require\('(?!\.)/, f)
  }
})

test('wxcrypt/hono: the types check with Hono\'s (tsc --strict)', () => {
  const dir = fs.mkdtempSync(path.join(root, '.tmp-hono-ts-'))
  try {
    fs.writeFileSync(path.join(dir, 'consumer.mts'), `
      import { Hono } from 'hono'
      import { wechat, createKvStore, type WxcryptEnv, type Session } from 'wxcrypt/hono'
      type Bindings = { APPID: string; SECRET: string; KV: { get(k: string, t: 'json'): Promise<unknown>; get(k: string): Promise<string | null>; put(k: string, v: string, o?: { expirationTtl?: number }): Promise<void>; delete(k: string): Promise<void> } }
      const app = new Hono<{ Bindings: Bindings }>()
      const wx = wechat<{ Bindings: Bindings }>((c) => ({ appId: c.env.APPID, secret: c.env.SECRET, store: createKvStore(c.env.KV), push: { token: 't' } }))
      app.post('/login', wx.login())
      app.post('/me', wx.session(), (c) => {
        const s: Session = c.var.session
        const phone = c.var.decrypt<{ phoneNumber: string }>('d', 'iv')
        return c.json({ openid: s.openid, phone: phone.phoneNumber })
      })
      app.all('/push', wx.push(), (c) => c.var.wechatReply(c.var.wechat.text))
      app.onError(wx.onError)
      const typed = new Hono<WxcryptEnv>()
      typed.get('/', (c) => c.text(c.var.session.openid))
      // @ts-expect-error: appId is required
      wechat({ secret: 's' })
    `)
    fs.writeFileSync(path.join(dir, 'consumer.cts'), `
      import hono = require('wxcrypt/hono')
      const wx: hono.WeChat = hono.wechat({ appId: 'wx', secret: 's' })
      void wx
    `)
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'consumer.mts', 'consumer.cts'], { cwd: dir, encoding: 'utf8' })
  } catch (err) {
    assert.fail(`tsc: ${err.stdout || ''}${err.stderr || ''}${err.stdout === undefined ? err.message : ''}`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
