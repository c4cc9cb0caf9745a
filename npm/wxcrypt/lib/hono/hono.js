'use strict'
// wxcrypt/hono: the mini program's login sessions, open-data decryption and message push as Hono
// middleware, on every runtime Hono runs on (Node, Bun, Deno, Cloudflare Workers, Vercel Edge).
// No Node module and no crypto of its own: the entry passes in its backend's API and WeChatClient
// (hono.js on Node and Bun; hono-workerd.mjs, hono-edge-light.mjs and hono-wasm.mjs on the edge,
// over the ESM twin scripts/build-js.mjs makes of this file) and Hono's createMiddleware. Sessions
// are createSessionStore's, errors answer as httpAnswer says, push is lib/push/core.js's: the
// same behaviour as wxcrypt/koa and wxcrypt/express.
const { nonEmptyString } = require('../args.js')
const { httpAnswer } = require('../client/http-answer.js')
const { WeChatApiError } = require('../client/errors.js')
const { createPushHandlerWith } = require('../push/core.js')
const { StoreError } = require('../store/errors.js')
const { createMemoryStore } = require('../store/memory.js')
const { createSessionStore } = require('../store/session.js')
const { createKvStore } = require('../store/kv.js')

const BEARER = /^Bearer ([0-9a-f]{64})$/
const UNAUTHORIZED = { errcode: 40101, errmsg: 'invalid or missing session token' }
const badRequest = (what) => ({ errcode: 40035, errmsg: `invalid ${what}` })

function defaultLog(entry) {
  if (entry.level !== 'info') console.warn(JSON.stringify(entry))
}

/** The request's JSON object, or undefined when the body is not one. */
async function jsonBody(c) {
  try {
    const body = await c.req.json()
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : undefined
  } catch {
    return undefined
  }
}

const field = (body, name) => (body && typeof body[name] === 'string' && body[name] !== '' ? body[name] : undefined)

/** A push body's text, up to `limit` UTF-8 bytes (beyond it: an error with status 413). */
async function readText(c, limit) {
  const tooLarge = () => Object.assign(new Error('request body too large'), { status: 413 })
  if (Number(c.req.header('content-length')) > limit) throw tooLarge()
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  if (bytes.length > limit) throw tooLarge()
  return new TextDecoder().decode(bytes)
}

/**
 * The adapter over one backend: `api` gives WXBizDataCrypt, WXBizMsgCrypt, WXCryptError and
 * verifyUrlSignature; `WeChatClient` is the entry's; `createMiddleware` is hono/factory's.
 */
