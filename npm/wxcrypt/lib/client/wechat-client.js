'use strict'
// WeChatClient: the WeChat server APIs a mini-program backend calls (jscode2session, stable_token,
// getuserphonenumber, checksession, checkencryptedmsg, resetusersessionkey, getuserencryptkey).
// Uses only globals (fetch, AbortController, setTimeout, crypto), so it runs on Node 20+, Deno, Bun
// and edge runtimes. Secrets (the appsecret, access tokens, session keys) live in private fields
// and are never put in errors, URLs shown in errors, logs or inspect output.
//
// State that several processes share (the access token: ./token-cache.js) goes through a store
// shaped like Keyv's (lib/store/). The session_key signer (`sessionKeySignature`) comes from the
// entry that exports the class: `clientWithSigner(sign)` gives the WeChatClient whose default is
// that backend's (lib/client/node.js on Node, lib/crypto/wasm-api.mjs on the edge entries).
const { nonEmptyString, nonEmptySecret } = require('../args.js')
const { sha256Hex } = require('../hex.js')
const { DeadlineError, withDeadline } = require('../deadline.js')
const { checkStore } = require('../store/call.js')
const { WeChatApiError } = require('./errors.js')
const { AccessTokenCache } = require('./token-cache.js')
const { SecureChannel } = require('./secure-channel.js')

const DEFAULT_BASE_URL = 'https://api.weixin.qq.com'

const TOKEN_ERRORS = new Set([40001, 40014, 42001])

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

class BaseWeChatClient {
  #secret
  #fetch
  #sign
  #tokens
  #secure

