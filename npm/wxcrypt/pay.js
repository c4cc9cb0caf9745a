'use strict'
// wxcrypt/pay: WeChat Pay APIv3 (WechatPay, WechatPayPlatform) on Node and Bun.
// At the package root so resolvers that do not read "exports" find it and pay.d.ts beside it.
module.exports = require('./lib/crypto/pay-node.js')
