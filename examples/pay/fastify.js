'use strict'
// WeChat Pay callbacks on Fastify: in its own plugin scope, JSON bodies stay the raw bytes
// (Fastify's JSON parser still serves every other route).
const Fastify = require('fastify')
const { createPayNotifyHandler } = require('wxcrypt/pay-client')

function createFastifyApp({ client, store, onPaid }) {
  const app = Fastify()
  const handle = createPayNotifyHandler({
    pay: client,
    store,
    async handler(tx) {
      if (tx.trade_state === 'SUCCESS') await onPaid(tx)
    },
  })
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))
    scope.post('/pay/notify', async (req, reply) => {
      const r = await handle({ headers: req.headers, body: req.body })
      return reply.code(r.status).headers(r.headers).send(r.body || undefined)
    })
  })
  return app
}

module.exports = { createFastifyApp }
