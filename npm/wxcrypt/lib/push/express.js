'use strict'
// Express / Connect middleware for a message-push endpoint of any Tencent sender (mini program,
// official account, open platform, WeCom); lib/push/push.js decides which check a request gets.
const { URL } = require('node:url')
const { createPushHandler } = require('./push.js')

function queryOf(req) {
  if (req.query && typeof req.query === 'object') return req.query
  const q = {}
  for (const [k, v] of new URL(req.url, 'http://localhost').searchParams) if (!(k in q)) q[k] = v
  return q
}

/**
 * `app.use('/wechat', wechatPush({ token, encodingAESKey, appId }))`. On a verified POST,
 * `req.wechat` holds `{ encrypted, envelope, format, message, text, openid }` and
 * `res.wechatReply(msg)` sends the (encrypted, in safe mode and for WeCom: in the request's
 * envelope) reply.
 */
function wechatPush(options) {
  const handle = createPushHandler(options)
  return function wechatPushMiddleware(req, res, next) {
    // A body-parser may have run before us (an empty object means it found nothing to parse).
    const parsed = req.body !== undefined && !(req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && Object.keys(req.body).length === 0)
    handle({ method: req.method, query: queryOf(req), body: parsed ? req.body : undefined, stream: req }).then(
      (result) => {
        if (!result.next) {
          if (result.error) req.wechatError = result.error
          res.statusCode = result.status
          res.setHeader('content-type', 'text/plain; charset=utf-8')
          res.end(result.text)
          return
        }
        req.wechat = result.wechat
        res.wechatReply = (msg) => {
          const { type, body } = result.wechat.reply(msg)
          res.statusCode = 200
          res.setHeader('content-type', `${type}; charset=utf-8`)
          res.end(body)
        }
        next()
      },
      (err) => next(err),
    )
  }
}

module.exports = wechatPush
module.exports.wechatPush = wechatPush
module.exports.default = wechatPush
