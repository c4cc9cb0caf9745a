'use strict'
// The classic mini-program login on Koa, with wxcrypt:
//
//   POST /login {code}                          -> jscode2session -> { token } (the "3rd session")
//   POST /phone {encryptedData, iv} | {code}    -> the user's phone number      (Bearer token)
//   POST /user  {rawData, signature, encryptedData, iv} -> the checked user info (Bearer token)
//   POST /token {code, encryptedData, iv}       -> login and phone number in one call (the
//                                                  tutorials' route: wx.login BEFORE getPhoneNumber)
//   GET|POST /wechat/push                       -> message push (wxcrypt/koa)
//   POST /orders, GET /orders/:no, POST /pay/notify -> WeChat Pay (with options.pay: ./pay.js)
//
// session_key never leaves the server. Every failure is answered with the same small body
// `{ errcode, errmsg }` (wxcrypt/client's httpAnswer for wxcrypt's own errors); the cause (wxcrypt's
// diagnose(), WeChat's hint) goes to the server log only.
// Sessions and the access token live in `store` (in memory by default; wxcrypt/redis's store to run
// several processes): a session store that does not answer gives 503, never a hang.
const Koa = require('koa')
const Router = require('@koa/router')
const { bodyParser } = require('@koa/bodyparser')
const WXBizDataCrypt = require('wxcrypt')
const wechatPush = require('wxcrypt/koa')

const { createMemoryStore, createSessionStore, httpAnswer, StoreError } = require('wxcrypt/client')
const { addPayRoutes } = require('./pay.js')

const { WeChatClient, WeChatApiError, WXCryptError } = WXBizDataCrypt

/** An answer to the client: `status` and the uniform `{ errcode, errmsg }` body. */
class PublicError extends Error {
  constructor(status, errcode, errmsg) {
    super(errmsg)
    this.status = status
    this.errcode = errcode
  }
}

const UNAUTHORIZED = () => new PublicError(401, 40101, 'invalid or missing session token')
const BAD_REQUEST = (what) => new PublicError(400, 40035, `invalid ${what}`)

function defaultLogger() {
  return {
    info: (entry) => console.log(JSON.stringify(entry)),
    warn: (entry) => console.warn(JSON.stringify(entry)),
    error: (entry) => console.error(JSON.stringify(entry)),
  }
}

function nonEmpty(body, name) {
  const v = body && body[name]
  if (typeof v !== 'string' || v === '') throw BAD_REQUEST(name)
  return v
}

/**
 * @param {object} options
 * @param {{ appId: string, secret: string, baseUrl?: string, apiSecurity?: object }} options.wechat
 * @param {{ token: string, encodingAESKey?: string }} [options.push] enables /wechat/push
 * @param {{ info: Function, warn: Function, error: Function }} [options.logger] structured entries
 * @param {object} [options.store] sessions and the access token (wxcrypt/client's store shape);
 *   default in memory, `createRedisStore({ url })` from wxcrypt/redis for several processes
 * @param {ReturnType<typeof createSessionStore>} [options.sessions] default createSessionStore({ store })
 * @param {{ client: object, payNotifyKoa: Function, notifyUrl: string }} [options.pay] enables the
 *   WeChat Pay routes (./pay.js): a WechatPayClient, wxcrypt/pay's payNotifyKoa, the callback's URL
 */
function createApp({ wechat, push, pay, logger = defaultLogger(), store = createMemoryStore(), sessions = createSessionStore({ store }) }) {
  const { appId } = wechat
  const client = new WeChatClient({
    appId,
    secret: wechat.secret,
    baseUrl: wechat.baseUrl,
    store,
    log: (entry) => (entry.level === 'warn' ? logger.warn(entry) : logger.info(entry)),
    // Server-API security mode (服务端 API 签名加密) when configured: see the README.
    apiSecurity: wechat.apiSecurity,
  })

  /**
   * The session's data. The data has no MAC: identity comes from jscode2session, never from the
   * payload alone, so a payload naming another user fails (expectOpenId: -41006). A failure is
   * answered `{ errcode, errmsg: 'decrypt failed' }`; diagnose()'s cause goes to the log.
   */
  function decrypt(route, session, encryptedData, iv) {
    const pc = new WXBizDataCrypt(appId, session.sessionKey, { expectOpenId: session.openid })
    try {
      return pc.decryptData(encryptedData, iv)
    } catch (err) {
      if (err instanceof WXCryptError) {
        const { cause, hint } = pc.diagnose(encryptedData, iv)
        logger.warn({ event: 'decrypt_failed', route, openid: session.openid, errcode: err.errcode, cause, hint })
      }
      throw err
    }
  }

  async function auth(ctx, next) {
    // 64 hex characters: 32 random bytes from createSessionStore, never md5(openid) (anyone who
    // knows an openid could compute that one).
    const m = /^Bearer ([0-9a-f]{64})$/.exec(ctx.get('authorization'))
    const session = m && (await sessions.get(m[1]))
    if (!session) throw UNAUTHORIZED()
    ctx.state.session = session
    await next()
  }

  const router = new Router()
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' })

  router.post('/login', json, async (ctx) => {
    const code = nonEmpty(ctx.request.body, 'code')
    const { openid, session_key: sessionKey, unionid } = await client.code2Session(code)
    // A new login replaces this user's session_key for all of the user's tokens.
    const token = await sessions.create({ openid, sessionKey, unionid })
    logger.info({ event: 'login', openid })
    ctx.body = { token, openid }
  })

  // The one-call route many tutorials teach: jscode2session, then decrypt getPhoneNumber's data
  // with that session's key. It only works when the mini program called wx.login BEFORE
  // getPhoneNumber: a wx.login after it gives a new session_key that cannot decrypt the data
  // (-41003; the server log names session_key_mismatch). The phone code flow (/phone {code}) has
  // no such ordering trap.
  router.post('/token', json, async (ctx) => {
    const body = ctx.request.body || {}
    const code = nonEmpty(body, 'code')
    const encryptedData = nonEmpty(body, 'encryptedData')
    const iv = nonEmpty(body, 'iv')
    const { openid, session_key: sessionKey, unionid } = await client.code2Session(code)
    const data = decrypt('/token', { openid, sessionKey }, encryptedData, iv)
    const token = await sessions.create({ openid, sessionKey, unionid })
    logger.info({ event: 'login', route: '/token', openid })
    ctx.body = { token, openid, phoneNumber: data.phoneNumber, purePhoneNumber: data.purePhoneNumber, countryCode: data.countryCode }
  })

  router.post('/phone', json, auth, async (ctx) => {
    const body = ctx.request.body || {}
    const { session } = ctx.state
    if (typeof body.code === 'string' && body.code) {
      // The current flow: a code for getuserphonenumber, no ciphertext on the client.
      const { phoneNumber, purePhoneNumber, countryCode } = await client.getPhoneNumber(body.code, session.openid)
      ctx.body = { phoneNumber, purePhoneNumber, countryCode: String(countryCode) }
      return
    }
    const encryptedData = nonEmpty(body, 'encryptedData')
    const iv = nonEmpty(body, 'iv')
    const data = decrypt('/phone', session, encryptedData, iv)
    ctx.body = { phoneNumber: data.phoneNumber, purePhoneNumber: data.purePhoneNumber, countryCode: data.countryCode }
  })

  router.post('/user', json, auth, async (ctx) => {
    const body = ctx.request.body || {}
    const { session } = ctx.state
    const rawData = nonEmpty(body, 'rawData')
    const signature = nonEmpty(body, 'signature')
    const encryptedData = nonEmpty(body, 'encryptedData')
    const iv = nonEmpty(body, 'iv')
    const pc = new WXBizDataCrypt(appId, session.sessionKey)
    if (!pc.verifySignature(rawData, signature)) {
      logger.warn({ event: 'signature_mismatch', route: '/user', openid: session.openid })
      throw new PublicError(400, -40001, 'signature mismatch')
    }
    const { watermark, ...user } = decrypt('/user', session, encryptedData, iv)
    ctx.body = { user }
  })

  if (push) {
    router.all('/wechat/push', wechatPush({ token: push.token, encodingAESKey: push.encodingAESKey, appId }), async (ctx) => {
      const { message, encrypted, openid } = ctx.state.wechat
      logger.info({ event: 'push', encrypted, openid, msgType: message && message.MsgType })
      ctx.wechatReply('success')
    })
  }

  if (pay) {
    const publicError = (status, errcode, errmsg) => new PublicError(status, errcode, errmsg)
    addPayRoutes(router, { ...pay, store, logger, auth, json, publicError })
  }

  const app = new Koa()
  app.proxy = false
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      let payAnswer = null
      if (err instanceof WeChatApiError) {
        logger.warn({ event: 'wechat_api_error', route: ctx.path, api: err.api, errcode: err.errcode, code: err.code, hint: err.hint })
      } else if (err && err.name === 'WechatPayApiError') {
        // WeChat Pay refused or failed (its code and message, never a key): the client gets 502.
        logger.warn({ event: 'wechat_pay_error', route: ctx.path, api: err.api, status: err.status, code: err.code, message: err.message })
        payAnswer = { status: 502, body: { errcode: -1, errmsg: 'payment service unavailable' } }
      } else if (err instanceof StoreError) {
        logger.warn({ event: 'session_store_unavailable', route: ctx.path, code: err.code, op: err.op })
      }
      // wxcrypt's errors (decryption, WeChat API, store) answer as wxcrypt/client maps them.
      let out = payAnswer || httpAnswer(err)
      if (out === null) {
        if (err instanceof PublicError) out = { status: err.status, body: { errcode: err.errcode, errmsg: err.message } }
        else if (err.status >= 400 && err.status < 500 && err.expose) {
          out = { status: err.status, body: { errcode: 40035, errmsg: 'invalid request body' } } // body parser errors
        } else {
          logger.error({ event: 'internal_error', route: ctx.path, message: err.message })
          out = { status: 500, body: { errcode: -1, errmsg: 'internal error' } }
        }
      }
      ctx.status = out.status
      ctx.body = out.body
    }
  })
  app.use(router.routes())
  app.use(router.allowedMethods())
  app.context.sessions = sessions
  app.sessions = sessions
  app.client = client
  return app
}

module.exports = { createApp, PublicError }
