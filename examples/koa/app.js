'use strict'
// The classic mini-program login on Koa, with wxcrypt:
//
//   POST /login {code}                          -> jscode2session -> { token } (the "3rd session")
//   POST /phone {encryptedData, iv} | {code}    -> the user's phone number      (Bearer token)
//   POST /user  {rawData, signature, encryptedData, iv} -> the checked user info (Bearer token)
//   POST /token {code, encryptedData, iv}       -> login and phone number in one call (the
//                                                  tutorials' route: wx.login BEFORE getPhoneNumber)
//   GET|POST /wechat/push                       -> message push (wxcrypt/koa)
//
// session_key never leaves the server. Every failure is answered with the same small body
// `{ errcode, errmsg }`; the cause (wxcrypt's diagnose(), WeChat's hint) goes to the server log only.
// Sessions and the access token live in `store` (in memory by default; wxcrypt/redis's store to run
// several processes): a session store that does not answer gives 503, never a hang.
const Koa = require('koa')
const Router = require('@koa/router')
const { bodyParser } = require('@koa/bodyparser')
const WXBizDataCrypt = require('wxcrypt')
const wechatPush = require('wxcrypt/koa')

const { createMemoryStore, createSessionStore, StoreError } = require('wxcrypt/client')

const { WeChatClient, WeChatApiError } = WXBizDataCrypt

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
const DECRYPT_FAILED = (errcode = -41003) => new PublicError(400, errcode, 'decrypt failed')

/** What the client sees when a WeChat API call fails. */
function fromWeChat(err) {
  switch (err.errcode) {
    case 40029:
    case 40163:
      return new PublicError(400, 40029, 'invalid code')
    case 40226:
      return new PublicError(403, 40226, 'user blocked by wechat')
    case 45011:
      return new PublicError(429, 45011, 'rate limited, retry later')
    case -1:
      return new PublicError(503, -1, 'wechat busy, retry later')
    default:
      // Configuration errors (40013 appid, 40125 secret) and network failures are ours, not the user's.
      return new PublicError(502, -1, 'wechat api unavailable')
  }
}

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
 * @param {{ appId: string, secret: string, baseUrl?: string }} options.wechat
 * @param {{ token: string, encodingAESKey?: string }} [options.push] enables /wechat/push
 * @param {{ info: Function, warn: Function, error: Function }} [options.logger] structured entries
 * @param {object} [options.store] sessions and the access token (wxcrypt/client's store shape);
 *   default in memory, `createRedisStore({ url })` from wxcrypt/redis for several processes
 * @param {ReturnType<typeof createSessionStore>} [options.sessions] default createSessionStore({ store })
 */
function createApp({ wechat, push, logger = defaultLogger(), store = createMemoryStore(), sessions = createSessionStore({ store }) }) {
  const { appId } = wechat
  const client = new WeChatClient({
    appId,
    secret: wechat.secret,
    baseUrl: wechat.baseUrl,
    store,
    log: (entry) => (entry.level === 'warn' ? logger.warn(entry) : logger.info(entry)),
  })

  /** Logs why a decryption failed: diagnose()'s cause when this wxcrypt has it, else the errcode. */
  function logDecryptFailure(route, pc, err, encryptedData, iv, openid) {
    const entry = { event: 'decrypt_failed', route, openid, errcode: err.errcode }
    if (typeof pc.diagnose === 'function') {
      try {
        const d = pc.diagnose(encryptedData, iv)
        entry.cause = d.cause
        entry.hint = d.hint
      } catch {
        // An older backend without diagnose: the errcode is all we have.
      }
    }
    logger.warn(entry)
  }

  function decrypt(route, session, encryptedData, iv) {
    const pc = new WXBizDataCrypt(appId, session.sessionKey)
    try {
      return { pc, data: pc.decryptData(encryptedData, iv) }
    } catch (err) {
      if (!(err instanceof WXBizDataCrypt.WXCryptError)) throw err
      logDecryptFailure(route, pc, err, encryptedData, iv, session.openid)
      throw DECRYPT_FAILED(err.errcode)
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
    const { data } = decrypt('/token', { openid, sessionKey }, encryptedData, iv)
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
    const { data } = decrypt('/phone', session, encryptedData, iv)
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
    const { data } = decrypt('/user', session, encryptedData, iv)
    // The data has no MAC: identity comes from jscode2session, never from the payload alone.
    if (data.openId !== undefined && data.openId !== session.openid) {
      logger.warn({ event: 'decrypt_failed', route: '/user', openid: session.openid, errcode: -41003, cause: 'openid_mismatch' })
      throw DECRYPT_FAILED()
    }
    const { watermark, ...user } = data
    ctx.body = { user }
  })

  if (push) {
    router.all('/wechat/push', wechatPush({ token: push.token, encodingAESKey: push.encodingAESKey, appId }), async (ctx) => {
      const { message, encrypted, openid } = ctx.state.wechat
      logger.info({ event: 'push', encrypted, openid, msgType: message && message.MsgType })
      ctx.wechatReply('success')
    })
  }

  const app = new Koa()
  app.proxy = false
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      let out = err
      if (err instanceof WeChatApiError) {
        logger.warn({ event: 'wechat_api_error', route: ctx.path, api: err.api, errcode: err.errcode, code: err.code, hint: err.hint })
        out = fromWeChat(err)
      } else if (err instanceof StoreError) {
        logger.warn({ event: 'session_store_unavailable', route: ctx.path, code: err.code, op: err.op })
        out = new PublicError(503, -1, 'session store unavailable, retry later')
      } else if (!(err instanceof PublicError)) {
        if (err.status >= 400 && err.status < 500 && err.expose) {
          out = new PublicError(err.status, 40035, 'invalid request body') // body parser errors
        } else {
          logger.error({ event: 'internal_error', route: ctx.path, message: err.message })
          out = new PublicError(500, -1, 'internal error')
        }
      }
      ctx.status = out.status
      ctx.body = { errcode: out.errcode, errmsg: out.message }
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
