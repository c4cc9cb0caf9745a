'use strict'
const { createApi } = require('./lib/api.js')
const { loadBinding } = require('./lib/backend.js')

// The native addon, or the WebAssembly build when it cannot load; WXCRYPT_BACKEND=native|wasm forces one.
const { binding, backend } = loadBinding()
const api = createApi(binding, backend)

// `require('wxcrypt')` is the class itself, as `require('./WXBizDataCrypt')` was; everything
// else hangs off it, so destructuring works too.
const { WeChatClient, WeChatApiError } = require('./lib/client.js')
module.exports = Object.assign(api.WXBizDataCrypt, api, { WeChatClient, WeChatApiError }, { default: api.WXBizDataCrypt })
