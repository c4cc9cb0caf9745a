'use strict'
// The login kit, for every runtime: one WeChatClient, one session store (lib/store/session.js),
// one push handler (lib/push/core.js), and the routes' steps (login, the session behind a bearer
// token, phone number, user info) with the same answers and log entries as the Koa demo. Every
// wxcrypt error answers through httpAnswer; the causes (diagnose(), WeChat's hint, the store's
// code) go to the logger only. No crypto or policy here, and no Node module: the crypto API and
// the WeChatClient class are passed in (lib/adapter/kit.js on Node for wxcrypt/nest and
// wxcrypt/fastify; lib/hono/hono.js with its entry's, on the edge too, through the ESM twin
// scripts/build-js.mjs makes of this file).
const { createMemoryStore } = require('../store/memory.js')
const { createSessionStore } = require('../store/session.js')
const { StoreError } = require('../store/errors.js')
const { WeChatApiError } = require('../client/errors.js')
const { httpAnswer } = require('../client/http-answer.js')
const { createPushHandlerWith } = require('../push/core.js')
const { invalidType } = require('../args.js')

const BEARER = /^Bearer ([0-9a-f]{64})$/

/** A refusal of the request itself (a missing field, no session): its status and `{ errcode, errmsg }`. */
class WxRequestError extends Error {
  constructor(status, errcode, errmsg) {
    super(errmsg)
    this.name = 'WxRequestError'
    this.status = status
    this.errcode = errcode
  }
}

const unauthorized = () => new WxRequestError(401, 40101, 'invalid or missing session token')
const badRequest = (what) => new WxRequestError(400, 40035, `invalid ${what}`)

function field(body, name) {
  const v = body && typeof body === 'object' ? body[name] : undefined
  if (typeof v !== 'string' || v === '') throw badRequest(name)
  return v
}

function object(name, value, optional) {
  if (value === undefined && optional) return undefined
  if (!value || typeof value !== 'object') throw invalidType(name, 'an object', value)
  return value
}

/** `{ info, warn }` from the options, or the framework's (`fallback`). */
function loggerOf(logger, fallback) {
  if (logger === undefined) return fallback
  object('options.logger', logger)
  if (typeof logger.info !== 'function' || typeof logger.warn !== 'function') {
    throw invalidType('options.logger', 'an object with info(entry) and warn(entry) methods', logger)
  }
  return logger
}

/**
 * The kit over one backend: `api` gives WXBizDataCrypt, WXBizMsgCrypt, WXCryptError and
 * verifyUrlSignature (lib/crypto/node.js, or a wasm entry's); `WeChatClient` is the matching class.
 *
 * @param {object} api
 * @param {Function} WeChatClient
 * @param {object} options `{ appId, secret, baseUrl?, client?, store?, sessions?, sessionTtlMs?,
 *   push?: { token, encodingAESKey?, appId?, maxBodyBytes? }, logger? }`
 * @param {{ info: Function, warn: Function }} fallbackLogger the framework's logger
 */
function createKitWith(api, WeChatClient, options, fallbackLogger) {
  const { WXBizDataCrypt, WXCryptError } = api
  object('options', options)
  const logger = loggerOf(options.logger, fallbackLogger)
  const store = options.store === undefined ? createMemoryStore() : object('options.store', options.store)
  const client =
    options.client ||
    new WeChatClient({
      ...object('options.clientOptions', options.clientOptions, true),
      appId: options.appId,
      secret: options.secret,
      baseUrl: options.baseUrl,
      store,
      log: (e) => (e.level === 'warn' ? logger.warn(e) : logger.info(e)),
    })
  const appId = client.appId
  const sessions = options.sessions || createSessionStore({ store, ttlMs: options.sessionTtlMs })
  const pushOptions = object('options.push', options.push, true)
  const push = pushOptions ? createPushHandlerWith(api, { ...pushOptions, appId: pushOptions.appId ?? appId }) : null

  /** The WXBizDataCrypt of a session: its session_key, and the payload must name its openid. */
  function crypt(session) {
    return new WXBizDataCrypt(appId, session.sessionKey, { expectOpenId: session.openid })
  }

  /** Decrypts the session's open data; a failure is logged with diagnose()'s cause, then thrown. */
  function decrypt(session, encryptedData, iv, route) {
    const pc = crypt(session)
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

  return {
    appId,
    client,
    store,
    sessions,
    logger,
    /** lib/push/core.js's handler (`read` gives the body), or null without `options.push`. */
    push,
    crypt,
    decrypt,

    /** `wx.login`'s code -> jscode2session -> a new session: `{ token, openid }`. */
    async login(code) {
      if (typeof code !== 'string' || code === '') throw badRequest('code')
      const { openid, session_key: sessionKey, unionid } = await client.code2Session(code)
      // A new login replaces this user's session_key for all of the user's tokens.
      const token = await sessions.create({ openid, sessionKey, unionid })
      logger.info({ event: 'login', openid })
      return { token, openid }
    },

    /** The session behind `Authorization: Bearer <token>` (64 hex characters), or a 401. */
    async session(authorization) {
      const m = BEARER.exec(typeof authorization === 'string' ? authorization : '')
      const session = m ? await sessions.get(m[1]) : undefined
      if (!session) throw unauthorized()
      return session
    },

    /** getPhoneNumber's `{ code }` (getuserphonenumber) or `{ encryptedData, iv }`. */
    async phoneNumber(session, body, route = '/phone') {
      if (body && typeof body.code === 'string' && body.code) {
        const { phoneNumber, purePhoneNumber, countryCode } = await client.getPhoneNumber(body.code, session.openid)
        return { phoneNumber, purePhoneNumber, countryCode: String(countryCode) }
      }
      const d = decrypt(session, field(body, 'encryptedData'), field(body, 'iv'), route)
      return { phoneNumber: d.phoneNumber, purePhoneNumber: d.purePhoneNumber, countryCode: d.countryCode }
    },

    /** getUserInfo's `{ rawData, signature, encryptedData, iv }`: the signature checked, then the data decrypted. */
    userInfo(session, body, route = '/user') {
      const rawData = field(body, 'rawData')
      const signature = field(body, 'signature')
      const encryptedData = field(body, 'encryptedData')
      const iv = field(body, 'iv')
      if (!new WXBizDataCrypt(appId, session.sessionKey).verifySignature(rawData, signature)) {
        logger.warn({ event: 'signature_mismatch', route, openid: session.openid })
        throw new WxRequestError(400, -40001, 'signature mismatch')
      }
      const { watermark, ...user } = decrypt(session, encryptedData, iv, route)
      return user
    },

    /**
     * `{ status, body: { errcode, errmsg } }` for wxcrypt's errors (httpAnswer) and WxRequestError,
     * with the cause logged; null for anything else.
     */
    answer(err, route) {
      if (err instanceof WxRequestError) return { status: err.status, body: { errcode: err.errcode, errmsg: err.message } }
      if (err instanceof WeChatApiError) {
        logger.warn({ event: 'wechat_api_error', route, api: err.api, errcode: err.errcode, code: err.code, hint: err.hint })
      } else if (err instanceof StoreError) {
        logger.warn({ event: 'session_store_unavailable', route, code: err.code, op: err.op })
      }
      return httpAnswer(err)
    },
  }
}

module.exports = { createKitWith, WxRequestError }
