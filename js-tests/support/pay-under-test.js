'use strict'
// The WechatPay the pay-client tests use: the package's wxcrypt/pay (native or wasm per
// WXCRYPT_BACKEND), and the WechatPayClient bound to it (wxcrypt/pay-client).
const path = require('node:path')
const { root, wxcrypt } = require('./wxcrypt.js')

const pay = require(path.join(root, 'npm', 'wxcrypt', 'pay.js'))
if (process.env.WXCRYPT_BACKEND && pay.backend !== undefined && pay.backend !== wxcrypt.backend) {
  throw new Error(`wxcrypt/pay loaded the ${pay.backend} backend, the package ${wxcrypt.backend}`)
}
const { WechatPayClient } = require(path.join(root, 'npm', 'wxcrypt', 'pay-client.js'))

module.exports = { WechatPay: pay.WechatPay, WechatPayClient, source: `wxcrypt/pay, ${wxcrypt.backend}` }
