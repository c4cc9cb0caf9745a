'use strict'
// Loads the WebAssembly backend synchronously on Node (and Bun): wasm-bindgen's CommonJS glue
// reads wasm/wxcrypt_wasm_bg.wasm next to it and instantiates it on first require.
const path = require('node:path')

function loadWasm() {
  return require(path.join(__dirname, '..', '..', 'wasm', 'wxcrypt_wasm.cjs'))
}

module.exports = { loadWasm }
