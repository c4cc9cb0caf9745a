// Vercel Edge (the `edge-light` condition): compiling wasm from bytes at run time is forbidden
// there; Vercel's bundler turns a `?module` import into a WebAssembly.Module.
import wasmModule from './wasm/wxcrypt_wasm_bg.wasm?module'
import { initSync } from './wasm/wxcrypt_wasm.mjs'

initSync({ module: wasmModule })

export * from './lib/crypto/wasm-api.mjs'
export { default } from './lib/crypto/wasm-api.mjs'
