// npm run bench (api-security-workerd): issue 18's edge target measured in Cloudflare's own
// runtime. The worker (bench/workerd/api-security-worker.mjs), bundled the way wrangler bundles it
// (esbuild, conditions workerd/worker/browser, the .wasm a separate module), runs sealRequest +
// openResponse on WeChat's official vector with the wasm backend (RSA by WebCrypto) or a
// straightforward WebCrypto implementation (bench/support). Inside a worker the clock only moves
// on I/O, so this process times whole requests of N operations each (N sized to ~BENCH_TIME ms),
// in interleaved rounds, best round per candidate. Prints µs per operation and MET/MISS.
//
// Environment: BENCH_TIME=ms per request (default 300), BENCH_ROUNDS (default 5).
import { spawn } from 'node:child_process'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TIME = Number(process.env.BENCH_TIME || 300)
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5)
const v = JSON.parse(readFileSync(path.join(ROOT, 'vectors/api-security.json'), 'utf8'))

const dir = mkdtempSync(path.join(tmpdir(), 'wxcrypt-bench-workerd-'))
const src = path.join(dir, 'src')
cpSync(path.join(ROOT, 'bench/workerd'), path.join(src, 'workerd'), { recursive: true })
cpSync(path.join(ROOT, 'bench/support'), path.join(src, 'support'), { recursive: true })
writeFileSync(path.join(src, 'workerd/input.json'), JSON.stringify({
  vector: v,
  config: {
    appId: v.appid,
    algorithm: 'AES256_GCM+RSAwithSHA256',
    symmetricKey: v.symmetric_key,
    symmetricKeySn: v.symmetric_key_sn,
    privateKey: v.private_key,
    privateKeySn: v.private_key_sn,
    platformCertificates: [{ sn: v.platform_certificate_sn, certificate: v.platform_certificate }],
    maxSkewSeconds: 2 ** 30,
  },
  der: {
    pkcs8: createPrivateKey(v.private_key).export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    spki: createPublicKey(v.platform_certificate).export({ type: 'spki', format: 'der' }).toString('base64'),
  },
}))

await esbuild.build({
  entryPoints: [path.join(src, 'workerd/api-security-worker.mjs')],
  outfile: path.join(dir, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  nodePaths: [path.join(ROOT, 'node_modules')],
  logLevel: 'error',
  plugins: [{
    name: 'wasm-module',
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, () => ({ path: './wxcrypt_wasm_bg.wasm', external: true }))
    },
  }],
})
cpSync(path.join(ROOT, 'npm/wxcrypt/wasm/wxcrypt_wasm_bg.wasm'), path.join(dir, 'wxcrypt_wasm_bg.wasm'))

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})
writeFileSync(path.join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wxcrypt_wasm_bg.wasm", wasm = embed "wxcrypt_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`)

const workerd = spawn(path.join(ROOT, 'node_modules/.bin/workerd'), ['serve', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] })
let stderr = ''
workerd.stderr.on('data', (d) => (stderr += d))
function stop() {
  workerd.kill()
  rmSync(dir, { recursive: true, force: true })
}

async function get(query) {
  const res = await fetch(`http://127.0.0.1:${port}/?${query}`, { signal: AbortSignal.timeout(120_000) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${text}`)
  return text
}

try {
  let about
  for (let i = 0; about === undefined; i++) {
    try {
      about = JSON.parse(await get(''))
    } catch (err) {
      if (i >= 100 || workerd.exitCode !== null || /answered/.test(err.message)) throw new Error(`${err.message}\n${stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  /** ms for one request of n operations. */
  async function timed(impl, n) {
    const t0 = process.hrtime.bigint()
    await get(`impl=${impl}&n=${n}`)
    return Number(process.hrtime.bigint() - t0) / 1e6
  }
  const names = { wxcrypt: `wxcrypt (${about.backend}, RSA by ${about.signer})`, webcrypto: 'WebCrypto implementation' }
  const n = {}
  for (const impl of Object.keys(names)) {
    await timed(impl, 20) // warm up
    n[impl] = Math.max(20, Math.round((TIME / (await timed(impl, 50))) * 50))
  }
  const best = { wxcrypt: Infinity, webcrypto: Infinity }
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of Object.keys(names)) best[impl] = Math.min(best[impl], ((await timed(impl, n[impl])) * 1000) / n[impl])
  }
  console.log(`api-security bench in workerd: ${ROUNDS} interleaved rounds of ~${TIME} ms requests, best round; sealRequest + openResponse on the official vector`)
  for (const impl of Object.keys(names)) console.log(`  ${names[impl].padEnd(44)} ${best[impl].toFixed(1).padStart(9)} µs`)
  const ratio = best.webcrypto / best.wxcrypt
  console.log(`\n${ratio >= 1 / 1.2 ? 'MET ' : 'MISS'} workerd: sealRequest + openResponse vs WebCrypto: ${ratio.toFixed(2)}x (target >= ${(1 / 1.2).toFixed(2)}x)`)
} finally {
  stop()
}
