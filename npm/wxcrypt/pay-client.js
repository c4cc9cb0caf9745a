'use strict'
// wxcrypt/pay-client on Node: WechatPayClient (the WeChat Pay APIv3 calls of an ordering backend,
// over wxcrypt/pay's WechatPay) and the exactly-once pay-callback middlewares for Koa, Express,
// NestJS and Hono. The edge entry (workerd, edge-light, Deno, browsers) is pay-client.mjs.
const { payClientWith } = require('./lib/pay/client.js')
const { WechatPayApiError } = require('./lib/pay/errors.js')
const { createPayNotifyHandler } = require('./lib/pay/notify-core.js')
const { payNotifyKoa, payNotifyExpress, payNotifyNest } = require('./lib/pay/notify-node.js')
const { payNotifyHono } = require('./lib/pay/notify-hono.js')

/** wxcrypt/pay's WechatPay, loaded at the first construction (this package's backend: native or wasm). */
function WechatPay(options) {
  return new (require('./pay.js').WechatPay)(options)
}

const WechatPayClient = payClientWith(WechatPay)

module.exports = { WechatPayClient, payClientWith, WechatPayApiError, createPayNotifyHandler, payNotifyKoa, payNotifyExpress, payNotifyNest, payNotifyHono }
