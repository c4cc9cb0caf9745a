'use strict'
// The packed tarball installs into an empty folder (no Rust toolchain, no build) and works from
// CommonJS, ESM and TypeScript (tsc --noEmit --strict on consumer files).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { root, vectors } = require('./support/wxcrypt.js')
const { packHostPlatformPackage } = require('./support/platform-package.js')

const band = vectors('wechat-vectors.json').data_crypt[0]
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout}${e.stderr}`)
  }
}

test('npm pack → install (wxcrypt + this host\'s platform package) in an empty folder → CJS, ESM and TypeScript consumers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-pack-'))
  try {
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', dir, path.join(root, 'npm', 'wxcrypt')], dir))
    const files = packed[0].files.map((f) => f.path)
    // napi-rs's layout: the addon ships in the platform packages (optionalDependencies), not here.
    assert.ok(!files.some((f) => f.endsWith('.node')), `no .node in ${files}`)
    const platform = packHostPlatformPackage(dir)
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'lib/crypto/api.js', 'koa.js', 'express.d.ts', 'nest.js', 'nest.d.ts', 'fastify.js', 'fastify.d.ts', 'lib/adapter/kit.d.ts', 'package.json']) assert.ok(files.includes(f), f)
    assert.ok(!files.some((f) => f.endsWith('.rs') || f.startsWith('src/')), 'no sources')

    const app = path.join(dir, 'app')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
    // No PATH to cargo/rustc: installing must not need a toolchain.
    run(npm, ['install', '--no-audit', '--no-fund', '--offline', path.join(dir, packed[0].filename), platform.tarball], app, { PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin' })
    assert.ok(fs.existsSync(path.join(app, 'node_modules', platform.name, `wxcrypt.${platform.key}.node`)), platform.name)
    // The framework adapters' packages are optional peers: a Koa install pulls none of them.
    for (const peer of ['@nestjs/common', '@nestjs/core', 'rxjs', 'fastify', 'fastify-plugin', 'redis']) {
      assert.ok(!fs.existsSync(path.join(app, 'node_modules', peer)), `${peer} installed`)
    }

    const cjs = `
      const WXBizDataCrypt = require('wxcrypt')
      const { WXBizDataCrypt: Named, urlSignature } = require('wxcrypt')
      const pc = new WXBizDataCrypt(${JSON.stringify(band.appId)}, ${JSON.stringify(band.sessionKey)})
      const d = pc.decryptData(${JSON.stringify(band.encryptedData)}, ${JSON.stringify(band.iv)})
      console.log(JSON.stringify([d.nickName, d.watermark.appid, Named === WXBizDataCrypt, urlSignature('AAAAA', 1714036504, 1514711492)]))`
    fs.writeFileSync(path.join(app, 'cjs.cjs'), cjs)
    assert.deepEqual(JSON.parse(run(process.execPath, ['cjs.cjs'], app)), ['Band', band.appId, true, 'f464b24fc39322e44b38aa78f5edd27bd1441696'])

    // The CLI is linked as a bin: what `npx wxcrypt` runs.
    const out = run(path.join(app, 'node_modules', '.bin', 'wxcrypt'), ['sign', 'url', '--timestamp', '1714036504', '--nonce', '1514711492'], app, { WXCRYPT_TOKEN: 'AAAAA' })
    assert.equal(out, 'f464b24fc39322e44b38aa78f5edd27bd1441696\n')

    const esm = `
      import WXBizDataCrypt, { WXBizDataCrypt as Named, backend, ErrorCode } from 'wxcrypt'
      const pc = new WXBizDataCrypt(${JSON.stringify(band.appId)}, ${JSON.stringify(band.sessionKey)})
      const d = pc.decryptData(${JSON.stringify(band.encryptedData)}, ${JSON.stringify(band.iv)})
      let errcode
      try { pc.decryptData('', ${JSON.stringify(band.iv)}) } catch (e) { errcode = e.errcode }
      import koaPush from 'wxcrypt/koa'
      import { wechatPush } from 'wxcrypt/express'
      console.log(JSON.stringify([d.openId, Named === WXBizDataCrypt, backend, errcode === ErrorCode.IllegalBuffer, typeof koaPush({ token: 't' }), typeof wechatPush]))`
    fs.writeFileSync(path.join(app, 'esm.mjs'), esm)
    assert.deepEqual(JSON.parse(run(process.execPath, ['esm.mjs'], app)), ['oGZUI0egBJY1zhBYw2KhdUfwVJJE', true, process.env.WXCRYPT_BACKEND || 'native', true, 'function', 'function'])

    const ts = `
      import koaPush from 'wxcrypt/koa'
      import expressPush from 'wxcrypt/express'
      import WXBizDataCrypt, { WXBizMsgCrypt, WXCryptError, ErrorCode, type UserInfo, type PhoneNumber, verifyUrlSignature } from 'wxcrypt'
      const pc = new WXBizDataCrypt('wx4f4bc4dec97d474b', 'tiihtNczf5v6AKRyjwEUhQ==')
      const user = pc.decryptData<UserInfo>('x', 'y')
      const nick: string = user.nickName
      const ts: number = user.watermark.timestamp
      const phone = pc.decryptData<PhoneNumber>('x', 'y')
      const cc: string = phone.countryCode
      const raw: string = pc.decryptRaw('x', 'y')
      const ok: boolean = verifyUrlSignature('t', 1, '2', 'sig') && pc.verifySignature('r', 's')
      try { pc.decryptData('', '') } catch (e) {
        if (e instanceof WXCryptError) { const n: number = e.errcode; const c: string = e.code; void n; void c }
      }
      const code: -41003 = ErrorCode.IllegalBuffer
      // @ts-expect-error wrong argument type
      pc.decryptData(1, 'y')
      const mc = new WXBizMsgCrypt('t', 'k', 'wx')
      const env: string = mc.encryptMsg({ a: 1 }) + mc.encryptMsg('x', 1, '2', 'xml') + mc.decryptMsg('s', '1', 2, { Encrypt: 'e' })
      // Issue 22: WeCom's lower-case JSON, the request's envelope, the encrypted echostr.
      const got = mc.decryptBody('s', '1', 2, { encrypt: 'e', agentid: '1' })
      const fmt: 'json' | 'xml' | 'wecom-json' = got.format
      const wecom: string = got.message + mc.encryptMsg('x', 1, '2', got.format) + mc.encryptMsg('x', 1, '2', 'wecom-json')
      const echo: string = mc.verifyUrlEncrypted('s', 1, '2', 'e') + mc.verifyUrl('s', 1, '2', 'e')
      // @ts-expect-error not an envelope
      mc.encryptMsg('x', 1, '2', 'wecom_json')
      const pushed: koaPush.WeChatPushMessage = { encrypted: true, envelope: 'wecom-json', format: 'xml', message: '', text: '' }
      const koaMw = koaPush({ token: 't', encodingAESKey: 'k', appId: 'wx' })
      const expressMw = expressPush({ token: 't' })
      // @ts-expect-error token is required
      koaPush({})
      void [nick, ts, cc, raw, ok, code, env, koaMw, expressMw, fmt, wecom, echo, pushed]
    `
    fs.writeFileSync(path.join(app, 'consumer.mts'), ts)
    fs.writeFileSync(path.join(app, 'consumer.cts'), ts.replace(/^\s*import (\S+), \{([^}]*)\} from 'wxcrypt'/m, "import $1 = require('wxcrypt')\nimport {$2} from 'wxcrypt'"))
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'consumer.mts', 'consumer.cts'], app)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
