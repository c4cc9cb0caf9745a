// wxcrypt/pay under the `edge-light` condition: the root entry ./edge-light.mjs initialises the wasm backend.
import './edge-light.mjs'

export * from './lib/crypto/wasm-pay.mjs'
