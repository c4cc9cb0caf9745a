'use strict'
// WeChatClient: the WeChat server APIs a mini-program backend calls (jscode2session, stable_token,
// getuserphonenumber, checksession, checkencryptedmsg, resetusersessionkey, getuserencryptkey).
// Uses only globals (fetch, AbortController, setTimeout, crypto), so it runs on Node 20+, Deno, Bun
// and edge runtimes. Secrets (the appsecret, access tokens, session keys) live in private fields
// and are never put in errors, URLs shown in errors, logs or inspect output.
//
// State that several processes share (the access token, the login sessions) goes through a store
// shaped like Keyv's: get(key), set(key, value, ttlMs), delete(key), plus the optional atomic
// setIfAbsent(key, value, ttlMs) and deleteIfEquals(key, value) a cross-process lock needs. The
// default is createMemoryStore() (one process); wxcrypt/redis has the Redis one.

const DEFAULT_BASE_URL = 'https://api.weixin.qq.com'

/** What to do about each errcode WeChat returns. */
const HINTS = {
  '-1': 'WeChat is busy; retry after a short delay.',
  40001: 'The access_token is invalid or not the latest; fetch a new one (WeChatClient refreshes it once by itself).',
  40002: 'Invalid grant_type.',
  40013: 'Invalid appid: check the appId option.',
  1: 'The encrypted data is unknown to WeChat: not made by WeChat, or made more than 3 days ago.',
  40003: 'Invalid openid: the user never logged in to this mini program (check the appId).',
  40014: 'Invalid access_token; fetch a new one.',
  40029: 'Invalid code: a wx.login / phone code is single use and expires after 5 minutes. Call wx.login again and send the new code.',
  40125: 'Invalid appsecret: check the secret option (reset it on the mini program admin page if it leaked).',
  40163: 'The code was already used: call wx.login again and send the new code.',
  40226: 'High-risk user: WeChat blocked this login. Do not retry.',
  41001: 'The access_token is missing.',
  41002: 'The appid is missing.',
  41004: 'The appsecret is missing.',
  41008: 'The code is missing.',
  40097: 'Invalid arguments (e.g. sig_method must be hmac_sha256, encrypted_msg_hash a SHA-256 hex digest).',
  42001: 'The access_token expired; fetch a new one (WeChatClient refreshes it once by itself).',
  44002: 'The request body is empty.',
  47001: 'The request body is not the JSON this API expects.',
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

/** Lowercase hex of `n` random bytes (Web Crypto: Node 20+, Deno, Bun, edge runtimes). */
function randomHex(n) {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(n))
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

/**
 * A store call that failed or took too long. `code` is 'ESTORE_TIMEOUT' (no answer in time) or
 * 'ESTORE_UNAVAILABLE' (refused, disconnected, or any other failure). The message names the
 * operation, never a key's value or a URL.
 */
class StoreError extends Error {
  constructor(op, code = 'ESTORE_UNAVAILABLE', detail = '') {
    super(`store ${op} failed: ${code === 'ESTORE_TIMEOUT' ? `no answer within ${detail} ms` : detail || 'unavailable'}`)
    this.code = code
    this.op = op
  }
}
Object.defineProperty(StoreError.prototype, 'name', { value: 'StoreError', writable: true, configurable: true })

/** `promise`, or a StoreError ESTORE_TIMEOUT after `ms`; any other failure becomes ESTORE_UNAVAILABLE. */
function boundStoreCall(op, ms, fn) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StoreError(op, 'ESTORE_TIMEOUT', String(ms))), ms)
  })
  let call
  try {
    call = Promise.resolve(fn())
  } catch (err) {
    call = Promise.reject(err)
  }
  return Promise.race([call, timeout])
    .catch((err) => {
      if (err instanceof StoreError) throw err
      // Only the error's code or name: a driver's message may carry a URL with a password.
      throw new StoreError(op, 'ESTORE_UNAVAILABLE', (err && (err.code || err.name)) || 'failed')
    })
    .finally(() => clearTimeout(timer))
}

function checkStore(store, who) {
  if (store === null || typeof store !== 'object') throw new TypeError(`${who}: store must be an object with get, set and delete`)
  for (const m of ['get', 'set', 'delete']) {
    if (typeof store[m] !== 'function') throw new TypeError(`${who}: store.${m} must be a function`)
  }
  for (const m of ['setIfAbsent', 'deleteIfEquals']) {
    if (store[m] !== undefined && typeof store[m] !== 'function') throw new TypeError(`${who}: store.${m} must be a function when present`)
  }
  return store
}

