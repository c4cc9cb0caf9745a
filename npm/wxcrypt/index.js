'use strict'
const { createApi } = require('./lib/api.js')
const { loadNative } = require('./lib/native.js')

const api = createApi(loadNative(), 'native')

// `require('wxcrypt')` is the class itself, as `require('./WXBizDataCrypt')` was; everything
// else hangs off it, so destructuring works too.
module.exports = Object.assign(api.WXBizDataCrypt, api, { default: api.WXBizDataCrypt })
