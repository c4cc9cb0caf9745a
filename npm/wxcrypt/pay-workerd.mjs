// wxcrypt/pay under the `workerd` condition: the root entry ./workerd.mjs initialises the wasm backend.
import './workerd.mjs'

export * from './lib/crypto/wasm-pay.mjs'
