'use strict'
// wxcrypt/nest's request side: the session guard and `@WxSession()`, the exception filter (every
// wxcrypt error through httpAnswer, via the login kit's `answer`), and message push as a method
// decorator (`@WxPush(path)` + `@WxMessage()`) over lib/push/push.js. Plain JS: Nest's decorators
// are called as functions, constructor parameters declared with `Inject` (no emitDecoratorMetadata).
// Express and Fastify platforms alike: replies go through the HttpAdapterHost.
const { All, applyDecorators, Catch, createParamDecorator, HttpCode, HttpException, Inject, Injectable, UseGuards, UseInterceptors } = require('@nestjs/common')
const { HttpAdapterHost } = require('@nestjs/core')
const { map } = require('rxjs')
const { WXCryptError } = require('../crypto/node.js')
const { StoreError } = require('../store/errors.js')
const { WeChatApiError } = require('../client/errors.js')
const { pushBody, WxRequestError } = require('../adapter/kit.js')

/** The login kit of the module (lib/adapter/kit.js): client, sessions, push handler, logger. */
const WXCRYPT_KIT = Symbol.for('wxcrypt:kit')
const SESSION = Symbol.for('wxcrypt:session')
const MESSAGE = Symbol.for('wxcrypt:push')

/** Declares constructor parameters (what `constructor(@Inject(x) a)` compiles to). */
function inject(target, ...tokens) {
  tokens.forEach((token, i) => Inject(token)(target, undefined, i))
  return target
}

/** A refusal of the request as Nest's HttpException: the same `{ errcode, errmsg }` with or without the filter. */
function nestError(err) {
  return err instanceof WxRequestError ? new HttpException({ errcode: err.errcode, errmsg: err.message }, err.status) : err
}

/** A push request that failed its checks (401, 400, 413, 500): answered as text, no detail. */
class WxPushRefused extends HttpException {
  constructor(status, text, cause) {
    super(text, status)
    this.name = 'WxPushRefused'
    if (cause) this.wechatError = cause
  }
}

function pathOf(req) {
  return String(req.originalUrl || req.url || '').split('?')[0]
}

/** Puts the session behind `Authorization: Bearer <token>` on the request, or answers 401. */
class WxSessionGuard {
  constructor(kit) {
    this.kit = kit
  }

  async canActivate(context) {
    const req = context.switchToHttp().getRequest()
    try {
      req[SESSION] = await this.kit.session(req.headers.authorization)
    } catch (err) {
      throw nestError(err)
    }
    return true
  }
}
inject(WxSessionGuard, WXCRYPT_KIT)
Injectable()(WxSessionGuard)

/** `@WxSession()`: the logged-in session `{ openid, sessionKey, unionid? }` (behind WxSessionGuard). */
const WxSession = createParamDecorator((key, context) => {
  const session = context.switchToHttp().getRequest()[SESSION]
  return key && session ? session[key] : session
})

/** `@WxAuth()` on a controller or a handler: WxSessionGuard, so `@WxSession()` has a session. */
function WxAuth() {
  return UseGuards(WxSessionGuard)
}

/**
 * Maps WXCryptError, WeChatApiError and StoreError to the documented answers (wxcrypt/client's
 * httpAnswer), logging WeChat's hint and the store's code; push refusals as plain text.
 */
class WxcryptExceptionFilter {
  constructor(kit, adapterHost) {
    this.kit = kit
    this.adapterHost = adapterHost
  }

  catch(err, host) {
    if (host.getType() !== 'http') throw err
    const http = host.switchToHttp()
    const res = http.getResponse()
    const adapter = this.adapterHost.httpAdapter
    if (err instanceof WxPushRefused) {
      adapter.setHeader(res, 'content-type', 'text/plain; charset=utf-8')
      return adapter.reply(res, err.getResponse(), err.getStatus())
    }
    const answer = this.kit.answer(err, pathOf(http.getRequest()))
    if (!answer) throw err
    return adapter.reply(res, answer.body, answer.status)
  }
}
inject(WxcryptExceptionFilter, WXCRYPT_KIT, HttpAdapterHost)
Catch(WXCryptError, WeChatApiError, StoreError, WxRequestError, WxPushRefused)(WxcryptExceptionFilter)
Injectable()(WxcryptExceptionFilter)

/** Checks a push request (URL verification answered here) and puts the verified message on it. */
class WxPushGuard {
  constructor(kit) {
    this.kit = kit
  }

  async canActivate(context) {
    const handle = this.kit.push
    if (!handle) throw new Error('wxcrypt/nest: @WxPush() needs the module\'s push options ({ token, encodingAESKey })')
    const req = context.switchToHttp().getRequest()
    let result
    try {
      result = await handle({ method: req.method, query: req.query || {}, body: pushBody(req.body, req.rawBody), stream: req.raw || req })
    } catch (err) {
      if (err && err.status === 413) throw new WxPushRefused(413, 'request body too large')
      throw err
    }
    if (!result.next) throw new WxPushRefused(result.status, result.text, result.error)
    req[MESSAGE] = result.wechat
    return true
  }
}
inject(WxPushGuard, WXCRYPT_KIT)
Injectable()(WxPushGuard)

/** The handler's return value as the reply: encrypted in safe mode; nothing returned is 'success'. */
class WxPushInterceptor {
  constructor(adapterHost) {
    this.adapterHost = adapterHost
  }

  intercept(context, next) {
    const http = context.switchToHttp()
    const message = http.getRequest()[MESSAGE]
    return next.handle().pipe(
      map((value) => {
        // A GET URL verification never gets here: the guard answered it.
        const { type, body } = message.reply(value)
        this.adapterHost.httpAdapter.setHeader(http.getResponse(), 'content-type', `${type}; charset=utf-8`)
        return body
      }),
    )
  }
}
inject(WxPushInterceptor, HttpAdapterHost)
Injectable()(WxPushInterceptor)

/**
 * `@WxPush('wechat/push')` on a controller method: GET and POST on that path, checked and
 * decrypted by the push handler; `@WxMessage()` gives the message, the return value is the reply.
 */
function WxPush(path) {
  return applyDecorators(path === undefined ? All() : All(path), HttpCode(200), UseGuards(WxPushGuard), UseInterceptors(WxPushInterceptor))
}

/** `@WxMessage()`: the verified push `{ encrypted, envelope, format, message, text, openid }`. */
const WxMessage = createParamDecorator((key, context) => {
  const message = context.switchToHttp().getRequest()[MESSAGE]
  return key && message ? message[key] : message
})

module.exports = {
  WXCRYPT_KIT,
  inject,
  nestError,
  WxSessionGuard,
  WxSession,
  WxAuth,
  WxcryptExceptionFilter,
  WxPushGuard,
  WxPushInterceptor,
  WxPushRefused,
  WxPush,
  WxMessage,
}
