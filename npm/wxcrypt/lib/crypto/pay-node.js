'use strict'
// wxcrypt/pay on Node (and Bun): WechatPay and WechatPayPlatform over the backend
// lib/crypto/backend.js picks (the native addon, else the WebAssembly build; WXCRYPT_BACKEND
// forces one: the same instance the root entry uses, both loaders are cached by require), with
// the two RSA operations in node:crypto with KeyObjects made once from the keys the core
// validated: the merchant's SHA256withRSA signature and the platform signature's verification
// (measured faster than RSA in the core on both backends: bench/pay.mjs).
const { createPay } = require('./pay.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner, nodeVerifier } = require('./sign-node.js')
const { WXCryptError, ErrorCode } = require('./api.js')

const { binding, backend } = loadBinding()
const { WechatPay, WechatPayPlatform } = createPay(binding, nodeSigner('pkcs1'), nodeVerifier())

module.exports = { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend }
