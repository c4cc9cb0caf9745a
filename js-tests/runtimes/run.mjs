#!/usr/bin/env node
// Runs the package's runtime checks (app/checks.mjs, and wxcrypt/hono's app/hono-checks.mjs in
// Node, Bun, Deno and workerd) in every runtime it supports: Node 20
// (the node running npm), 22 and 24 (devDependencies node22 / node24), each on the native and
// the wasm backend; Bun (both backends); Deno; Cloudflare workerd; Vercel's edge-runtime; and the
// native-to-wasm fallback test. Everything comes from the root package.json's devDependencies
// (npm ci) and from the built package (npm/wxcrypt with its .node file and `bash
// scripts/build-wasm.sh` output); nothing is installed here.
//
// The package is installed the way a user gets it: `npm pack` of npm/wxcrypt, unpacked into
// <tmp>/node_modules/wxcrypt, with this host's platform package beside it, so the `files`
// whitelist, the `exports` conditions and the loader's package lookup are tested.
//
// Usage: node js-tests/runtimes/run.mjs [name-filter...]   (prints `N passed, N failed`)
import { spawnSync } from 'node:child_process'
import { createPublicKey } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import * as esbuild from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../..')
const pkgDir = join(root, 'npm/wxcrypt')
const bin = (name) => join(root, 'node_modules/.bin', name)
const filters = process.argv.slice(2)

function fail(message) {
  console.error(`runtimes: ${message}`)
  process.exit(2)
}

for (const f of ['wasm/wxcrypt_wasm_bg.wasm', 'wasm/wxcrypt_wasm.mjs', 'wasm/wxcrypt_wasm.cjs', 'wasm/wxcrypt_wasm_inline.mjs', 'lib/crypto/api.mjs']) {
  if (!existsSync(join(pkgDir, f))) fail(`npm/wxcrypt/${f} is missing: run \`bash scripts/build-wasm.sh\` first`)
}
if (!readdirSync(pkgDir).some((f) => f.endsWith('.node'))) fail('npm/wxcrypt has no .node file: build the native addon first (bash scripts/setup.sh)')

// -- the installed package
const stage = mkdtempSync(join(tmpdir(), 'wxcrypt-runtimes-'))
const packed = spawnSync('npm', ['pack', pkgDir, '--pack-destination', stage, '--json', '--silent'], { encoding: 'utf8' })
if (packed.status !== 0) fail(`npm pack failed:\n${packed.stderr}`)
const tarball = join(stage, JSON.parse(packed.stdout)[0].filename)
const installed = join(stage, 'node_modules/wxcrypt')
mkdirSync(installed, { recursive: true })
const untar = spawnSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { encoding: 'utf8' })
if (untar.status !== 0) fail(`tar failed:\n${untar.stderr}`)
rmSync(tarball)
// This host's platform package (wxcrypt-linux-x64-gnu, ...), which npm installs beside wxcrypt.
const { packHostPlatformPackage } = createRequire(import.meta.url)('../support/platform-package.js')
const platform = packHostPlatformPackage(stage)
const platformDir = join(stage, 'node_modules', platform.name)
mkdirSync(platformDir, { recursive: true })
const untarPlatform = spawnSync('tar', ['-xzf', platform.tarball, '-C', platformDir, '--strip-components=1'], { encoding: 'utf8' })
if (untarPlatform.status !== 0) fail(`tar failed:\n${untarPlatform.stderr}`)
rmSync(platform.tarball)
cpSync(join(here, 'app'), stage, { recursive: true })
// Hono (a root devDependency) beside wxcrypt, as an app that uses wxcrypt/hono installs it.
cpSync(join(root, 'node_modules/hono'), join(stage, 'node_modules/hono'), { recursive: true, dereference: true })
// The checks' vectors: wechat-vectors.json, and api-security.json as `api_security` with the app
// key's public half (SPKI PEM and base64 DER) for the runtimes to verify with.
{
  const vectors = JSON.parse(readFileSync(join(root, 'vectors/wechat-vectors.json'), 'utf8'))
  const api = JSON.parse(readFileSync(join(root, 'vectors/api-security.json'), 'utf8'))
  const pub = createPublicKey(api.private_key)
  api.private_key_public = pub.export({ type: 'spki', format: 'pem' })
  api.private_key_spki = pub.export({ type: 'spki', format: 'der' }).toString('base64')
  const wechatpay = JSON.parse(readFileSync(join(root, 'vectors/wechatpay.json'), 'utf8'))
  writeFileSync(join(stage, 'vectors.json'), JSON.stringify({ ...vectors, api_security: api, wechatpay }))
}
writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'wxcrypt-runtime-checks', private: true, type: 'module' }, null, 2))