  /**
   * @param {object} options
   * @param {string} options.appId
   * @param {string} options.secret the appsecret (kept private)
   * @param {string} [options.baseUrl] default https://api.weixin.qq.com
   * @param {typeof fetch} [options.fetch] default globalThis.fetch
   * @param {number} [options.timeoutMs] per request, default 5000
   * @param {number} [options.retries] retries of a `-1` (busy) answer, default 2
   * @param {number} [options.retryDelayMs] first backoff delay, doubled each retry, default 200
   * @param {number} [options.refreshMarginMs] refresh the access token this long before it
   *   expires, default 5 minutes (at most half its lifetime)
   * @param {() => number} [options.now] clock in milliseconds, default Date.now
   * @param {(sessionKey: string) => string} [options.sessionKeySignature] default the package's
   * @param {object} [options.store] where the access token lives (shared by every process that
   *   uses the same store); default: this process's memory
   * @param {number} [options.storeTimeoutMs] per store call, default 1000
   * @param {number} [options.storeRetryMs] after a store failure, use the in-process token for
   *   this long before trying the store again, default 1000
   * @param {number} [options.lockTtlMs] the cross-process fetch lock's lifetime, default the
   *   longest a token request can take (timeoutMs x (retries + 1) + backoff) + 1 s
   * @param {number} [options.lockPollMs] how often a process waiting for another's fetch re-reads
   *   the store, default 50
   * @param {(entry: object) => void} [options.log] `{ level, event, message, error? }` entries
   *   (a store outage and its end); default: warnings to console.warn
   * @param {object} [options.apiSecurity] server-API security mode (服务端 API 签名加密): the
   *   ApiSecurity options (or an ApiSecurity); calls to the APIs of ./secure-apis.js are sealed
   *   and their answers opened (./secure-channel.js)
   * @param {Function} [options.ApiSecurity] the class that builds it (the entries give theirs)
   */
  constructor(options) {
    if (!options || typeof options !== 'object') throw new TypeError('WeChatClient needs an options object')
    const {
      appId,
      secret,
      baseUrl = DEFAULT_BASE_URL,
      fetch = globalThis.fetch,
      timeoutMs = 5000,
      retries = 2,
      retryDelayMs = 200,
      refreshMarginMs = 5 * 60 * 1000,
      now = Date.now,
      sessionKeySignature,
      store,
      storeTimeoutMs = 1000,
      storeRetryMs = 1000,
      lockTtlMs,
      lockPollMs = 50,
      log,
      apiSecurity,
      ApiSecurity,
    } = options
    this.appId = nonEmptyString('appId', appId)
    this.#secret = nonEmptyString('secret', secret)
    this.baseUrl = nonEmptyString('baseUrl', baseUrl).replace(/\/+$/, '')
    if (typeof fetch !== 'function') throw new TypeError('WeChatClient needs a fetch function (options.fetch or globalThis.fetch)')
    if (log !== undefined && typeof log !== 'function') throw new TypeError('WeChatClient: options.log must be a function')
    this.#fetch = fetch
    this.timeoutMs = timeoutMs
    this.retries = retries
    this.retryDelayMs = retryDelayMs
    this.refreshMarginMs = refreshMarginMs
    this.#sign = sessionKeySignature || null
    const shared = store === undefined ? null : checkStore(store, 'WeChatClient')
    this.storeTimeoutMs = storeTimeoutMs
    this.storeRetryMs = storeRetryMs
    this.lockTtlMs = lockTtlMs ?? timeoutMs * (retries + 1) + retryDelayMs * 2 ** retries + 1000
    this.lockPollMs = lockPollMs
    const logger = log || ((e) => e.level === 'warn' && console.warn(`wxcrypt: ${e.message}`))
    this.#secure = apiSecurity === undefined ? null : new SecureChannel(apiSecurity, ApiSecurity, logger)
    this.#tokens = new AccessTokenCache(this, {
      store: shared,
      now,
      log: logger,
      // One `stable_token` request in normal mode (force_refresh is limited to 20 a day: never used).
      request: () =>
        this.#call('/cgi-bin/stable_token', {
          method: 'POST',
          body: { grant_type: 'client_credential', appid: this.appId, secret: this.#secret, force_refresh: false },
        }),
    })
  }

  /** `jscode2session`: exchanges a `wx.login` code for `{ openid, session_key, unionid? }`. */
  async code2Session(code) {
    nonEmptyString('code', code)
    const res = await this.#call('/sns/jscode2session', {
      query: { appid: this.appId, secret: this.#secret, js_code: code, grant_type: 'authorization_code' },
    })
    const out = { openid: res.openid, session_key: res.session_key }
    if (res.unionid !== undefined) out.unionid = res.unionid
    return out
  }

  /**
   * The access token from `POST /cgi-bin/stable_token` (normal mode, never force_refresh),
   * cached and shared: at most one request in flight per process however many callers wait,
   * and with a store at most one across every process that shares it. Refreshed before it expires.
   */
  async getAccessToken() {
    return (await this.#tokens.record()).value
  }

  /** Calls an API that takes `access_token` in the query; on 40001/42001 gets a new token once. */
  async #withToken(api, opts) {
    const rec = await this.#tokens.record()
    try {
      return await this.#call(api, { ...opts, token: rec.value })
    } catch (err) {
      if (!(err instanceof WeChatApiError) || !TOKEN_ERRORS.has(err.errcode)) throw err
      const next = await this.#tokens.drop(rec)
      return this.#call(api, { ...opts, token: next.value })
    }
  }

  /** `getuserphonenumber`: the phone number behind a getPhoneNumber button's `code`. */
  async getPhoneNumber(code, openid) {
    nonEmptyString('code', code)
    const body = { code }
    if (openid !== undefined) body.openid = nonEmptyString('openid', openid)
    const res = await this.#withToken('/wxa/business/getuserphonenumber', { method: 'POST', body })
    return res.phone_info
  }

  /** The query of the APIs signed with the user's session_key: `hmac_sha256(session_key, "")`. */
  #signedQuery(openid, sessionKey) {
    nonEmptyString('openid', openid)
    nonEmptySecret('sessionKey', sessionKey)
    if (!this.#sign) throw new TypeError('WeChatClient needs options.sessionKeySignature (the package entries give their backend\'s)')
    return { openid, signature: this.#sign(sessionKey), sig_method: 'hmac_sha256' }
  }

  /** `checksession`: whether `sessionKey` is still the user's current session_key. */
  async checkSessionKey(openid, sessionKey) {
    const query = this.#signedQuery(openid, sessionKey)
    try {
      await this.#withToken('/wxa/checksession', { query })
      return true
    } catch (err) {
      if (err instanceof WeChatApiError && err.errcode === 87009) return false
      throw err
    }
  }

  /**
   * `checkencryptedmsg`: whether WeChat made this `encryptedData` (phone-number data, within the
   * last 3 days). Sends the SHA-256 hex of the base64 text exactly as received. Anything WeChat
   * does not know (errcode 1) is `{ valid: false, createTime: null }`, not an error.
   */
  async checkEncryptedData(encryptedData) {
    nonEmptyString('encryptedData', encryptedData)
    const hash = await sha256Hex(encryptedData)
    try {
      const res = await this.#withToken('/wxa/business/checkencryptedmsg', { method: 'POST', body: { encrypted_msg_hash: hash } })
      // WeChat spells it `vaild`; `valid` in case it is ever fixed.
      const valid = (res.vaild ?? res.valid) === true
      return { valid, createTime: valid && Number.isFinite(res.create_time) ? res.create_time : null }
    } catch (err) {
      if (err instanceof WeChatApiError && err.errcode === 1) return { valid: false, createTime: null }
      throw err
    }
  }

  /**
   * `resetusersessionkey`: gives the user a new session_key (the old one stops working; the new
   * one keeps the old one's expiry). Returns `{ openid, session_key }`; keep it server-side.
   */
  async resetUserSessionKey(openid, sessionKey) {
    const res = await this.#withToken('/wxa/resetusersessionkey', { query: this.#signedQuery(openid, sessionKey) })
    return { openid: res.openid, session_key: res.session_key }
  }

  /**
   * `getuserencryptkey`: the user's last three encryption keys for wx.getUserCryptoManager,
   * newest first: `[{ encrypt_key, iv, version, expire_in, create_time }]` (each lives 3600 s).
   * A POST with everything in the query and no body (WeChat answers 87009 to any body).
   */
  async getUserEncryptKey(openid, sessionKey) {
    const res = await this.#withToken('/wxa/business/getuserencryptkey', { method: 'POST', query: this.#signedQuery(openid, sessionKey) })
    return res.key_info_list
  }

  /** One API call with the busy (-1) retry policy. */
  async #call(api, opts) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(api, opts)
      } catch (err) {
        if (!(err instanceof WeChatApiError) || err.errcode !== -1 || attempt >= this.retries) throw err
        await sleep(this.retryDelayMs * 2 ** attempt)
      }
    }
  }

  async #once(api, { method = 'GET', query = {}, body, token }) {
    const secure = this.#secure && this.#secure.seals(api) ? this.#secure : null
    let url
    let init
    if (secure) ({ url, init } = await secure.seal(this.baseUrl, api, { query, body, token }))
    else {
      const params = new URLSearchParams(query)
      if (token !== undefined) params.set('access_token', token)
      const qs = params.toString()
      url = `${this.baseUrl}${api}${qs ? `?${qs}` : ''}`
      init = {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }
    }
    let res
    let text
    // Called unbound: workerd's fetch throws "Illegal invocation" when called as a method of another object.
    const fetch = this.#fetch
    try {
      // Raced, not only aborted: a given fetch may ignore the signal, a body may never end.
      ;({ res, text } = await withDeadline(this.timeoutMs, async (signal) => {
        const answer = await fetch(url, { ...init, signal })
        return { res: answer, text: await answer.text() }
      }))
    } catch (err) {
      // Never keep the original error: undici's causes can carry the URL (and so the secret).
      if (err instanceof DeadlineError) throw new WeChatApiError({ api, code: 'ETIMEDOUT', errmsg: `no answer within ${this.timeoutMs} ms` })
      throw new WeChatApiError({ api, code: 'ENETWORK', errmsg: (err && err.name) || 'fetch failed' })
    }
    let data
    try {
      data = secure ? await secure.open(this.baseUrl, api, res, text) : JSON.parse(text)
    } catch (err) {
      if (err instanceof WeChatApiError) throw err
      throw new WeChatApiError({ api, code: 'EBADRESPONSE', errmsg: `HTTP ${res.status}, not JSON` })
    }
    if (data === null || typeof data !== 'object') throw new WeChatApiError({ api, code: 'EBADRESPONSE', errmsg: `HTTP ${res.status}, not a JSON object` })
    const errcode = data.errcode === undefined ? 0 : Number(data.errcode)
    if (errcode !== 0) {
      throw new WeChatApiError({ api, errcode, errmsg: this.#redact(String(data.errmsg ?? ''), token) })
    }
    if (!res.ok) throw new WeChatApiError({ api, code: 'EBADRESPONSE', errmsg: `HTTP ${res.status}` })
    return data
  }

  #redact(text, token) {
    let out = text.split(this.#secret).join('<redacted>')
    if (token) out = out.split(token).join('<redacted>')
    return out
  }

  toJSON() {
    return { appId: this.appId, baseUrl: this.baseUrl }
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `WeChatClient { appId: ${JSON.stringify(this.appId)}, baseUrl: ${JSON.stringify(this.baseUrl)}, secret: <redacted> }`
  }
}

/**
 * The WeChatClient class whose default `sessionKeySignature` is `sign` (a backend's
 * hmac_sha256(session_key, "")): each entry wires its own backend in, so this file loads none.
 */
function clientWithSigner(sign, apiSecurityClass = () => undefined) {
  return class WeChatClient extends BaseWeChatClient {
    constructor(options) {
      // The options as given (own and inherited), with `sign` in place of a missing signer and
      // the entry's ApiSecurity class (looked up when a client needs it).
      if (options === null || typeof options !== 'object') super(options)
      else {
        const extra = {}
        if (!options.sessionKeySignature) extra.sessionKeySignature = { value: sign }
        if (options.apiSecurity !== undefined && !options.ApiSecurity) extra.ApiSecurity = { value: apiSecurityClass() }
        super(Object.keys(extra).length ? Object.create(options, extra) : options)
      }
    }
  }
}

module.exports = { clientWithSigner }
