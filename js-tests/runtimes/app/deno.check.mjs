// Deno: the package through its `deno` condition (wasm.mjs, the inlined module: no permissions).
import * as wx from 'wxcrypt'
import vectors from './vectors.json' with { type: 'json' }
import { run } from './checks.mjs'

for (const { name, error } of run(wx, vectors, 'wasm')) {
  Deno.test(`deno ${Deno.version.deno}: ${name}`, () => {
    if (error !== null) throw new Error(error)
  })
}