// -- bundles, made the way each platform's own tooling makes them
const wasmFile = join(installed, 'wasm/wxcrypt_wasm_bg.wasm')
async function bundleWorkerd() {
  // wrangler: esbuild with conditions workerd/worker/browser; a .wasm import stays a separate
  // module of type CompiledWasm, which workerd hands over as a WebAssembly.Module.
  const out = join(stage, 'workerd')
  mkdirSync(out, { recursive: true })
  await esbuild.build({
    entryPoints: [join(stage, 'worker.mjs')],
    outfile: join(out, 'worker.js'),
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
  cpSync(wasmFile, join(out, 'wxcrypt_wasm_bg.wasm'))
  writeFileSync(join(out, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wxcrypt_wasm_bg.wasm", wasm = embed "wxcrypt_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`)
  return join(out, 'config.capnp')
}
async function bundleEdge() {
  // Next.js for the edge runtime: conditions edge-light/worker/browser; a `.wasm?module` import
  // becomes a global that the sandbox host fills with the compiled WebAssembly.Module.
  const outfile = join(stage, 'edge/edge.js')
  await esbuild.build({
    entryPoints: [join(stage, 'edge.mjs')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['edge-light', 'worker', 'browser'],
    logLevel: 'error',
    plugins: [{
      name: 'wasm-module-global',
      setup(build) {
        build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: args.path, namespace: 'wasm-global' }))
        build.onLoad({ filter: /.*/, namespace: 'wasm-global' }, () => ({ contents: 'export default globalThis.__wxcryptWasmModule', loader: 'js' }))
      },
    }],
  })
  return outfile
}

// -- the matrix
const node20 = process.env.npm_node_execpath || process.execPath
const nodes = [
  ['node20', node20],
  ['node22', join(root, 'node_modules/node22/bin/node')],
  ['node24', join(root, 'node_modules/node24/bin/node')],
]
const runs = []
for (const [label, exe] of nodes) {
  for (const backend of ['native', 'wasm']) {
    runs.push({
      name: `${label} (${backend})`,
      cmd: exe,
      args: ['--test', '--test-reporter=spec', 'node.check.mjs'],
      env: { EXPECT_BACKEND: backend, WXCRYPT_BACKEND: backend === 'wasm' ? 'wasm' : '' },
    })
  }
}
for (const backend of ['native', 'wasm']) {
  runs.push({
    name: `bun (${backend})`,
    cmd: bin('bun'),
    args: ['test', './bun.check.mjs'],
    env: { EXPECT_BACKEND: backend, WXCRYPT_BACKEND: backend === 'wasm' ? 'wasm' : '' },
  })
}
runs.push({ name: 'deno', cmd: bin('deno'), args: ['test', '--no-prompt', '--no-lock', '--node-modules-dir=manual', 'deno.check.mjs'], env: {} })
runs.push({ name: 'workerd', prepare: bundleWorkerd, cmd: bin('workerd'), args: (config) => ['test', config], env: {} })
runs.push({ name: 'edge-runtime', prepare: bundleEdge, cmd: process.execPath, args: (bundle) => [join(here, 'edge-host.mjs'), bundle, wasmFile], env: {} })
runs.push({ name: 'fallback (no platform package)', cmd: node20, args: ['--test', '--test-reporter=spec', join(here, 'fallback.test.mjs')], env: {} })

let passed = 0
let failed = 0
for (const r of runs) {
  if (filters.length && !filters.some((f) => r.name.includes(f))) continue
  const started = Date.now()
  let status
  let output = ''
  try {
    const prepared = r.prepare ? await r.prepare() : undefined
    const args = typeof r.args === 'function' ? r.args(prepared) : r.args
    const res = spawnSync(r.cmd, args, {
      cwd: stage,
      env: { ...process.env, NO_COLOR: '1', ...r.env },
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    })
    output = `${res.stdout || ''}${res.stderr || ''}${res.error ? `\n${res.error}` : ''}`
    status = res.status === 0 ? 'pass' : 'fail'
  } catch (err) {
    output = String((err && err.stack) || err)
    status = 'fail'
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (status === 'pass') {
    passed++
    console.log(`ok   ${r.name} (${seconds}s)`)
  } else {
    failed++
    console.log(`FAIL ${r.name} (${seconds}s)\n${output.replace(/^/gm, '     ')}`)
  }
  if (process.env.RUNTIMES_VERBOSE) console.log(output.replace(/^/gm, '     '))
}
rmSync(stage, { recursive: true, force: true })
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed ? 1 : 0
