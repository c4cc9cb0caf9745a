'use strict'
// The mini program's login sessions ("3rd session") in any store (memory, Redis, Keyv).
const { nonEmptyString } = require('../args.js')
const { randomHex } = require('../hex.js')
const { boundStoreCall, checkStore, storeDeadline } = require('./call.js')
const { createMemoryStore } = require('./memory.js')

const SESSION_TOKEN = /^[0-9a-f]{64}$/

/**
 * The mini program's login sessions ("3rd session") in a store that several processes share:
 * `session:<token>` -> `{ openid }` and `user:<openid>` -> `{ sessionKey, unionid }`, so a new
 * login replaces that user's session_key for every token of that user (WeChat keeps one current
 * session_key per user: the latest wx.login's). The token is 32 random bytes (64 hex characters):
 * not derived from the openid, which anyone who knows an openid could recompute.
 * Every failure of the store is a StoreError (answer 503), every call is bounded by `timeoutMs`
 * (or by the store's own bound: wxcrypt/redis's `timeoutMs`).
 *
 * @param {object} [options]
 * @param {object} [options.store] default createMemoryStore()
 * @param {number} [options.ttlMs] default 24 hours
 * @param {number} [options.timeoutMs] per store call, default 1000
 */
function createSessionStore({ store = createMemoryStore(), ttlMs = 24 * 60 * 60 * 1000, timeoutMs = 1000 } = {}) {
  checkStore(store, 'createSessionStore')
  const deadline = storeDeadline(store, timeoutMs)
  const call = (op, fn) => boundStoreCall(op, deadline, fn)
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

module.exports = { createSessionStore }