/**
 * The in-memory store (one process): values are kept as JSON text, so what `get` returns is a
 * copy, exactly as from Redis. TTLs are in milliseconds; 0 or undefined means no expiry.
 *
 * @param {{ now?: () => number }} [options]
 */
function createMemoryStore({ now = Date.now } = {}) {
  const map = new Map() // key -> { text, expiresAt }
  let writes = 0
  const live = (key) => {
    const e = map.get(key)
    if (!e) return undefined
    if (e.expiresAt !== 0 && now() >= e.expiresAt) {
      map.delete(key)
      return undefined
    }
    return e
  }
  const put = (key, value, ttlMs) => {
    if (typeof key !== 'string' || key === '') throw new TypeError('store key must be a non-empty string')
    const text = JSON.stringify(value)
    if (text === undefined) throw new TypeError('store value must be JSON-serializable')
    if (++writes % 1024 === 0) {
      for (const k of [...map.keys()]) live(k) // drop what expired unread
    }
    map.set(key, { text, expiresAt: ttlMs > 0 ? now() + ttlMs : 0 })
  }
  return {
    async get(key) {
      const e = live(key)
      return e ? JSON.parse(e.text) : undefined
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs)
      return true
    },
    async delete(key) {
      return live(key) !== undefined && map.delete(key)
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false
      put(key, value, ttlMs)
      return true
    },
    async deleteIfEquals(key, value) {
      const e = live(key)
      if (!e || e.text !== JSON.stringify(value)) return false
      return map.delete(key)
    },
    get size() {
      for (const k of [...map.keys()]) live(k)
      return map.size
    },
  }
}

const SESSION_TOKEN = /^[0-9a-f]{64}$/

/**
 * The mini program's login sessions ("3rd session") in a store that several processes share:
 * `session:<token>` -> `{ openid }` and `user:<openid>` -> `{ sessionKey, unionid }`, so a new
 * login replaces that user's session_key for every token of that user (WeChat keeps one current
 * session_key per user: the latest wx.login's). The token is 32 random bytes (64 hex characters):
 * not derived from the openid, which anyone who knows an openid could recompute.
 * Every failure of the store is a StoreError (answer 503), every call is bounded by `timeoutMs`.
 *
 * @param {object} [options]
 * @param {object} [options.store] default createMemoryStore()
 * @param {number} [options.ttlMs] default 24 hours
 * @param {number} [options.timeoutMs] per store call, default 1000
 */
function createSessionStore({ store = createMemoryStore(), ttlMs = 24 * 60 * 60 * 1000, timeoutMs = 1000 } = {}) {
  checkStore(store, 'createSessionStore')
  const call = (op, fn) => boundStoreCall(op, timeoutMs, fn)
  return {
    store,
    /** Stores a login and returns its new token. */
    async create({ openid, sessionKey, unionid }) {
      nonEmptyString('openid', openid)
      nonEmptyString('sessionKey', sessionKey)
      const token = randomHex(32)
      const user = unionid === undefined ? { sessionKey } : { sessionKey, unionid }
      await call('set', () => store.set(`user:${openid}`, user, ttlMs))
      await call('set', () => store.set(`session:${token}`, { openid }, ttlMs))
      return token
    },
    /** `{ openid, sessionKey, unionid? }` for a live token, else undefined (malformed tokens too). */
    async get(token) {
      if (typeof token !== 'string' || !SESSION_TOKEN.test(token)) return undefined
      const s = await call('get', () => store.get(`session:${token}`))
      if (!s || typeof s.openid !== 'string') return undefined
      const u = await call('get', () => store.get(`user:${s.openid}`))
      if (!u || typeof u.sessionKey !== 'string') return undefined
      const out = { openid: s.openid, sessionKey: u.sessionKey }
      if (u.unionid !== undefined) out.unionid = u.unionid
      return out
    },
    /** Logs a token out (the user's other tokens stay). */
    async delete(token) {
      if (typeof token !== 'string' || !SESSION_TOKEN.test(token)) return false
      return Boolean(await call('delete', () => store.delete(`session:${token}`)))
    },
  }
}

