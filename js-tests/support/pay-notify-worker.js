'use strict'
// One process of the exactly-once callback test (js-tests/pay-notify-redis.test.js): a node:http
// server with wxcrypt's Express/Connect pay-callback middleware on a Redis store. Gets its options
// over IPC, reports `{ listening: port }`, then `{ ran: id }` / `{ threw: id }` for each handler run.
const http = require('node:http')
const path = require('node:path')
const root = path.join(__dirname, '..', '..')
const { WechatPay } = require('./pay-under-test.js')
const { createRedisStore } = require(path.join(root, 'npm', 'wxcrypt', 'redis.js'))
const { payNotifyExpress } = require(path.join(root, 'npm', 'wxcrypt', 'lib', 'pay', 'notify-node.js'))

let failNext = false
process.on('message', (msg) => {
  if (msg.failNext !== undefined) {
    failNext = msg.failNext
    process.send({ ack: true })
    return
  }
  if (!msg.start) return
  const { payOptions, redisUrl, prefix, handlerMs } = msg.start
  const store = createRedisStore({ url: redisUrl, prefix, timeoutMs: 500 })
  const mw = payNotifyExpress({
    pay: new WechatPay(payOptions),
    store,
    log: () => {},
    async handler(resource, notification) {
      await new Promise((r) => setTimeout(r, handlerMs))
      if (failNext) {
        failNext = false
        process.send({ threw: notification.id })
        throw new Error('order database down')
      }
      process.send({ ran: notification.id, out_trade_no: resource.out_trade_no })
    },
  })
  const server = http.createServer((req, res) => mw(req, res, (err) => {
    res.statusCode = 599
    res.end(String(err))
  }))
  server.listen(0, '127.0.0.1', () => process.send({ listening: server.address().port }))
})
