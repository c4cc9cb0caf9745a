'use strict'
// Koa middleware for a message-push endpoint of any Tencent sender (mini program, official account,
// open platform, WeCom): GET URL verification, POST decryption (lib/push/push.js decides which).
const { createPushHandler } = require('./push.js')

/**
 * `app.use(wechatPush({ token, encodingAESKey, appId }))`, or on a route. On a verified POST,
 * `ctx.state.wechat` holds `{ encrypted, envelope, format, message, text, openid }` and
 * `ctx.wechatReply(msg)` sets an (encrypted, in safe mode and for WeCom: in the request's
 * envelope) reply body.
 */
function wechatPush(options) {
  const handle = createPushHandler(options)
  return async function wechatPushMiddleware(ctx, next) {
    const parsed = ctx.request.body
    const result = await handle({ method: ctx.method, query: ctx.query, body: parsed, stream: ctx.req })
    if (!result.next) {
      ctx.status = result.status
      ctx.type = 'text/plain'
      ctx.body = result.text
      if (result.error) ctx.state.wechatError = result.error
      return
    }
    // The body was read here: a body parser mounted after this middleware (koa-bodyparser,
    // @koa/bodyparser, Egg's and Midway's) must not read the spent stream again.
    if (parsed === undefined && ctx.method === 'POST') ctx.disableBodyParser = true
    ctx.state.wechat = result.wechat
    ctx.wechatReply = (msg) => {
      const { type, body } = result.wechat.reply(msg)
      ctx.type = type
      ctx.body = body
    }
    await next()
    if (ctx.body === undefined && ctx.status === 404) {
      // A handler that answered nothing: WeChat expects 'success'.
      ctx.wechatReply('success')
    }
  }
}

module.exports = wechatPush
module.exports.wechatPush = wechatPush
module.exports.default = wechatPush
