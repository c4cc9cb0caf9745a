// Runs a bundle inside Vercel's edge-runtime sandbox (the `edge-runtime` npm package, the VM
// Vercel and Next.js use to emulate Edge Functions) and prints the results of checks.mjs.
// Usage: node edge-host.mjs <bundle.js> <module.wasm>; exits non-zero on any failure.
import { readFileSync } from 'node:fs'
import { EdgeRuntime } from 'edge-runtime'

const [bundlePath, wasmPath] = process.argv.slice(2)
// What Next.js does for a `?module` import: the host compiles the file and exposes the
// WebAssembly.Module to the sandbox as a global binding. It is compiled with the sandbox's own
// WebAssembly (its realm), as on the platform, so `instanceof WebAssembly.Module` holds there.
// (The emulator does not refuse compiling from bytes as Vercel's production runtime does, so
// that refusal cannot be shown here; workerd's test shows it for Cloudflare.)
const runtime = new EdgeRuntime()
runtime.context.__wxcryptWasmBytes = new Uint8Array(readFileSync(wasmPath))
runtime.evaluate('globalThis.__wxcryptWasmModule = new WebAssembly.Module(globalThis.__wxcryptWasmBytes); delete globalThis.__wxcryptWasmBytes')

let failed = 0

runtime.evaluate(readFileSync(bundlePath, 'utf8'))
const results = [...(runtime.evaluate('globalThis.__wxcryptResults') || []), ...((await runtime.evaluate('globalThis.__wxcryptAsyncResults')) || [])]
if (!Array.isArray(results) || results.length === 0) {
  console.log('FAIL - edge-runtime: the bundle produced no results')
  failed++
} else {
  for (const { name, error } of results) {
    console.log(`${error === null ? 'ok' : 'FAIL'} - edge-runtime: ${name}${error === null ? '' : `\n${error}`}`)
    if (error !== null) failed++
  }
}
process.exitCode = failed ? 1 : 0
