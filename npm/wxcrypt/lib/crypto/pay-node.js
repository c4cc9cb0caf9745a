'use strict'
// wxcrypt/pay on Node (and Bun): WechatPay and WechatPayPlatform over the backend
// lib/crypto/backend.js picks (the native addon, else the WebAssembly build; WXCRYPT_BACKEND
// forces one: the same instance the root entry uses, both loaders are cached by require), with
// the merchant's SHA256withRSA made by node:crypto and a KeyObject made once (bench/pay.mjs).
const { createPay } = require('./pay.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner } = require('./sign-node.js')
const { WXCryptError, ErrorCode } = require('./api.js')

const { binding, backend } = loadBinding()
const { WechatPay, WechatPayPlatform } = createPay(binding, nodeSigner('pkcs1'))

module.exports = { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend }
