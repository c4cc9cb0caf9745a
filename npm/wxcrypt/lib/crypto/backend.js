'use strict'
// Chooses the backend for Node (and Bun): the native addon when it loads, else the WebAssembly
// build (another OS or CPU, musl without a musl binary, a missing or broken .node file).
// WXCRYPT_BACKEND=native|wasm forces one; a forced backend that cannot load throws.
const { loadNative } = require('./native.js')
const { loadWasm } = require('./wasm-node.js')

function loadBinding(env = process.env) {
  const forced = env.WXCRYPT_BACKEND
  if (forced === 'wasm') return { binding: loadWasm(), backend: 'wasm' }
  if (forced === 'native') return { binding: loadNative(), backend: 'native' }
  if (forced !== undefined && forced !== '') {
    throw new Error(`WXCRYPT_BACKEND must be 'native' or 'wasm' (or unset), got ${JSON.stringify(String(forced).slice(0, 20))}`)
  }
  try {
    return { binding: loadNative(), backend: 'native' }
  } catch {
    return { binding: loadWasm(), backend: 'wasm' }
  }
}

module.exports = { loadBinding }
