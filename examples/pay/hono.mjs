// WeChat Pay callbacks on Hono (Workers, Deno, Bun, Node): payNotifyHono reads the Request's
// bytes itself; do not read c.req.json() before it.
import { Hono } from 'hono'
import { payNotifyHono } from 'wxcrypt/pay-client'

export function createHonoApp({ client, store, onPaid }) {
  const app = new Hono()
  app.post('/pay/notify', payNotifyHono({
    pay: client,
    store, // wxcrypt/redis, or another store with setIfAbsent (a KV namespace has none)
    async handler(tx) {
      if (tx.trade_state === 'SUCCESS') await onPaid(tx)
    },
  }))
  return app
}
