'use strict'
// The pay-callback handler for Hono (and any fetch-style server: workerd, Deno, Bun): reads the
// raw bytes of the Request, answers with a Response. Pure: no Node module.
const { createPayNotifyHandler, payFail } = require('./notify-core.js')

/**
 * `app.post('/pay/notify', payNotifyHono({ pay: client, store, handler }))`. The handler's third
 * argument is Hono's context `c`. Also `payNotifyHono(options).fetch(request)` for a bare fetch handler.
 */
function payNotifyHono(options) {
  const handle = createPayNotifyHandler(options)
  const limit = options.maxBodyBytes ?? 64 * 1024
  const answer = async (request, context) => {
    // A declared length beyond the limit is refused before the body is read.
    if (Number(request.headers.get('content-length')) > limit) {
      const r = payFail(413, 'body too large')
      return new Response(r.body, { status: r.status, headers: r.headers })
    }
    const body = new Uint8Array(await request.arrayBuffer())
    const r = await handle({ headers: request.headers, body, context })
    return new Response(r.body === '' ? null : r.body, { status: r.status, headers: r.headers })
  }
  const route = (c) => answer(c.req.raw, c)
  route.fetch = (request) => answer(request, undefined)
  return route
}

module.exports = { payNotifyHono }