/** The lowercase hex SHA-256 of a string's UTF-8 bytes (Web Crypto). */
async function sha256Hex(text) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  let out = ''
  for (const b of new Uint8Array(digest)) out += b.toString(16).padStart(2, '0')
  return out
}

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
  #store
  #log
  #token = null // { value, refreshAt, expiresAt }: the last token this process used
  #localInFlight = null
  #sharedInFlight = null
  #storeDownUntil = 0 // while the store failed recently: in-process token only, until this time
  #storeFailing = false // logged once per outage
  #outageToken = null // the token fetched while the store failed, published when it answers again

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
    this.#now = now
    this.#sign = sessionKeySignature || null
    this.#store = store === undefined ? null : checkStore(store, 'WeChatClient')
    this.storeTimeoutMs = storeTimeoutMs
    this.storeRetryMs = storeRetryMs
    this.lockTtlMs = lockTtlMs ?? timeoutMs * (retries + 1) + retryDelayMs * 2 ** retries + 1000
    this.lockPollMs = lockPollMs
    this.#log = log || ((e) => e.level === 'warn' && console.warn(`wxcrypt: ${e.message}`))
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
    return (await this.#tokenRecord()).value
  }

  get #tokenKey() {
    return `access_token:${this.appId}`
  }

  #fresh(rec) {
    return rec !== null && typeof rec === 'object' && typeof rec.value === 'string' && this.#now() < rec.refreshAt
  }

  #usable(rec) {
    return rec !== null && typeof rec === 'object' && typeof rec.value === 'string' && this.#now() < rec.expiresAt
  }

  /** The store, unless it failed within the last storeRetryMs. */
  #storeUp() {
    return this.#store !== null && Date.now() >= this.#storeDownUntil
  }

  #storeCall(op, fn) {
    return boundStoreCall(op, this.storeTimeoutMs, fn)
  }

  #storeOk() {
    if (!this.#storeFailing) return
    this.#storeFailing = false
    this.#log({ level: 'info', event: 'token_store_recovered', message: 'the token store answers again: the access token is shared again' })
  }

  #storeFailed(err) {
    this.#storeDownUntil = Date.now() + this.storeRetryMs
    if (this.#storeFailing) return
    this.#storeFailing = true
    this.#log({
      level: 'warn',
      event: 'token_store_unavailable',
      message: `the token store failed (${err.code || err.name}): using an in-process access token until it answers again`,
      error: err.code || err.name,
    })
  }

  async #tokenRecord() {
    if (this.#storeUp()) {
      try {
        const rec = await this.#storeCall('get', () => this.#store.get(this.#tokenKey))
        const recovering = this.#storeFailing
        this.#storeOk()
        const local = this.#outageToken
        this.#outageToken = null
        if (recovering && this.#fresh(local) && !(this.#usable(rec) && rec.value === local.value)) {
          // A token fetched during the outage is newer than what the store kept: publish it.
          await this.#publish(rec, local)
          return local
        }
        if (this.#fresh(rec)) return (this.#token = rec)
      } catch (err) {
        this.#storeFailed(err)
        return this.#localRecord()
      }
      return this.#sharedRecord()
    }
    return this.#localRecord()
  }

  /** Replaces `old` (if still there) with `rec` in the store; a failure only marks the store down. */
  async #publish(old, rec) {
    const store = this.#store
    const key = this.#tokenKey
    const ttl = rec.expiresAt - this.#now()
    try {
      if (old !== undefined && old !== null) {
        if (typeof store.deleteIfEquals === 'function') await this.#storeCall('deleteIfEquals', () => store.deleteIfEquals(key, old))
        else await this.#storeCall('delete', () => store.delete(key))
      }
      if (typeof store.setIfAbsent === 'function') await this.#storeCall('setIfAbsent', () => store.setIfAbsent(key, rec, ttl))
      else await this.#storeCall('set', () => store.set(key, rec, ttl))
    } catch (err) {
      this.#storeFailed(err)
    }
  }

  /** In-process only: the cached token, or one stable_token request however many callers wait. */
  #localRecord() {
    if (this.#fresh(this.#token)) return this.#token
    if (!this.#localInFlight) {
      const p = this.#requestToken()
      this.#localInFlight = p
      const clear = () => {
        if (this.#localInFlight === p) this.#localInFlight = null
      }
      p.then(clear, clear)
    }
    return this.#localInFlight
  }

  /** Through the store: one fetch across processes (one coroutine per process contends). */
  #sharedRecord() {
    if (!this.#sharedInFlight) {
      const p = this.#sharedFetch().catch((err) => {
        if (!(err instanceof StoreError)) throw err
        this.#storeFailed(err)
        return this.#localRecord()
      })
      this.#sharedInFlight = p
      const clear = () => {
        if (this.#sharedInFlight === p) this.#sharedInFlight = null
      }
      p.then(clear, clear)
    }
    return this.#sharedInFlight
  }

  async #sharedFetch() {
    const store = this.#store
    const key = this.#tokenKey
    const lockKey = `${key}:lock`
    const deadline = Date.now() + this.lockTtlMs
    for (;;) {
      const rec = await this.#storeCall('get', () => store.get(key))
      if (this.#fresh(rec)) return (this.#token = rec)
      if (typeof store.setIfAbsent !== 'function') {
        // No lock (a plain Keyv store): fetch; stable_token hands every process the same token.
        return this.#fetchAndStore()
      }
      const owner = randomHex(16)
      const mine = await this.#storeCall('setIfAbsent', () => store.setIfAbsent(lockKey, owner, this.lockTtlMs))
      if (mine) {
        try {
          const again = await this.#storeCall('get', () => store.get(key))
          if (this.#fresh(again)) return (this.#token = again)
          return await this.#fetchAndStore()
        } finally {
          // Compare-and-delete: never another owner's lock (ours may have expired meanwhile).
          if (typeof store.deleteIfEquals === 'function') {
            await this.#storeCall('deleteIfEquals', () => store.deleteIfEquals(lockKey, owner)).catch(() => {})
          }
          // Without deleteIfEquals the lock is left to expire: a get-then-delete could remove another's.
        }
      }
      // Another process is fetching. The current token, if it still works, serves meanwhile.
      if (this.#usable(rec)) return (this.#token = rec)
      if (Date.now() >= deadline) {
        // The owner died or hangs: fetch without the lock (stable_token returns the same token).
        return this.#fetchAndStore()
      }
      await sleep(this.lockPollMs)
    }
  }

  async #fetchAndStore() {
    const rec = await this.#requestToken()
    const ttl = rec.expiresAt - this.#now()
    if (ttl > 0) await this.#storeCall('set', () => this.#store.set(this.#tokenKey, rec, ttl))
    return rec
  }

  /** One `stable_token` request in normal mode (force_refresh is limited to 20 a day: never used). */
  async #requestToken() {
    const res = await this.#call('/cgi-bin/stable_token', {
      method: 'POST',
      body: { grant_type: 'client_credential', appid: this.appId, secret: this.#secret, force_refresh: false },
    })
    const lifeMs = Number(res.expires_in) * 1000
    const at = this.#now()
    const margin = Math.min(this.refreshMarginMs, lifeMs / 2)
    const rec = { value: res.access_token, refreshAt: at + lifeMs - margin, expiresAt: at + lifeMs }
    this.#token = rec
    if (this.#storeFailing) this.#outageToken = rec
    return rec
  }

  /**
   * After 40001/42001 with `failed`: drop the cached token only if it is still `failed` (another
   * caller may have replaced it already), then get the current one (fetched once).
   */
  async #dropToken(failed) {
    if (this.#token && this.#token.value === failed.value) this.#token = null
    if (this.#storeUp()) {
      const store = this.#store
      const key = this.#tokenKey
      try {
        if (typeof store.deleteIfEquals === 'function') {
          await this.#storeCall('deleteIfEquals', () => store.deleteIfEquals(key, failed))
        } else {
          const cur = await this.#storeCall('get', () => store.get(key))
          if (cur && cur.value === failed.value) await this.#storeCall('delete', () => store.delete(key))
        }
        this.#storeOk()
      } catch (err) {
        this.#storeFailed(err)
      }
    }
    const rec = await this.#tokenRecord()
    // The store still hands out the failed token (a store without an exact compare): ask WeChat.
    return rec.value === failed.value ? this.#requestToken() : rec
  }

  /** Calls an API that takes `access_token` in the query; on 40001/42001 gets a new token once. */
  async #withToken(api, opts) {
    const rec = await this.#tokenRecord()
    try {
      return await this.#call(api, { ...opts, token: rec.value })
    } catch (err) {
      if (!(err instanceof WeChatApiError) || !TOKEN_ERRORS.has(err.errcode)) throw err
      const next = await this.#dropToken(rec)
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
    if (typeof sessionKey !== 'string' || sessionKey === '') throw new TypeError('The "sessionKey" argument must be a non-empty string')
    const sign = this.#sign || defaultSigner()
    return { openid, signature: sign(sessionKey), sig_method: 'hmac_sha256' }
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

module.exports = { WeChatClient, WeChatApiError, StoreError, hintFor, createMemoryStore, createSessionStore }
