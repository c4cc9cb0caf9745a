'use strict'
// WeChatClient: the WeChat server APIs a mini-program backend calls (jscode2session, stable_token,
// getuserphonenumber, checksession). Uses only globals (fetch, AbortController, setTimeout), so it
// runs on Node 20+, Deno, Bun and edge runtimes. Secrets (the appsecret, access tokens, session
// keys) live in private fields and are never put in errors, URLs shown in errors, or inspect output.

const DEFAULT_BASE_URL = 'https://api.weixin.qq.com'

/** What to do about each errcode WeChat returns. */
const HINTS = {
  '-1': 'WeChat is busy; retry after a short delay.',
  40001: 'The access_token is invalid or not the latest; fetch a new one (WeChatClient refreshes it once by itself).',
  40002: 'Invalid grant_type.',
  40013: 'Invalid appid: check the appId option.',
  40014: 'Invalid access_token; fetch a new one.',
  40029: 'Invalid code: a wx.login / phone code is single use and expires after 5 minutes. Call wx.login again and send the new code.',
  40125: 'Invalid appsecret: check the secret option (reset it on the mini program admin page if it leaked).',
  40163: 'The code was already used: call wx.login again and send the new code.',
  40226: 'High-risk user: WeChat blocked this login. Do not retry.',
  41001: 'The access_token is missing.',
  41002: 'The appid is missing.',
  41004: 'The appsecret is missing.',
  41008: 'The code is missing.',
  42001: 'The access_token expired; fetch a new one (WeChatClient refreshes it once by itself).',
  45011: 'Rate limited: too many requests for this API; slow down (jscode2session allows 100 per minute per user).',
  87009: 'The session_key signature is invalid: the session_key is stale (wx.login refreshed it) or wrong.',
}

function hintFor(errcode) {
  return HINTS[errcode] || 'See the errcode table of this WeChat API.'
}

/**
 * A failed WeChat API call: a non-zero `errcode` from WeChat, or (with `errcode` null and a
 * `code`) a timeout, a network failure or a response that is not JSON. `message` names the API
 * path (never the query string, which carries secrets) and the hint.
 */
class WeChatApiError extends Error {
  constructor({ errcode = null, errmsg = '', api, code, hint }) {
    const what = errcode === null ? `${code}: ${errmsg}` : `errcode ${errcode} (${errmsg})`
    const h = hint || (errcode === null ? 'Check the network path to the WeChat API.' : hintFor(errcode))
    super(`WeChat API ${api} failed: ${what}. ${h}`)
    this.errcode = errcode
    this.errmsg = errmsg
    this.hint = h
    this.api = api
    if (code) this.code = code
  }
}
Object.defineProperty(WeChatApiError.prototype, 'name', { value: 'WeChatApiError', writable: true, configurable: true })

const TOKEN_ERRORS = new Set([40001, 40014, 42001])

