'use strict'
// The CLI through its real binary (npm/wxcrypt/bin/wxcrypt.js, what `npx wxcrypt` runs).
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { vectors, root } = require('./support/wxcrypt.js')

const bin = path.join(root, 'npm', 'wxcrypt', 'bin', 'wxcrypt.js')
const all = vectors('wechat-vectors.json')
const band = all.data_crypt[0]
const forged = vectors('band-negative-cases.json').find((c) => c.name === 'iv_bitflip_forgery_openid')

function cli(args, { env = {}, input } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH, WXCRYPT_BACKEND: process.env.WXCRYPT_BACKEND || '', ...env },
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const SK = { WXCRYPT_SESSION_KEY: band.sessionKey }
const data = ['--app-id', band.appId, '--encrypted-data', band.encryptedData, '--iv', band.iv]

test('cli decrypt: flags + env secret, stdin JSON, --raw, failures', () => {
  let r = cli(['decrypt', ...data], { env: SK })
  assert.equal(r.code, 0, r.err)
  assert.deepEqual(JSON.parse(r.out), JSON.parse(band.plaintext))
  r = cli(['decrypt', '--stdin'], { input: JSON.stringify({ appId: band.appId, sessionKey: band.sessionKey, encryptedData: band.encryptedData, iv: band.iv }) })
  assert.equal(r.code, 0, r.err)
  assert.equal(JSON.parse(r.out).nickName, 'Band')
  r = cli(['decrypt', '--raw', ...data], { env: SK })
  assert.equal(r.out, band.plaintext + '\n')
  r = cli(['decrypt', '--app-id', band.appId, '--encrypted-data', band.encryptedData.slice(0, -8), '--iv', band.iv], { env: SK })
  assert.equal(r.code, 1)
  assert.match(r.err, /Illegal Buffer \(errcode -41003 IllegalBuffer\)/)
  r = cli(['decrypt', '--expect-openid', 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', '--app-id', band.appId, '--encrypted-data', forged.encryptedData, '--iv', forged.iv], { env: SK })
  assert.equal(r.code, 1)
  assert.match(r.err, /-41006/)
  for (const res of [r, cli(['decrypt', ...data], { env: SK })]) {
    assert.ok(!res.out.includes(band.sessionKey) && !res.err.includes(band.sessionKey))
  }
})

test('cli diagnose: JSON diagnosis, exit code by cause', () => {
  let r = cli(['diagnose', ...data], { env: SK })
  assert.equal(r.code, 0)
  assert.equal(JSON.parse(r.out).cause, 'ok')
  r = cli(['diagnose', ...data], { env: { WXCRYPT_SESSION_KEY: 'HyVFkGl5F5OQWJZZaNzBBg==' } })
  assert.equal(r.code, 1)
  const d = JSON.parse(r.out)
  assert.equal(d.cause, 'session_key_mismatch')
  assert.ok(!r.out.includes('HyVFkGl5F5OQWJZZaNzBBg'))
  r = cli(['diagnose', '--max-age', '60', ...data], { env: SK })
  assert.equal(JSON.parse(r.out).cause, 'expired')
})

test('cli sign and verify every signature kind', () => {
  const rd = all.rawdata_signature[0]
  let r = cli(['sign', 'raw-data', '--raw-data', rd.rawData], { env: { WXCRYPT_SESSION_KEY: rd.sessionKey } })
  assert.deepEqual([r.code, r.out], [0, rd.signature + '\n'])
  r = cli(['verify', 'raw-data', '--raw-data', rd.rawData, '--signature', rd.signature.toUpperCase()], { env: { WXCRYPT_SESSION_KEY: rd.sessionKey } })
  assert.deepEqual([r.code, r.out], [0, 'valid\n'])
  r = cli(['verify', 'raw-data', '--raw-data', rd.rawData + 'x', '--signature', rd.signature], { env: { WXCRYPT_SESSION_KEY: rd.sessionKey } })
  assert.deepEqual([r.code, r.out], [1, 'invalid\n'])
  const u = all.url_signature[0]
  r = cli(['sign', 'url', '--timestamp', u.timestamp, '--nonce', u.nonce], { env: { WXCRYPT_TOKEN: u.token } })
  assert.deepEqual([r.code, r.out], [0, u.signature + '\n'])
  r = cli(['verify', 'url', '--stdin'], { input: JSON.stringify({ token: u.token, timestamp: Number(u.timestamp), nonce: u.nonce, signature: u.signature }) })
  assert.deepEqual([r.code, r.out], [0, 'valid\n'])
  const m = all.msg_crypt[0]
  r = cli(['sign', 'msg', '--timestamp', m.timestamp, '--nonce', m.nonce, '--encrypt', m.encrypt], { env: { WXCRYPT_TOKEN: m.token } })
  assert.deepEqual([r.code, r.out], [0, m.msg_signature + '\n'])
  r = cli(['verify', 'msg', `--timestamp=${m.timestamp}`, '--nonce', m.nonce, '--encrypt', m.encrypt, '--signature', m.msg_signature], { env: { WXCRYPT_TOKEN: m.token } })
  assert.deepEqual([r.code, r.out], [0, 'valid\n'])
  r = cli(['sign', 'session-key'], { env: SK })
  assert.equal(r.out, require('node:crypto').createHmac('sha256', band.sessionKey).update('').digest('hex') + '\n')
})

test('cli usage errors: exit 2, help, no secrets in flags or messages', () => {
  let r = cli(['--help'])
  assert.equal(r.code, 0)
  assert.match(r.out, /Usage:/)
  for (const c of ['decrypt', 'diagnose', 'sign', 'verify']) {
    r = cli([c, '--help'])
    assert.equal(r.code, 0)
    assert.match(r.out, new RegExp(`wxcrypt ${c}`))
  }
  assert.equal(cli([]).code, 2)
  assert.equal(cli(['frobnicate']).code, 2)
  assert.equal(cli(['decrypt', ...data]).code, 2) // no WXCRYPT_SESSION_KEY
  r = cli(['decrypt', '--session-key', band.sessionKey, ...data])
  assert.equal(r.code, 2)
  assert.ok(!r.err.includes(band.sessionKey), r.err)
  assert.equal(cli(['decrypt', '--bogus', 'x']).code, 2)
  assert.equal(cli(['decrypt', '--iv']).code, 2)
  assert.equal(cli(['decrypt', '--stdin'], { input: 'not json' }).code, 2)
  assert.equal(cli(['sign']).code, 2)
  assert.equal(cli(['verify', 'url', '--timestamp', '1', '--nonce', '2'], { env: { WXCRYPT_TOKEN: 't' } }).code, 2) // no --signature
  assert.equal(cli(['decrypt', '--max-age', 'soon', ...data], { env: SK }).code, 2)
})
