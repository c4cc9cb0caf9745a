'use strict'
// WeChat Pay in the Koa demo: the ordering half of a mini-program backend.
//
//   POST /orders {item}          -> a JSAPI order (WechatPayClient) -> { outTradeNo, total, requestPayment }
//                                   requestPayment: what the mini program hands wx.requestPayment
//   GET  /orders/:outTradeNo      -> { outTradeNo, status: 'NOTPAY' | 'SUCCESS', total, transactionId?, paidAt? }
//   POST /pay/notify              -> WeChat's callback: verified over the raw body, resource
//                                   decrypted, handled exactly once (payNotifyKoa + the store)
//
// Orders live in `store` (memory or wxcrypt/redis) under `order:<out_trade_no>`; the callback
// marks an order paid only if WeChat's transaction matches it (mchid, amount, payer).
const crypto = require('node:crypto')

const MENU = { coffee: { description: 'Coffee', total: 1800 }, tea: { description: 'Tea', total: 1200 } }
const ORDER_TTL_MS = 7 * 24 * 3600_000

/** An out_trade_no: 6-32 letters, digits, _ - | *; unique per merchant. */
function newOutTradeNo() {
  return `WXC${Date.now()}${crypto.randomBytes(5).toString('hex')}`
}

/**
 * Adds the pay routes to `router`.
 * @param {object} options
 * @param {object} options.client a WechatPayClient (wxcrypt/pay)
 * @param {Function} options.payNotifyKoa wxcrypt/pay's Koa callback middleware
 * @param {string} options.notifyUrl the public URL of POST /pay/notify
 * @param {object} options.store orders and the callbacks' exactly-once marks
 * @param {object} options.logger
 * @param {Function} options.auth the Bearer-session middleware
 * @param {Function} options.json the JSON body parser (never on /pay/notify: it needs the raw body)
 * @param {Function} options.publicError (status, errcode, errmsg) => Error answered to the client
 */
function addPayRoutes(router, { client, payNotifyKoa, notifyUrl, store, logger, auth, json, publicError }) {
  const key = (outTradeNo) => `order:${outTradeNo}`

  // #region pay-order
  router.post('/orders', json, auth, async (ctx) => {
    const item = (ctx.request.body && ctx.request.body.item) || 'coffee'
    const dish = Object.hasOwn(MENU, item) ? MENU[item] : null
    if (!dish) throw publicError(400, 40035, 'invalid item')
    const { openid } = ctx.state.session
    const outTradeNo = newOutTradeNo()
    const order = { outTradeNo, openid, description: dish.description, total: dish.total, status: 'NOTPAY' }
    await store.set(key(outTradeNo), order, ORDER_TTL_MS)
    const { prepayId, requestPayment } = await client.jsapiOrder({
      description: dish.description,
      out_trade_no: outTradeNo,
      notify_url: notifyUrl,
      amount: { total: dish.total, currency: 'CNY' },
      payer: { openid },
    })
    logger.info({ event: 'order_created', outTradeNo, total: dish.total, prepayId })
    ctx.body = { outTradeNo, total: dish.total, requestPayment }
  })
  // #endregion pay-order

  router.get('/orders/:outTradeNo', auth, async (ctx) => {
    const order = await store.get(key(ctx.params.outTradeNo))
    if (!order || order.openid !== ctx.state.session.openid) throw publicError(404, 40404, 'no such order')
    const { openid, ...view } = order
    ctx.body = view
  })

  // #region pay-notify
  // The callback: mounted without the JSON parser, so the middleware reads the raw bytes.
  const notify = payNotifyKoa({
    pay: client,
    store,
    log: (entry) => (entry.level === 'info' ? logger.info(entry) : logger.warn(entry)),
    async handler(tx) {
      const order = await store.get(key(tx.out_trade_no))
      if (!order) throw new Error('callback for an unknown order') // 500: WeChat retries
      if (tx.trade_state !== 'SUCCESS') return
      if (tx.mchid !== client.mchId || tx.amount.total !== order.total || tx.payer.openid !== order.openid) {
        logger.error({ event: 'pay_mismatch', outTradeNo: order.outTradeNo })
        return // acknowledged, never marked paid: a person looks at it
      }
      await store.set(key(order.outTradeNo), { ...order, status: 'SUCCESS', transactionId: tx.transaction_id, paidAt: tx.success_time }, ORDER_TTL_MS)
      logger.info({ event: 'order_paid', outTradeNo: order.outTradeNo, transactionId: tx.transaction_id })
    },
  })
  router.post('/pay/notify', async (ctx, next) => {
    await next()
    const { outcome } = ctx.state.payNotify || {}
    logger.info({ event: 'pay_notify', outcome, status: ctx.status, serial: ctx.get('wechatpay-serial') })
  }, notify)
  // #endregion pay-notify
}

module.exports = { addPayRoutes, MENU }
