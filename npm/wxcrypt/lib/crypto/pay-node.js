'use strict'
// wxcrypt/pay on Node (and Bun): WechatPay and WechatPayPlatform over the backend
// lib/crypto/backend.js picks (the native addon, else the WebAssembly build; WXCRYPT_BACKEND
// forces one: the same instance the root entry uses, both loaders are cached by require), with
// the two RSA operations (the merchant's SHA256withRSA signature, the platform signature's
// verification) in the host's crypto with keys imported once from those the core validated, each
// where bench/pay.mjs measured it fastest on Node (both far faster than RSA in the core): the
// signature by WebCrypto (faster than node:crypto's synchronous sign with a cached KeyObject;
// node:crypto where globalThis.crypto.subtle is missing), the verification by node:crypto (a
// public-key operation is cheap enough that WebCrypto's asynchronous job costs more than it).
const { createPay } = require('./pay.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner, nodeVerifier } = require('./sign-node.js')
const { webCryptoSigner } = require('./sign-webcrypto.js')
const { WXCryptError, ErrorCode } = require('./api.js')

const { binding, backend } = loadBinding()
const { WechatPay, WechatPayPlatform } = createPay(binding, webCryptoSigner('pkcs1') || nodeSigner('pkcs1'), nodeVerifier())

module.exports = { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend }
