'use strict'
// The in-memory store (one process), the default of createSessionStore and of wxcrypt/client's
// examples. Shaped like Keyv's store, with the two atomic operations WeChatClient's cross-process
// lock uses (setIfAbsent, deleteIfEquals); wxcrypt/redis has the same shape over Redis.

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

module.exports = { createMemoryStore }
