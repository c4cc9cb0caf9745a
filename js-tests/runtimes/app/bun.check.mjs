// Bun: the package through its `bun` condition (the Node entries: native addon, wasm fallback).
import { test, expect } from 'bun:test'
import * as esm from 'wxcrypt'
import vectors from './vectors.json' with { type: 'json' }
import { run } from './checks.mjs'
import { Hono } from 'hono'
import * as honoEsm from 'wxcrypt/hono'
import { runHono } from './hono-checks.mjs'
import { runApiSecurity } from './api-security-checks.mjs'
import * as payEsm from 'wxcrypt/pay'
import { runPay } from './pay-checks.mjs'
import * as payClient from 'wxcrypt/pay-client'
import { runPayClient, runPayClientReal } from './pay-client-checks.mjs'

const cjs = require('wxcrypt')
for (const { name, error } of [...(await runPayClient(payClient)), ...(await runPayClientReal(payClient, payEsm, vectors))]) {
  test(`bun ${Bun.version}: ${name}`, () => {
    expect(error).toBeNull()
  })
}

for (const [flavour, wx] of [['import', esm], ['require', cjs]]) {
  for (const { name, error } of run(wx, vectors, process.env.EXPECT_BACKEND)) {
    test(`bun ${Bun.version} ${flavour}: ${name}`, () => {
      expect(error).toBeNull()
    })
  }
}

for (const [flavour, pay] of [['import', payEsm], ['require', require('wxcrypt/pay')]]) {
  for (const { name, error } of await runPay(pay, vectors, 'node:crypto')) {
    test(`bun ${Bun.version} ${flavour}: ${name}`, () => {
      expect(error).toBeNull()
    })
  }
}

for (const [flavour, wx] of [['import', esm], ['require', cjs]]) {
  for (const { name, error } of await runApiSecurity(wx, vectors, 'node:crypto')) {
    test(`bun ${Bun.version} ${flavour}: ${name}`, () => {
      expect(error).toBeNull()
    })
  }
}

for (const [flavour, hono] of [['import', honoEsm], ['require', require('wxcrypt/hono')]]) {
  for (const { name, error } of await runHono(Hono, hono, esm, vectors)) {
    test(`bun ${Bun.version} ${flavour}: ${name}`, () => {
      expect(error).toBeNull()
    })
  }
}
