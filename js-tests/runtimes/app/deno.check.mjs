// Deno: the package through its `deno` condition (wasm.mjs, the inlined module: no permissions).
import * as wx from 'wxcrypt'
import vectors from './vectors.json' with { type: 'json' }
import { run } from './checks.mjs'
import { Hono } from 'hono'
import * as hono from 'wxcrypt/hono'
import { runHono } from './hono-checks.mjs'
import { runApiSecurity } from './api-security-checks.mjs'
import * as pay from 'wxcrypt/pay'
import { runPay } from './pay-checks.mjs'
import * as payClient from 'wxcrypt/pay-client'
import { runPayClient, runPayClientReal } from './pay-client-checks.mjs'

for (const { name, error } of run(wx, vectors, 'wasm')) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}

for (const { name, error } of await runApiSecurity(wx, vectors, 'webcrypto')) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}

for (const { name, error } of await runPay(pay, vectors, 'webcrypto')) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}

for (const { name, error } of [...(await runPayClient(payClient)), ...(await runPayClientReal(payClient, pay, vectors))]) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}

for (const { name, error } of await runHono(Hono, hono, wx, vectors)) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}
