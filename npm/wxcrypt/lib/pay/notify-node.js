'use strict'
// The pay-callback adapters on Node: Koa, Express (and Connect), NestJS (Express or Fastify
// platform), over lib/pay/notify-core.js. Each hands the core the RAW body: the bytes read from
// the request stream, or the raw body a parser kept (koa-bodyparser's ctx.request.rawBody, Nest's
// `rawBody: true` req.rawBody, express.raw()/express.text()); a body some parser already turned
// into an object is refused with a 500 (WeChat retries) and logged: it is never re-serialised.
const { createPayNotifyHandler } = require('./notify-core.js')

/** The request's raw bytes, up to `limit` (more: resolves to a too-large marker the core refuses). */
function readRaw(stream, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    stream.on('data', (c) => {
      size += c.length
      if (size <= limit) chunks.push(c)
    })
    stream.on('end', () => resolve(size > limit ? new Uint8Array(limit + 1) : Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

const isRaw = (b) => typeof b === 'string' || b instanceof Uint8Array

/** What the core gets as `body`: a raw body a parser kept, the stream's bytes, or the parsed value (refused). */
async function rawBodyOf(req, parsed, limit) {
  if (isRaw(req.rawBody)) return req.rawBody
  if (isRaw(parsed)) return parsed
  const consumed = req.readableEnded || req.complete || req._body === true
  if (parsed !== undefined && parsed !== null && consumed) return parsed
  if (consumed) return parsed === undefined ? null : parsed
  return readRaw(req, limit)
}

function options4(options) {
  const handle = createPayNotifyHandler(options)
  const limit = options.maxBodyBytes ?? 64 * 1024
  return { handle, limit }
}

/**
 * Koa: `router.post('/pay/notify', payNotifyKoa({ pay: client, store, handler }))`. Mount it
 * before (or instead of) a JSON body parser: it reads the raw body and disables a later parser.
 * `ctx.state.payNotify` is `{ outcome }`.
 */
function payNotifyKoa(options) {
  const { handle, limit } = options4(options)
  return async function payNotifyMiddleware(ctx) {
    const body = isRaw(ctx.request.rawBody) ? ctx.request.rawBody : await rawBodyOf(ctx.req, ctx.request.body, limit)
    ctx.disableBodyParser = true
    const r = await handle({ headers: ctx.headers, body, context: ctx })
    ctx.state.payNotify = { outcome: r.outcome }
    for (const [k, v] of Object.entries(r.headers)) ctx.set(k, v)
    ctx.body = r.body === '' ? null : r.body
    ctx.status = r.status
  }
}

/** Answers on an Express/Node response or a Fastify reply. */
function send(res, r) {
  if (typeof res.code === 'function' && typeof res.send === 'function' && !('statusCode' in res && typeof res.setHeader === 'function')) {
    res.code(r.status)
    for (const [k, v] of Object.entries(r.headers)) res.header(k, v)
    return res.send(r.body === '' ? undefined : r.body)
  }
  res.statusCode = r.status
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v)
  res.end(r.body === '' ? undefined : r.body)
}

/**
 * Express / Connect: `app.post('/pay/notify', payNotifyExpress({ pay: client, store, handler }))`,
 * mounted before express.json() (or with express.raw({ type: '*\/*' }) on the route).
 * `req.payNotify` is `{ outcome }`.
 */
function payNotifyExpress(options) {
  const { handle, limit } = options4(options)
  return function payNotifyMiddleware(req, res, next) {
    const parsed = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && Object.keys(req.body).length === 0 ? undefined : req.body
    rawBodyOf(req, parsed, limit)
      .then((body) => handle({ headers: req.headers, body, context: req }))
      .then((r) => {
        req.payNotify = { outcome: r.outcome }
        send(res, r)
      }, next)
  }
}

/**
 * NestJS (Express or Fastify platform; create the app with `{ rawBody: true }` so Nest's parser
 * keeps `req.rawBody`): `payNotify = payNotifyNest({ pay, store, handler })`, then in a
 * controller `@Post('pay/notify') notify(@Req() req, @Res() res) { return this.payNotify(req, res) }`.
 * Resolves to `{ outcome }`.
 */
function payNotifyNest(options) {
  const { handle, limit } = options4(options)
  return async function payNotify(req, res) {
    const raw = req.raw && !isRaw(req.rawBody) ? req.raw : req // Fastify's request wraps the Node one
    const body = await rawBodyOf(isRaw(req.rawBody) ? req : raw, req.body, limit)
    const r = await handle({ headers: req.headers, body, context: req })
    send(res, r)
    return { outcome: r.outcome }
  }
}

module.exports = { payNotifyKoa, payNotifyExpress, payNotifyNest, readRaw }
