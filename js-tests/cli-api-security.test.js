'use strict'
// `wxcrypt api-security` through the real binary: keygen writes a local key set (mode 0600, never
// overwritten), open-request / open-response check captured messages with keys from a file or the
// environment (never from flags), and print no key.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { wxcrypt, root } = require('./support/wxcrypt.js')

const bin = path.join(root, 'npm', 'wxcrypt', 'bin', 'wxcrypt.js')
const APP_ID = 'wx0123456789abcdef'

function cli(args, { env = {} } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, WXCRYPT_BACKEND: process.env.WXCRYPT_BACKEND || '', ...env },
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-apisec-'))
test.after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('cli api-security keygen: two files, 0600, never overwritten, no key printed', () => {
  const r = cli(['api-security', 'keygen', '--app-id', APP_ID, '--out', path.join(dir, 'keys')])
  assert.equal(r.code, 0, r.err)
  const app = JSON.parse(fs.readFileSync(path.join(dir, 'keys', 'app.json'), 'utf8'))
  const platform = JSON.parse(fs.readFileSync(path.join(dir, 'keys', 'platform.json'), 'utf8'))
  assert.equal(app.appId, APP_ID)
  assert.equal(app.platformCertificates[0].sn, platform.platformSn)
  assert.equal(app.privateKeySn, platform.appKeySn)
  assert.equal(fs.statSync(path.join(dir, 'keys', 'app.json')).mode & 0o777, 0o600)
  assert.ok(!r.out.includes(app.symmetricKey) && !r.out.includes('PRIVATE KEY'))
  assert.match(r.out, new RegExp(app.privateKeySn))
  const again = cli(['api-security', 'keygen', '--app-id', APP_ID, '--out', path.join(dir, 'keys')])
  assert.equal(again.code, 2)
  assert.match(again.err, /not overwritten/)
})

test('cli api-security: keys never from flags; usage errors', () => {
  for (const flag of ['--private-key', '--symmetric-key']) {
    const r = cli(['api-security', 'open-request', flag, 'x'])
    assert.equal(r.code, 2)
    assert.match(r.err, /not accepted/)
  }
  assert.equal(cli(['api-security', 'frobnicate']).code, 2)
  const r = cli(['api-security', 'open-response', '--url', 'https://api.weixin.qq.com/x', '--headers', 'h', '--body', 'b'])
  assert.equal(r.code, 2)
  assert.match(r.err, /missing key set/)
  assert.equal(cli(['api-security', '--help']).code, 0)
})

test('cli api-security open-request / open-response on captured messages', async () => {
  const keysDir = path.join(dir, 'keys')
  const app = JSON.parse(fs.readFileSync(path.join(keysDir, 'app.json'), 'utf8'))
  const platform = JSON.parse(fs.readFileSync(path.join(keysDir, 'platform.json'), 'utf8'))
  const url = 'https://api.weixin.qq.com/wxa/business/getuserphonenumber'
  const req = await new wxcrypt.ApiSecurity(app).sealRequest(url, { code: 'abc' })
  const write = (name, text) => {
    fs.writeFileSync(path.join(dir, name), text)
    return path.join(dir, name)
  }
  const body = write('req.body', req.body)
  let r = cli(['api-security', 'open-request', '--url', url, '--headers', write('req.json', JSON.stringify(req.headers)), '--body', body, '--keys', path.join(keysDir, 'app.json')])
  assert.equal(r.code, 0, r.err)
  assert.deepEqual(JSON.parse(r.out), { code: 'abc' })
  // Headers as copied from a log, a flipped signature: WeChat's 40234; keys from the environment.
  const sig = Buffer.from(req.headers['Wechatmp-Signature'], 'base64')
  sig[5] ^= 1
  const lines = Object.entries({ ...req.headers, 'Wechatmp-Signature': sig.toString('base64') }).map(([k, v]) => `${k}: ${v}`).join('\n')
  r = cli(['api-security', 'open-request', '--url', url, '--headers', write('req.txt', lines), '--body', body], { env: { WXCRYPT_API_SECURITY_KEYS: JSON.stringify(app) } })
  assert.equal(r.code, 1)
  assert.match(r.err, /errcode 40234/)
  assert.ok(!r.err.includes(app.symmetricKey))

  const ans = await new wxcrypt.ApiSecurityPlatform(platform).sealResponse(url, { errcode: 0, errmsg: 'ok', phone_info: { purePhoneNumber: '13800138000' } })
  r = cli(['api-security', 'open-response', '--url', url, '--headers', write('ans.json', JSON.stringify(ans.headers)), '--body', write('ans.body', ans.body), '--keys', path.join(keysDir, 'app.json')])
  assert.equal(r.code, 0, r.err)
  assert.equal(JSON.parse(r.out).phone_info.purePhoneNumber, '13800138000')
  r = cli(['api-security', 'open-response', '--url', url, '--headers', path.join(dir, 'ans.json'), '--body', write('ans2.body', ans.body.replace('"iv":"', '"iv":"A')), '--keys', path.join(keysDir, 'app.json')])
  assert.equal(r.code, 1)
})
