'use strict'
// The crypto API on Node (and Bun), made once per process: the backend lib/crypto/backend.js
// picks (the native addon, else the WebAssembly build), under createApi. The package entry
// (index.js), the push middlewares and wxcrypt/client's default signer all use this one.
const { createApi } = require('./api.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner } = require('./sign-node.js')

// The native addon, or the WebAssembly build when it cannot load; WXCRYPT_BACKEND=native|wasm forces one.
const { binding, backend } = loadBinding()

// ApiSecurity's RSA-PSS signature by node:crypto with a cached KeyObject: measured faster than
// the core's RSA (native and wasm) and than WebCrypto on Node (bench/api-security.mjs).
module.exports = createApi(binding, backend, { rsaSigner: nodeSigner() })
