'use strict'
// A real install from a real registry: every package (wxcrypt and its eight platform packages,
// built by `npm run build:platforms`) is published to a Verdaccio started here on 127.0.0.1 with
// its storage in a temp dir, then `npm install wxcrypt` runs in an empty folder per target with
// --os/--cpu/--libc: exactly that target's platform package must arrive, and no other. On this
// host the installed package must load its native addon and decrypt the official vector.
// Run by scripts/test-platforms.sh (which installs verdaccio and says where it is).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawn, execFileSync } = require('node:child_process')

const root = path.join(__dirname, '..', '..')
const main = JSON.parse(fs.readFileSync(path.join(root, 'npm', 'wxcrypt', 'package.json'), 'utf8'))
// One platform per napi.targets entry, the list's one place (scripts/platforms.js).
const { platforms } = require('../../scripts/platforms.js')
const band = JSON.parse(fs.readFileSync(path.join(root, 'vectors', 'wechat-vectors.json'), 'utf8')).data_crypt.find(
  (v) => v.id === 'official_band_userinfo',
)

// npm's --os/--cpu/--libc for each platform package (its package.json says the same).
function flags(platform) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'npm', platform, 'package.json'), 'utf8'))
  const out = [`--os=${pkg.os[0]}`, `--cpu=${pkg.cpu[0]}`]
  if (pkg.libc) out.push(`--libc=${pkg.libc[0]}`)
  return out
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

function npm(args, cwd, env) {
  try {
    return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
  } catch (e) {
    throw new Error(`npm ${args.join(' ')} failed:\n${e.stdout}${e.stderr}`)
  }
}

test('publish every package to Verdaccio; npm install picks exactly the platform package of each target', async (t) => {
  assert.equal(platforms.length, 8)
  assert.deepEqual(Object.keys(main.optionalDependencies).sort(), platforms.map((p) => `wxcrypt-${p}`).sort())
  for (const p of platforms) {
    assert.ok(fs.existsSync(path.join(root, 'npm', p, `wxcrypt.${p}.node`)), `npm/${p} is built (npm run build:platforms)`)
    assert.equal(main.optionalDependencies[`wxcrypt-${p}`], main.version, `wxcrypt-${p} at wxcrypt's version`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-registry-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const port = await freePort()
  const registry = `http://127.0.0.1:${port}/`
  fs.writeFileSync(
    path.join(dir, 'config.yaml'),
    [
      `storage: ${path.join(dir, 'storage')}`,
      'auth:',
      `  htpasswd: { file: ${path.join(dir, 'htpasswd')}, max_users: 10 }`,
      'uplinks: {}', // no proxy to any other registry: only what this test publishes exists
      'packages:',
      "  '**': { access: $all, publish: $authenticated }",
      'web: { enable: false }',
      'max_body_size: 50mb',
      'log: { type: stdout, format: pretty, level: warn }',
    ].join('\n'),
  )
  // Verdaccio 6.10 needs Node 22+: scripts/test-platforms.sh names its script and a Node to run it.
  const verdaccio = process.env.WXCRYPT_VERDACCIO
  assert.ok(verdaccio && fs.existsSync(verdaccio), 'WXCRYPT_VERDACCIO names verdaccio/bin/verdaccio (run through scripts/test-platforms.sh)')
  const server = spawn(process.env.WXCRYPT_VERDACCIO_NODE || process.execPath, [verdaccio, '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let serverLog = ''
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  t.after(() => server.kill())
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${registry}-/ping`, { signal: AbortSignal.timeout(2000) })).ok) break
    } catch {}
    assert.ok(Date.now() < deadline, `verdaccio did not start:\n${serverLog}`)
    await new Promise((r) => setTimeout(r, 250))
  }

  // A user, and an npmrc of this test's own (the developer's ~/.npmrc is not read).
  const res = await fetch(`${registry}-/user/org.couchdb.user:wxtest`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'wxtest', password: 'wxtest-password', type: 'user', roles: [] }),
    signal: AbortSignal.timeout(10_000),
  })
  assert.equal(res.status, 201, await res.clone().text())
  const { token } = await res.json()
  const rc = path.join(dir, 'npmrc')
  fs.writeFileSync(rc, `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\naudit=false\nfund=false\nupdate-notifier=false\n`)
  const env = { ...process.env, npm_config_userconfig: rc, npm_config_cache: path.join(dir, 'cache'), npm_config_registry: registry }
  for (const k of Object.keys(env)) if (/^npm_config_(nodedir|globalconfig|prefix)$/i.test(k)) delete env[k]

  for (const p of platforms) npm(['publish', path.join(root, 'npm', p), '--provenance=false'], dir, env)
  npm(['publish', path.join(root, 'npm', 'wxcrypt'), '--provenance=false'], dir, env)
  const published = JSON.parse(npm(['view', 'wxcrypt', '--json'], dir, env))
  assert.deepEqual(published.optionalDependencies, main.optionalDependencies)

  const installIn = (name, extra) => {
    const app = path.join(dir, name)
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
    npm(['install', 'wxcrypt', ...extra], app, env)
    const got = fs.readdirSync(path.join(app, 'node_modules')).filter((f) => !f.startsWith('.'))
    return { app, got: got.sort() }
  }

  for (const p of platforms) {
    const { got } = installIn(p, flags(p))
    assert.deepEqual(got, ['wxcrypt', `wxcrypt-${p}`], `npm install wxcrypt ${flags(p).join(' ')}`)
    const bin = fs.readdirSync(path.join(dir, p, 'node_modules', `wxcrypt-${p}`)).filter((f) => f.endsWith('.node'))
    assert.deepEqual(bin, [`wxcrypt.${p}.node`])
  }

  // This host, no flags: the platform npm sees here, loaded and used.
  const { app, got } = installIn('host', [])
  const host = require('../../npm/wxcrypt/lib/crypto/native.js').platformKey()
  assert.deepEqual(got, ['wxcrypt', `wxcrypt-${host}`])
  const check = `
    const wx = require('wxcrypt')
    const b = ${JSON.stringify(band)}
    const d = new wx(b.appId, b.sessionKey).decryptData(b.encryptedData, b.iv)
    const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node')).map((f) => require('path').relative(process.cwd(), f))
    console.log(JSON.stringify({ backend: wx.backend, loaded, same: JSON.stringify(d) === b.plaintext }))`
  const out = execFileSync(process.execPath, ['-e', check], { cwd: app, encoding: 'utf8', env: { ...process.env, WXCRYPT_BACKEND: '' } })
  assert.deepEqual(JSON.parse(out), {
    backend: 'native',
    loaded: [path.join('node_modules', `wxcrypt-${host}`, `wxcrypt.${host}.node`)],
    same: true,
  })
})