function createHonoAdapter(api, WeChatClient, createMiddleware) {
  const { WXBizDataCrypt, WXCryptError } = api

  /**
   * @param {object | ((c: object) => object)} options `{ appId, secret, baseUrl?, fetch?, store?,
   *   sessions?, sessionTtlMs?, push?: { token, encodingAESKey?, maxBodyBytes? }, log? }`, or a
   *   function of the first request's Context giving them (on Workers: from `c.env`), called once
   */
  function wechat(options) {
    if (typeof options !== 'function' && (options === null || typeof options !== 'object')) {
      throw new TypeError('wechat: options must be an object or a function of the Context returning one')
    }
    let state = null

    function setUp(o) {
      if (o === null || typeof o !== 'object') throw new TypeError('wechat: options must be an object')
      const appId = nonEmptyString('appId', o.appId)
      const log = o.log === undefined ? defaultLog : o.log
      if (typeof log !== 'function') throw new TypeError('wechat: options.log must be a function')
      const store = o.store === undefined ? createMemoryStore() : o.store
      const client = new WeChatClient({ appId, secret: o.secret, baseUrl: o.baseUrl, fetch: o.fetch, store, log })
      const sessions = o.sessions || createSessionStore(o.sessionTtlMs === undefined ? { store } : { store, ttlMs: o.sessionTtlMs })
      const handle = o.push === undefined ? null : createPushHandlerWith(api, { ...o.push, appId: o.push.appId ?? appId })
      return { appId, log, client, sessions, handle }
    }

    /** The set-up, made on the first request (so a function of `c.env` can give the options). */
    function of(c) {
      if (state === null) state = setUp(typeof options === 'function' ? options(c) : options)
      return state
    }

    /** Answers an error wxcrypt throws as httpAnswer maps it (logging its cause); rethrows others. */
    function answer(c, err) {
      const s = state
      if (s !== null) {
        if (err instanceof WeChatApiError) {
          s.log({ level: 'warn', event: 'wechat_api_error', route: c.req.path, api: err.api, errcode: err.errcode, code: err.code, hint: err.hint })
        } else if (err instanceof StoreError) {
          s.log({ level: 'warn', event: 'session_store_unavailable', route: c.req.path, code: err.code, op: err.op })
        }
      }
      const out = httpAnswer(err)
      if (out === null) throw err
      return c.json(out.body, out.status)
    }

    /** Decrypts with the session's key, checking that the data is this user's (expectOpenId). */
    function decryptFor(s, c, session) {
      return (encryptedData, iv) => {
        const pc = new WXBizDataCrypt(s.appId, session.sessionKey, { expectOpenId: session.openid })
        try {
          return pc.decryptData(encryptedData, iv)
        } catch (err) {
          if (err instanceof WXCryptError) {
            const { cause, hint } = pc.diagnose(encryptedData, iv)
            s.log({ level: 'warn', event: 'decrypt_failed', route: c.req.path, openid: session.openid, errcode: err.errcode, cause, hint })
          }
          throw err
        }
      }
    }

    /** `Authorization: Bearer <token>` -> c.var.session and c.var.decrypt; else 401. */
    const session = () =>
      createMiddleware(async (c, next) => {
        const s = of(c)
        const m = BEARER.exec(c.req.header('authorization') || '')
        let found
        try {
          found = m ? await s.sessions.get(m[1]) : undefined
        } catch (err) {
          return answer(c, err)
        }
        if (!found) return c.json(UNAUTHORIZED, 401)
        c.set('session', found)
        c.set('decrypt', decryptFor(s, c, found))
        await next()
      })

    /** POST `{ code }` (wx.login's) -> `{ token, openid }`: jscode2session, then a new session. */
    const login = () =>
      createMiddleware(async (c) => {
        const s = of(c)
        const code = field(await jsonBody(c), 'code')
        if (code === undefined) return c.json(badRequest('code'), 400)
        try {
          const { openid, session_key: sessionKey, unionid } = await s.client.code2Session(code)
          const token = await s.sessions.create({ openid, sessionKey, unionid })
          s.log({ level: 'info', event: 'login', openid })
          return c.json({ token, openid })
        } catch (err) {
          return answer(c, err)
        }
      })

    /**
     * After session(): POST `{ code }` (getPhoneNumber's code: getuserphonenumber) or
     * `{ encryptedData, iv }` (decrypted with the session's key) -> `{ phoneNumber, purePhoneNumber, countryCode }`.
     */
    const phone = () =>
      createMiddleware(async (c) => {
        const s = of(c)
        const current = c.get('session')
        if (!current) throw new TypeError('wxcrypt/hono: phone() needs session() before it on the route')
        const body = await jsonBody(c)
        try {
          const code = field(body, 'code')
          if (code !== undefined) {
            const { phoneNumber, purePhoneNumber, countryCode } = await s.client.getPhoneNumber(code, current.openid)
            return c.json({ phoneNumber, purePhoneNumber, countryCode: String(countryCode) })
          }
          const encryptedData = field(body, 'encryptedData')
          const iv = field(body, 'iv')
          if (encryptedData === undefined || iv === undefined) return c.json(badRequest('encryptedData or iv'), 400)
          const { phoneNumber, purePhoneNumber, countryCode } = c.get('decrypt')(encryptedData, iv)
          return c.json({ phoneNumber, purePhoneNumber, countryCode })
        } catch (err) {
          return answer(c, err)
        }
      })

    /**
     * Message push (options.push): GET URL verification and POST checks answer here; a verified
     * POST goes on with c.var.wechat (`{ encrypted, envelope, format, message, text, openid }`) and
     * c.var.wechatReply(msg) (a Response: encrypted in safe mode, 'success' for no reply).
     */
    const push = () =>
      createMiddleware(async (c, next) => {
        const s = of(c)
        if (s.handle === null) throw new TypeError('wxcrypt/hono: push() needs options.push ({ token, encodingAESKey })')
        let result
        try {
          result = await s.handle({ method: c.req.method, query: c.req.query(), body: undefined, read: (limit) => readText(c, limit) })
        } catch (err) {
          if (err && err.status === 413) return c.text('request body too large', 413)
          throw err
        }
        if (!result.next) {
          if (result.error) c.set('wechatError', result.error)
          return c.text(result.text, result.status)
        }
        c.set('wechat', result.wechat)
        c.set('wechatReply', (msg) => {
          const { type, body } = result.wechat.reply(msg)
          return c.body(body, 200, { 'content-type': `${type}; charset=utf-8` })
        })
        await next()
        // A handler that answered nothing: WeChat expects 'success'.
        if (!c.finalized) c.res = c.get('wechatReply')('success')
      })

    /** For app.onError: wxcrypt's errors as httpAnswer maps them; HTTPException's own answer; else 500. */
    function onError(err, c) {
      if (err && typeof err.getResponse === 'function') return err.getResponse()
      try {
        return answer(c, err)
      } catch {
        if (state !== null) state.log({ level: 'error', event: 'internal_error', route: c.req.path, message: String(err && err.message) })
        return c.json({ errcode: -1, errmsg: 'internal error' }, 500)
      }
    }

    return {
      session,
      login,
      phone,
      push,
      onError,
      /** `{ client, sessions }` for the request's app (set up on first use). */
      services: (c) => {
        const s = of(c)
        return { client: s.client, sessions: s.sessions }
      },
    }
  }

  return { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer }
}

module.exports = { createHonoAdapter }
