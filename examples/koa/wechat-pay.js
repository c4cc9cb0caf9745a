'use strict'
// The demo's WeChat Pay pieces from wxcrypt/pay-client: WechatPayClient (over wxcrypt/pay's
// WechatPay) and payNotifyKoa. While this tree has no wxcrypt/pay yet (the core's WechatPay is
// built on its own branch), the client runs over the node:crypto reference WechatPay of the tests.
const { WechatPayClient, payClientWith, payNotifyKoa } = require('wxcrypt/pay-client')

function hasWechatPay() {
  try {
    require.resolve('wxcrypt/pay')
    return true
  } catch {
    return false
  }
}

function loadWechatPay() {
  if (hasWechatPay()) return { WechatPayClient, payNotifyKoa, source: 'wxcrypt/pay' }
  const { ReferenceWechatPay } = require('../../js-tests/support/pay-fake.js')
  return { WechatPayClient: payClientWith(ReferenceWechatPay), payNotifyKoa, source: 'node:crypto reference' }
}

module.exports = { loadWechatPay }
