'use strict'
// WeChatClient's access token: cached in this process, and shared through a store by every process
// that uses the same store (a lock when the store has setIfAbsent), refreshed before it expires,
// dropped once on 40001/42001. When the store fails, an in-process token serves until it answers
// again (said once through `log`). The token is fetched by `request` (WeChatClient's
// stable_token call): this file never sees the appsecret.
const { StoreError } = require('../store/errors.js')
const { boundStoreCall, storeDeadline } = require('../store/call.js')
const { randomHex } = require('../hex.js')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

class AccessTokenCache {
  #client // the WeChatClient: appId and the timing options, read when used
  #request
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
   * @param {object} client appId, refreshMarginMs, storeTimeoutMs, storeRetryMs, lockTtlMs, lockPollMs
   * @param {{ store: object | null, now: () => number, log: (entry: object) => void, request: () => Promise<object> }} options
   */
  constructor(client, { store, now, log, request }) {
    this.#client = client
    this.#store = store
    this.#now = now
    this.#log = log
    this.#request = request
  }

  get #tokenKey() {
    return `access_token:${this.#client.appId}`
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
    return boundStoreCall(op, storeDeadline(this.#store, this.#client.storeTimeoutMs), fn)
  }

  #storeOk() {
    if (!this.#storeFailing) return
    this.#storeFailing = false
    this.#log({ level: 'info', event: 'token_store_recovered', message: 'the token store answers again: the access token is shared again' })
  }

  #storeFailed(err) {
    this.#storeDownUntil = Date.now() + this.#client.storeRetryMs
    if (this.#storeFailing) return
    this.#storeFailing = true
    this.#log({
      level: 'warn',
      event: 'token_store_unavailable',
      message: `the token store failed (${err.code || err.name}): using an in-process access token until it answers again`,
      error: err.code || err.name,
    })
  }

  /** The current token record: from this process, the store, or one stable_token request. */
  async record() {
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
    const deadline = Date.now() + this.#client.lockTtlMs
    for (;;) {
      const rec = await this.#storeCall('get', () => store.get(key))
      if (this.#fresh(rec)) return (this.#token = rec)
      if (typeof store.setIfAbsent !== 'function') {
        // No lock (a plain Keyv store): fetch; stable_token hands every process the same token.
        return this.#fetchAndStore()
      }
      const owner = randomHex(16)
      const mine = await this.#storeCall('setIfAbsent', () => store.setIfAbsent(lockKey, owner, this.#client.lockTtlMs))
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
      await sleep(this.#client.lockPollMs)
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
    const res = await this.#request()
    const lifeMs = Number(res.expires_in) * 1000
    const at = this.#now()
    const margin = Math.min(this.#client.refreshMarginMs, lifeMs / 2)
    const rec = { value: res.access_token, refreshAt: at + lifeMs - margin, expiresAt: at + lifeMs }
    this.#token = rec
    if (this.#storeFailing) this.#outageToken = rec
    return rec
  }

  /**
   * After 40001/42001 with `failed`: drop the cached token only if it is still `failed` (another
   * caller may have replaced it already), then get the current one (fetched once).
   */
  async drop(failed) {
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
    const rec = await this.record()
    // The store still hands out the failed token (a store without an exact compare): ask WeChat.
    return rec.value === failed.value ? this.#requestToken() : rec
  }
}

module.exports = { AccessTokenCache }
