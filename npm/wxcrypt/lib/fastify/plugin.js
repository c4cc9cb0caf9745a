'use strict'
// wxcrypt/fastify: a Fastify plugin (fastify-plugin, so its decorators reach the app) over the
// login kit (lib/adapter/kit.js) that wxcrypt/nest uses too:
//   fastify.wechat              the WeChatClient
//   fastify.wxSessions          the session store (lib/store/session.js)
//   fastify.wxcrypt             the routes' steps: login, session, crypt, decrypt, phoneNumber,
//                               userInfo, answer, and `authenticate` (a preHandler: request.wxSession)
//   fastify.wxPush(url, handler) a GET/POST push route that reads the raw body (its own content-type
//                               parser) and hands it to lib/push/push.js; request.wechat is the
//                               message, the handler's return value the (encrypted) reply
// and an error handler answering wxcrypt's errors with httpAnswer (`errorHandler: false` to skip).
const fp = require('fastify-plugin')
const { createKit } = require('../adapter/kit.js')

const MAX_BODY = 1024 * 1024

async function wxcryptPlugin(fastify, options) {
  const { errorHandler = true, ...kitOptions } = options || {}
  const kit = createKit(kitOptions, { info: (e) => fastify.log.info(e), warn: (e) => fastify.log.warn(e) })

  /** preHandler: the session behind `Authorization: Bearer <token>` on `request.wxSession`, else 401. */
  async function authenticate(request) {
    request.wxSession = await kit.session(request.headers.authorization)
  }

  fastify.decorate('wechat', kit.client)
  fastify.decorate('wxSessions', kit.sessions)
  fastify.decorate('wxcrypt', {
    appId: kit.appId,
    client: kit.client,
    sessions: kit.sessions,
    login: kit.login,
    session: kit.session,
    crypt: kit.crypt,
    decrypt: kit.decrypt,
    phoneNumber: kit.phoneNumber,
    userInfo: kit.userInfo,
    answer: kit.answer,
    authenticate,
  })
  fastify.decorateRequest('wxSession', null)
  fastify.decorateRequest('wechat', null)

  fastify.decorate('wxPush', function wxPush(url, handler) {
    if (!kit.push) throw new Error('wxcrypt/fastify: wxPush needs the plugin\'s push options ({ token, encodingAESKey })')
    if (typeof handler !== 'function') throw new TypeError('wxcrypt/fastify: wxPush(url, handler) needs a handler function')
    const bodyLimit = (kitOptions.push && kitOptions.push.maxBodyBytes) || MAX_BODY
    // A child context: its own parser keeps the body as WeChat sent it (JSON or XML), for the signature.
    this.register(async function wxcryptPushRoute(child) {
      child.removeAllContentTypeParsers()
      child.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (req, body, done) => done(null, body))
      child.route({
        method: ['GET', 'POST'],
        url,
        async handler(request, reply) {
          const raw = typeof request.body === 'string' ? request.body : ''
          const result = await kit.push({ method: request.method, query: request.query || {}, body: raw, stream: request.raw })
          if (!result.next) {
            if (result.error) request.log.info({ event: 'push_refused', status: result.status, errcode: result.error.errcode })
            reply.code(result.status).type('text/plain; charset=utf-8')
            return result.text
          }
          request.wechat = result.wechat
          const value = await handler.call(this, request, reply)
          if (reply.sent) return reply
          // Nothing returned: WeChat expects 'success'.
          const { type, body } = result.wechat.reply(value)
          reply.code(200).type(`${type}; charset=utf-8`)
          return body
        },
      })
    })
    return this
  })

  if (errorHandler) {
    const previous = fastify.errorHandler
    fastify.setErrorHandler(function wxcryptErrorHandler(err, request, reply) {
      const answer = kit.answer(err, request.routeOptions && request.routeOptions.url ? request.routeOptions.url : request.url)
      if (answer) return reply.code(answer.status).send(answer.body)
      return previous.call(this, err, request, reply)
    })
  }
}

const plugin = fp(wxcryptPlugin, { name: 'wxcrypt', fastify: '5.x' })

module.exports = plugin
module.exports.wxcrypt = plugin
module.exports.default = plugin
