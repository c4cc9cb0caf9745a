'use strict'
// workerd (the Workers runtime) serving one worker on loopback for a test: the entry bundled the
// way wrangler bundles it (esbuild, conditions workerd/worker/browser, the package's .wasm as a
// separate module), text bindings as wrangler.toml's vars, outbound fetch allowed to loopback (the
// simulators). `startWorkerd(t, { entry, bindings })` resolves to { base, output() }; stopped
// and cleaned up by `t.after`.
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { root } = require('./wxcrypt.js')

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function bundle(entry, dir) {
  const esbuild = require('esbuild')
  await esbuild.build({
    entryPoints: [entry],
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

function config(port, bindings) {
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
${Object.entries(bindings).map(([k, v]) => `    ${text(k, v)},`).join('\n')}
  ],
);
`
}

async function startWorkerd(t, { entry, bindings = {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-workerd-'))
  const port = await freePort()
  await bundle(entry, dir)
  fs.writeFileSync(path.join(dir, 'config.capnp'), config(port, bindings))
  let output = ''
  const workerd = spawn(path.join(root, 'node_modules', '.bin', 'workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  workerd.stdout.on('data', (d) => (output += d))
  workerd.stderr.on('data', (d) => (output += d))
  t.after(() => {
    workerd.kill()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      await fetch(base + '/')
      break
    } catch {
      if (i > 100 || workerd.exitCode !== null) throw new Error(`workerd did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { base, output: () => output }
}

module.exports = { startWorkerd }
