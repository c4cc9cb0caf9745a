// The native-to-wasm fallback: the package without its platform package (another OS or CPU, a
// platform with no prebuilt addon, a failed optional download) still loads, reports backend
// 'wasm' and decrypts exactly; and WXCRYPT_BACKEND=native then fails loudly instead of falling back.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkgDir = join(root, 'npm/wxcrypt')
const band = JSON.parse(
  (await import('node:fs')).readFileSync(join(root, 'vectors/wechat-vectors.json'), 'utf8'),
).data_crypt.find((v) => v.id === 'official_band_userinfo')

test('without its platform package the package falls back to wasm and still decrypts', (t) => {
  assert.ok(existsSync(join(pkgDir, 'wasm/wxcrypt_wasm.cjs')), 'npm/wxcrypt/wasm is missing: run bash scripts/build-wasm.sh')
  const dir = mkdtempSync(join(tmpdir(), 'wxcrypt-fallback-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // What a user installs: the packed files (npm pack applies the `files` whitelist).
  const packed = spawnSync('npm', ['pack', pkgDir, '--pack-destination', dir, '--json', '--silent'], { encoding: 'utf8' })
  assert.equal(packed.status, 0, packed.stderr)
  const tarball = join(dir, JSON.parse(packed.stdout)[0].filename)
  const installed = join(dir, 'node_modules/wxcrypt')
  mkdirSync(installed, { recursive: true })
  assert.equal(spawnSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']).status, 0)
  assert.deepEqual(readdirSync(installed).filter((f) => f.endsWith('.node')), [], 'the addon ships in the platform package')
  // This host's platform package (an optionalDependency), as npm would unpack it beside wxcrypt.
  const { packHostPlatformPackage } = createRequire(import.meta.url)('../support/platform-package.js')
  const platform = packHostPlatformPackage(dir)
  const platformDir = join(dir, 'node_modules', platform.name)
  mkdirSync(platformDir, { recursive: true })
  assert.equal(spawnSync('tar', ['-xzf', platform.tarball, '-C', platformDir, '--strip-components=1']).status, 0)

  const script = `
    const wx = require('wxcrypt')
    const band = ${JSON.stringify(band)}
    const data = new wx(band.appId, band.sessionKey).decryptData(band.encryptedData, band.iv)
    let err
    try { new wx(band.appId, band.sessionKey).decryptData(band.encryptedData.slice(0, -4), band.iv) } catch (e) { err = e }
    console.log(JSON.stringify({ backend: wx.backend, text: JSON.stringify(data), errcode: err && err.errcode, wxerr: err instanceof wx.WXCryptError }))
  `
  writeFileSync(join(dir, 'check.cjs'), script)
  const runCheck = (env) => spawnSync(process.execPath, ['check.cjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, WXCRYPT_BACKEND: '', ...env } })

  // With the platform package: native.
  const before = runCheck({})
  assert.equal(before.status, 0, before.stderr)
  assert.deepEqual(JSON.parse(before.stdout), { backend: 'native', text: band.plaintext, errcode: -41003, wxerr: true })

  rmSync(platformDir, { recursive: true })
  const after = runCheck({})
  assert.equal(after.status, 0, after.stderr)
  assert.deepEqual(JSON.parse(after.stdout), { backend: 'wasm', text: band.plaintext, errcode: -41003, wxerr: true })

  // ESM too.
  writeFileSync(join(dir, 'check.mjs'), `import wx, { backend } from 'wxcrypt'\nconst b = ${JSON.stringify(band)}\nconsole.log(backend, new wx(b.appId, b.sessionKey).decryptData(b.encryptedData, b.iv).openId)`)
  const esm = spawnSync(process.execPath, ['check.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, WXCRYPT_BACKEND: '' } })
  assert.equal(esm.status, 0, esm.stderr)
  assert.equal(esm.stdout.trim(), 'wasm oGZUI0egBJY1zhBYw2KhdUfwVJJE')

  // Forcing the missing backend is an error, not a silent fallback.
  const forced = runCheck({ WXCRYPT_BACKEND: 'native' })
  assert.notEqual(forced.status, 0)
  assert.match(forced.stderr, /wxcrypt\.[\w-]+\.node/)
  const bogus = runCheck({ WXCRYPT_BACKEND: 'fast' })
  assert.notEqual(bogus.status, 0)
  assert.match(bogus.stderr, /WXCRYPT_BACKEND must be 'native' or 'wasm'/)
})
