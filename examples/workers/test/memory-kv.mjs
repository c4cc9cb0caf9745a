// The test's KV namespace: an in-memory object with the KV binding's get/put/delete (values are
// text, get(key, 'json') parses, expirationTtl in seconds and at least 60, as KV enforces).
// workerd's own kvNamespace binding needs a service that speaks KV's internal HTTP protocol
// (what wrangler's local mode, Miniflare, provides); the worker under test gets this object as
// env.SESSIONS instead, so the test shows the store adapter over KV's API, not KV's replication.
export function memoryKv(now = () => Date.now()) {
  const map = new Map()
  const live = (key) => {
    const e = map.get(key)
    if (e && e.expiresAt !== 0 && now() >= e.expiresAt) map.delete(key)
    return map.get(key)
  }
  return {
    async get(key, type) {
      const e = live(key)
      if (!e) return null
      return type === 'json' || (type && type.type === 'json') ? JSON.parse(e.value) : e.value
    },
    async put(key, value, options = {}) {
      if (typeof value !== 'string') throw new TypeError('this KV stand-in stores text')
      const ttl = options.expirationTtl
      if (ttl !== undefined && ttl < 60) throw new Error('KV PUT failed: 400 Invalid expiration_ttl of ' + ttl + '. Expiration TTL must be at least 60.')
      map.set(key, { value, expiresAt: ttl === undefined ? 0 : now() + ttl * 1000 })
    },
    async delete(key) {
      map.delete(key)
    },
  }
}
