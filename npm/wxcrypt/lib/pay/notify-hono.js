'use strict'
// The pay-callback handler for Hono (and any fetch-style server: workerd, Deno, Bun): reads the
// raw bytes of the Request, answers with a Response. Pure: no Node module.
const { createPayNotifyHandler } = require('./notify-core.js')

/**
 * `app.post('/pay/notify', payNotifyHono({ pay: client, store, handler }))`. The handler's third
 * argument is Hono's context `c`. Also `payNotifyHono(options).fetch(request)` for a bare fetch handler.
 */
function payNotifyHono(options) {
  const handle = createPayNotifyHandler(options)
  const answer = async (request, context) => {
    const body = new Uint8Array(await request.arrayBuffer())
    const r = await handle({ headers: request.headers, body, context })
    return new Response(r.body === '' ? null : r.body, { status: r.status, headers: r.headers })
  }
  const route = (c) => answer(c.req.raw, c)
  route.fetch = (request) => answer(request, undefined)
  return route
}

module.exports = { payNotifyHono }
