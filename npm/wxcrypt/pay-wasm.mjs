// wxcrypt/pay for Deno, browsers and any runtime without a more specific condition: the root
// entry ./wasm.mjs initialises the wasm backend (inlined module).
import './wasm.mjs'

export * from './lib/crypto/wasm-pay.mjs'
