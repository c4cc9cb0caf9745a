'use strict'
// The demo's WeChat Pay pieces: WechatPayClient and payNotifyKoa from wxcrypt/pay. Until this
// tree has that entry (the `pay` branch builds WechatPay in the core), the same client and
// middleware run over the node:crypto reference WechatPay of the tests.
function loadWechatPay() {
  try {
    const pay = require('wxcrypt/pay')
    if (pay.WechatPayClient && pay.payNotifyKoa) return { WechatPayClient: pay.WechatPayClient, payNotifyKoa: pay.payNotifyKoa, source: 'wxcrypt/pay' }
  } catch (err) {
    if (err.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && err.code !== 'MODULE_NOT_FOUND') throw err
  }
  const path = require('node:path')
  const root = path.join(__dirname, '..', '..')
  const { payClientWith } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'client.js'))
  const { payNotifyKoa } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'notify-node.js'))
  const { ReferenceWechatPay } = require(path.join(root, 'js-tests', 'support', 'pay-fake.js'))
  return { WechatPayClient: payClientWith(ReferenceWechatPay), payNotifyKoa, source: 'node:crypto reference' }
}

module.exports = { loadWechatPay }
