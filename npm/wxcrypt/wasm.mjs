// The WebAssembly backend with the module inlined (base64): no file access, no fetch, no bundler
// support needed. Used by Deno, browsers and any runtime without a more specific condition.
// Compiled asynchronously (top-level await): browsers refuse large synchronous compiles.
import base64 from './wasm/wxcrypt_wasm_inline.mjs'
import { initSync } from './wasm/wxcrypt_wasm.mjs'

const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
initSync({ module: await WebAssembly.compile(bytes) })

export * from './lib/crypto/wasm-api.mjs'
export { default } from './lib/crypto/wasm-api.mjs'