function nonEmptyString(name, value) {
  if (typeof value !== 'string' || value === '') {
    const err = new TypeError(`The "${name}" argument must be a non-empty string. Received ${value === null ? 'null' : typeof value}`)
    err.code = 'ERR_INVALID_ARG_TYPE'
    throw err
  }
  return value
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

let packageSigner = null
/** The package's sessionKeySignature (hmac_sha256 in Rust), loaded when first needed. */
function defaultSigner() {
  if (!packageSigner) {
    // A non-literal path: bundlers for edge runtimes leave it alone (the edge entries pass
    // `sessionKeySignature` explicitly instead).
    const entry = '../index.js'
    packageSigner = require(entry).sessionKeySignature
  }
  return packageSigner
}

class WeChatClient {
  #secret
  #fetch
  #sign
  #now
  #token = null // { value, refreshAt, expiresAt }
  #tokenInFlight = null

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
    } = options
    this.appId = nonEmptyString('appId', appId)
    this.#secret = nonEmptyString('secret', secret)
    this.baseUrl = nonEmptyString('baseUrl', baseUrl).replace(/\/+$/, '')
    if (typeof fetch !== 'function') throw new TypeError('WeChatClient needs a fetch function (options.fetch or globalThis.fetch)')
    this.#fetch = fetch
    this.timeoutMs = timeoutMs
    this.retries = retries
    this.retryDelayMs = retryDelayMs
    this.refreshMarginMs = refreshMarginMs
    this.#now = now
    this.#sign = sessionKeySignature || null
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
   * The access token from `POST /cgi-bin/stable_token`, cached and shared: at most one request
   * is in flight however many callers wait, and it is refreshed before it expires.
   */
  async getAccessToken() {
    const t = this.#token
    if (t && this.#now() < t.refreshAt) return t.value
    return this.#fetchToken(false)
  }

  #fetchToken(forceRefresh) {
    if (this.#tokenInFlight) return this.#tokenInFlight
    const p = (async () => {
      const res = await this.#call('/cgi-bin/stable_token', {
        method: 'POST',
        body: { grant_type: 'client_credential', appid: this.appId, secret: this.#secret, force_refresh: forceRefresh },
      })
      const lifeMs = Number(res.expires_in) * 1000
      const at = this.#now()
      const margin = Math.min(this.refreshMarginMs, lifeMs / 2)
      this.#token = { value: res.access_token, refreshAt: at + lifeMs - margin, expiresAt: at + lifeMs }
      return res.access_token
    })()
    this.#tokenInFlight = p
    const clear = () => {
      if (this.#tokenInFlight === p) this.#tokenInFlight = null
    }
    p.then(clear, clear)
    return p
  }

  /** Drops the cached token if it is still `value` and fetches a new one (force_refresh). */
  async #refreshToken(value) {
    if (this.#token && this.#token.value === value) this.#token = null
    if (this.#token) return this.#token.value // another caller already refreshed it
    return this.#fetchToken(true)
  }

  /** Calls an API that takes `access_token` in the query; refreshes the token once on 40001/42001. */
  async #withToken(api, opts) {
    let token = await this.getAccessToken()
    try {
      return await this.#call(api, { ...opts, token })
    } catch (err) {
      if (!(err instanceof WeChatApiError) || !TOKEN_ERRORS.has(err.errcode)) throw err
      token = await this.#refreshToken(token)
      return this.#call(api, { ...opts, token })
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

  /** `checksession`: whether `sessionKey` is still the user's current session_key. */
  async checkSessionKey(openid, sessionKey) {
    nonEmptyString('openid', openid)
    if (typeof sessionKey !== 'string' || sessionKey === '') throw new TypeError('The "sessionKey" argument must be a non-empty string')
    const sign = this.#sign || defaultSigner()
    try {
      await this.#withToken('/wxa/checksession', { query: { openid, signature: sign(sessionKey), sig_method: 'hmac_sha256' } })
      return true
    } catch (err) {
      if (err instanceof WeChatApiError && err.errcode === 87009) return false
      throw err
    }
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
    const params = new URLSearchParams(query)
    if (token !== undefined) params.set('access_token', token)
    const qs = params.toString()
    const url = `${this.baseUrl}${api}${qs ? `?${qs}` : ''}`
    const ctl = new AbortController()
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs)
    let res
    let text
    try {
      res = await this.#fetch(url, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctl.signal,
      })
      text = await res.text()
    } catch (err) {
      // Never keep the original error: undici's causes can carry the URL (and so the secret).
      if (ctl.signal.aborted) throw new WeChatApiError({ api, code: 'ETIMEDOUT', errmsg: `no answer within ${this.timeoutMs} ms` })
      throw new WeChatApiError({ api, code: 'ENETWORK', errmsg: (err && err.name) || 'fetch failed' })
    } finally {
      clearTimeout(timer)
    }
    let data
    try {
      data = JSON.parse(text)
    } catch {
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

module.exports = { WeChatClient, WeChatApiError, hintFor }
