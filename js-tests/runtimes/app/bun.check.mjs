// Bun: the package through its `bun` condition (the Node entries: native addon, wasm fallback).
import { test, expect } from 'bun:test'
import * as esm from 'wxcrypt'
import vectors from './vectors.json' with { type: 'json' }
import { run } from './checks.mjs'

const cjs = require('wxcrypt')
for (const [flavour, wx] of [['import', esm], ['require', cjs]]) {
  for (const { name, error } of run(wx, vectors, process.env.EXPECT_BACKEND)) {
    test(`bun ${Bun.version} ${flavour}: ${name}`, () => {
      expect(error).toBeNull()
    })
  }
}
