// Cloudflare workerd: bundled by run.mjs the way wrangler does it (esbuild, conditions
// workerd/worker/browser, the .wasm kept as a separate wasm module); `workerd test` calls test().
import * as wx from 'wxcrypt'
import vectors from './vectors.json'
import { run } from './checks.mjs'
import { Hono } from 'hono'
import * as hono from 'wxcrypt/hono'
import { runHono } from './hono-checks.mjs'
import * as payClient from 'wxcrypt/pay-client'
import { runPayClient, runPayClientReal } from './pay-client-checks.mjs'
import { runApiSecurity } from './api-security-checks.mjs'
import * as pay from 'wxcrypt/pay'
import { runPay } from './pay-checks.mjs'
import { runApiSecurityClient } from './api-security-client-checks.mjs'

export default {
  async test() {
    const failed = []
    for (const { name, error } of run(wx, vectors, 'wasm')) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    for (const { name, error } of await runApiSecurity(wx, vectors, 'webcrypto')) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    for (const { name, error } of await runPay(pay, vectors, 'webcrypto')) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    for (const { name, error } of await runHono(Hono, hono, wx, vectors)) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    for (const { name, error } of [...(await runPayClient(payClient)), ...(await runPayClientReal(payClient, pay, vectors))]) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    // WeChatClient in server-API security mode against an in-worker fake of WeChat (none run
    // while the build has no ApiSecurity).
    for (const { name, error } of await runApiSecurityClient(wx)) {
      console.log(`${error === null ? 'ok' : 'FAIL'} - workerd: ${name}${error === null ? '' : `\n${error}`}`)
      if (error !== null) failed.push(name)
    }
    // The reason for the workerd entry: this runtime refuses to compile wasm from bytes.
    let refused = false
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
    } catch {
      refused = true
    }
    console.log(`${refused ? 'ok' : 'FAIL'} - workerd: compiling wasm from bytes is refused`)
    if (!refused) failed.push('compile refused')
    if (failed.length) throw new Error(`${failed.length} workerd checks failed: ${failed.join(', ')}`)
  },
}
