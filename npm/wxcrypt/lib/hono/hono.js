'use strict'
// wxcrypt/hono: the mini program's login sessions, open-data decryption and message push as Hono
// middleware, on every runtime Hono runs on (Node, Bun, Deno, Cloudflare Workers, Vercel Edge).
// No Node module and no crypto of its own: the entry passes in its backend's API and WeChatClient
// (hono.js on Node and Bun; hono-workerd.mjs, hono-edge-light.mjs and hono-wasm.mjs on the edge,
// over the ESM twin scripts/build-js.mjs makes of this file) and Hono's createMiddleware. Login,
// sessions, decryption, phone numbers, push and the error answers are the login kit's
// (lib/adapter/kit-core.js, the one wxcrypt/nest and wxcrypt/fastify use): the middlewares only
// translate Hono's Context to the kit's steps, and its `{ info, warn }` logging to `log(entry)`.
const { nonEmptyString } = require('../args.js')
const { httpAnswer } = require('../client/http-answer.js')
const { createKitWith } = require('../adapter/kit-core.js')
const { createMemoryStore } = require('../store/memory.js')
const { createSessionStore } = require('../store/session.js')
const { createKvStore } = require('../store/kv.js')

function defaultLog(entry) {
  if (entry.level !== 'info') console.warn(JSON.stringify(entry))
}

/** The kit's `{ info, warn }` over `log(entry)`: its entries get their `level`, the client's have one. */
function levelled(log) {
  const at = (level) => (entry) => log('level' in entry ? entry : { level, ...entry })
  return { info: at('info'), warn: at('warn') }
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
      const kit = createKitWith(
        api,
        WeChatClient,
        {
          appId,
          secret: o.secret,
          baseUrl: o.baseUrl,
          clientOptions: { fetch: o.fetch },
          store: o.store,
          sessions: o.sessions,
          sessionTtlMs: o.sessionTtlMs,
          push: o.push,
        },
        levelled(log),
      )
      return { log, kit }
    }

    /** The set-up, made on the first request (so a function of `c.env` can give the options). */
    function of(c) {
      if (state === null) state = setUp(typeof options === 'function' ? options(c) : options)
      return state
    }

    /** Answers an error wxcrypt throws as the kit maps it (logging its cause); rethrows others. */
    function answer(c, err) {
      const out = state === null ? httpAnswer(err) : state.kit.answer(err, c.req.path)
      if (out === null) throw err
      return c.json(out.body, out.status)
    }

    /** `Authorization: Bearer <token>` -> c.var.session and c.var.decrypt; else 401. */
    const session = () =>
      createMiddleware(async (c, next) => {
        const s = of(c)
        let found
        try {
          found = await s.kit.session(c.req.header('authorization'))
        } catch (err) {
          return answer(c, err)
        }
        c.set('session', found)
        c.set('decrypt', (encryptedData, iv) => s.kit.decrypt(found, encryptedData, iv, c.req.path))
        await next()
      })

    /** POST `{ code }` (wx.login's) -> `{ token, openid }`: jscode2session, then a new session. */
    const login = () =>
      createMiddleware(async (c) => {
        const s = of(c)
        const body = await jsonBody(c)
        try {
          return c.json(await s.kit.login(body === undefined ? undefined : body.code))
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
          return c.json(await s.kit.phoneNumber(current, body, c.req.path))
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
        if (s.kit.push === null) throw new TypeError('wxcrypt/hono: push() needs options.push ({ token, encodingAESKey })')
        let result
        try {
          result = await s.kit.push({ method: c.req.method, query: c.req.query(), body: undefined, read: (limit) => readText(c, limit) })
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
        const { kit } = of(c)
        return { client: kit.client, sessions: kit.sessions }
      },
    }
  }

  return { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer }
}

module.exports = { createHonoAdapter }
