// Vercel Edge: bundled by run.mjs as Next.js does it (esbuild, condition edge-light; the
// `.wasm?module` import becomes a WebAssembly.Module the host injects as a global), then
// evaluated inside Vercel's edge-runtime sandbox. The results go to a global the host reads.
import * as wx from 'wxcrypt'
import vectors from './vectors.json'
import { run } from './checks.mjs'
import { runApiSecurity } from './api-security-checks.mjs'
import * as pay from 'wxcrypt/pay'
import { runPay } from './pay-checks.mjs'
import * as payClient from 'wxcrypt/pay-client'
import { runPayClient, runPayClientReal } from './pay-client-checks.mjs'

globalThis.__wxcryptResults = run(wx, vectors, 'wasm')
// Asynchronous (WebCrypto): the host awaits this promise.
globalThis.__wxcryptAsyncResults = Promise.all([runApiSecurity(wx, vectors, 'webcrypto'), runPay(pay, vectors, 'webcrypto'), runPayClient(payClient), runPayClientReal(payClient, pay, vectors)]).then((r) => r.flat())
