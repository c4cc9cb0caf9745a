'use strict'
// wxcrypt/pay on Node (and Bun): WechatPay and WechatPayPlatform over the backend
// lib/crypto/backend.js picks (the native addon, else the WebAssembly build; WXCRYPT_BACKEND
// forces one: the same instance the root entry uses, both loaders are cached by require), with
// the two RSA operations (the merchant's SHA256withRSA signature, the platform signature's
// verification) in the host's crypto with keys imported once from those the core validated:
// WebCrypto, measured faster on Node than node:crypto's synchronous sign/verify with a cached
// KeyObject (and both far faster than RSA in the core: bench/pay.mjs); node:crypto where
// globalThis.crypto.subtle is missing.
const { createPay } = require('./pay.js')
const { loadBinding } = require('./backend.js')
const { nodeSigner, nodeVerifier } = require('./sign-node.js')
const { webCryptoSigner, webCryptoVerifier } = require('./sign-webcrypto.js')
const { WXCryptError, ErrorCode } = require('./api.js')

const { binding, backend } = loadBinding()
const { WechatPay, WechatPayPlatform } = createPay(binding, webCryptoSigner('pkcs1') || nodeSigner('pkcs1'), webCryptoVerifier() || nodeVerifier())

module.exports = { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend }
