// Cloudflare Workers (workerd): compiling wasm from bytes at run time is forbidden there, so the
// .wasm is imported as a module (wrangler and workerd turn it into a WebAssembly.Module).
import wasmModule from './wasm/wxcrypt_wasm_bg.wasm'
import { initSync } from './wasm/wxcrypt_wasm.mjs'

initSync({ module: wasmModule })

export * from './lib/crypto/wasm-api.mjs'
export { default } from './lib/crypto/wasm-api.mjs'
