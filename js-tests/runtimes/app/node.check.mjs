// Node (20, 22, 24): the package through its `node` condition, as ESM and as CommonJS.
// EXPECT_BACKEND says which backend must run (native unless WXCRYPT_BACKEND=wasm).
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import * as esm from 'wxcrypt'
import { run } from './checks.mjs'
import { Hono } from 'hono'
import * as honoEsm from 'wxcrypt/hono'
import { runHono } from './hono-checks.mjs'
import { runApiSecurity } from './api-security-checks.mjs'
import * as payEsm from 'wxcrypt/pay'
import { runPay } from './pay-checks.mjs'
import * as payClient from 'wxcrypt/pay-client'
import { runPayClient, runPayClientReal } from './pay-client-checks.mjs'
import { runApiSecurityClient } from './api-security-client-checks.mjs'

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'))
const expected = process.env.EXPECT_BACKEND
const cjsRequire = createRequire(import.meta.url)
const cjs = cjsRequire('wxcrypt')

for (const [flavour, wx] of [['import', esm], ['require', cjs]]) {
  for (const { name, error } of run(wx, vectors, expected)) {
    test(`node ${process.versions.node} ${flavour}: ${name}`, () => assert.equal(error, null))
  }
}

for (const { name, error } of await runApiSecurityClient(esm)) {
  test(`node ${process.versions.node}: ${name}`, () => assert.equal(error, null))
}

test('the ESM and CommonJS entries export the same names', () => {
  assert.deepEqual(Object.keys(esm).sort(), [...Object.keys(cjs), 'default'].filter((k, i, a) => a.indexOf(k) === i).sort())
})

test('the wasm ESM entry (deno, browser, default) exports the same names as the node entry', async () => {
  const wasmEntry = await import(new URL('./node_modules/wxcrypt/wasm.mjs', import.meta.url))
  assert.deepEqual(Object.keys(wasmEntry).sort(), Object.keys(esm).sort())
  assert.equal(wasmEntry.backend, 'wasm')
})

for (const [flavour, wx] of [['import', esm], ['require', cjs]]) {
  for (const { name, error } of await runApiSecurity(wx, vectors, 'node:crypto')) {
    test(`node ${process.versions.node} ${flavour}: ${name}`, () => assert.equal(error, null))
  }
}

for (const [flavour, pay] of [['import', payEsm], ['require', cjsRequire('wxcrypt/pay')]]) {
  for (const { name, error } of await runPay(pay, vectors, 'node:crypto')) {
    test(`node ${process.versions.node} ${flavour}: ${name}`, () => assert.equal(error, null))
  }
  test(`node ${process.versions.node} ${flavour}: wxcrypt/pay backend`, () => assert.equal(pay.backend, expected))
}

for (const { name, error } of [...(await runPayClient(payClient)), ...(await runPayClientReal(payClient, payEsm, vectors))]) {
  test(`node ${process.versions.node}: ${name}`, () => assert.equal(error, null))
}

for (const [flavour, hono] of [['import', honoEsm], ['require', cjsRequire('wxcrypt/hono')]]) {
  for (const { name, error } of await runHono(Hono, hono, esm, vectors)) {
    test(`node ${process.versions.node} ${flavour}: ${name}`, () => assert.equal(error, null))
  }
}
