'use strict'
// wxcrypt/pay on Node (and Bun): WechatPay and WechatPayPlatform over the backend
// lib/crypto/backend.js picks (the native addon, else the WebAssembly build; WXCRYPT_BACKEND
// forces one: the same instance the root entry uses, both loaders are cached by require), with
// the two RSA operations (the merchant's SHA256withRSA signature, the platform signature's
// verification) in node:crypto (lib/crypto/sign-node.js, the layer ApiSecurity uses too) with
// keys imported once from those the core validated: bench/pay.mjs measures node:crypto's
// synchronous sign and verify with a cached KeyObject faster on Node than WebCrypto's jobs on the
// thread pool (and both far faster than RSA in the core).
const { createPay } = require('./pay.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner, nodeVerifier } = require('./sign-node.js')
const { WXCryptError, ErrorCode } = require('./api.js')

const { binding, backend } = loadBinding()
const { WechatPay, WechatPayPlatform } = createPay(binding, nodeSigner('pkcs1'), nodeVerifier('pkcs1'))

module.exports = { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend }
