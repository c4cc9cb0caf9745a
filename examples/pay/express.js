'use strict'
// WeChat Pay callbacks on Express. The callback route comes BEFORE express.json(): the middleware
// verifies the raw bytes WeChat signed (a body parsed and re-serialised would not verify).
const express = require('express')
const { payNotifyExpress } = require('wxcrypt/pay-client')

function createExpressApp({ client, store, onPaid }) {
  const app = express()
  app.post('/pay/notify', payNotifyExpress({
    pay: client, // a WechatPayClient (or a WechatPay): verifies, decrypts
    store, // memory or wxcrypt/redis: each notification id handled once
    async handler(tx) {
      if (tx.trade_state === 'SUCCESS') await onPaid(tx) // throw: 500, WeChat retries
    },
  }))
  app.use(express.json()) // every other route
  return app
}

module.exports = { createExpressApp }
