'use strict'
// `require('wxcrypt')` on Node and Bun. The crypto API comes from lib/crypto/node.js (the native
// addon, or the WebAssembly build when it cannot load; WXCRYPT_BACKEND=native|wasm forces one),
// WeChatClient from lib/client/node.js (with that backend's signer).
const api = require('./lib/crypto/node.js')
const { WeChatClient, WeChatApiError } = require('./lib/client/node.js')

// `require('wxcrypt')` is the class itself, as `require('./WXBizDataCrypt')` was; everything
// else hangs off it, so destructuring works too.
module.exports = Object.assign(api.WXBizDataCrypt, api, { WeChatClient, WeChatApiError }, { default: api.WXBizDataCrypt })
