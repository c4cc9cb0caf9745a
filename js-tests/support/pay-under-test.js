'use strict'
// The WechatPay the pay-client tests use: the package's (wxcrypt/pay, native or wasm per
// WXCRYPT_BACKEND) once it exists, else the node:crypto reference of ./pay-fake.js.
const path = require('node:path')
const { root } = require('./wxcrypt.js')
const { ReferenceWechatPay } = require('./pay-fake.js')
const { payClientWith } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'client.js'))

let WechatPay = ReferenceWechatPay
let source = 'reference (node:crypto)'
try {
  WechatPay = require(path.join(root, 'npm', 'wxcrypt', 'pay.js')).WechatPay || ReferenceWechatPay
  if (WechatPay !== ReferenceWechatPay) source = 'wxcrypt/pay'
} catch {
  // not built yet
}
const WechatPayClient = payClientWith(WechatPay)

module.exports = { WechatPay, WechatPayClient, source }
