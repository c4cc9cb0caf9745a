'use strict'
// A store over a Cloudflare Workers KV namespace (or anything KV-shaped: get(key, 'json'),
// put(key, text, { expirationTtl }), delete(key)), for createSessionStore and WeChatClient on the
// edge. Pure: no Node module (the edge gets an ESM twin from scripts/build-js.mjs).
//
// KV has no atomic set-if-absent, so this store has no setIfAbsent / deleteIfEquals: WeChatClient
// then takes no cross-isolate lock before fetching the access token. Each isolate may fetch its own
// token when the shared one is due; stable_token in normal mode (the only mode WeChatClient uses)
// hands back the same valid token and does not invalidate the others, so this costs requests, not
// correctness. KV is eventually consistent (a write can take up to 60 s to reach other locations)
// and keeps a key at least 60 s (shorter TTLs are raised to 60 s).

const MIN_TTL_S = 60

/**
 * @param {{ get: Function, put: Function, delete: Function }} namespace a KV binding (env.SESSIONS)
 * @param {{ prefix?: string }} [options] prepended to every key, default 'wxcrypt:'
 */
function createKvStore(namespace, { prefix = 'wxcrypt:' } = {}) {
  if (namespace === null || typeof namespace !== 'object') throw new TypeError('createKvStore: namespace must be a KV namespace binding')
  for (const m of ['get', 'put', 'delete']) {
    if (typeof namespace[m] !== 'function') throw new TypeError(`createKvStore: namespace.${m} must be a function`)
  }
  if (typeof prefix !== 'string') throw new TypeError('createKvStore: prefix must be a string')
  const keyOf = (key) => {
    if (typeof key !== 'string' || key === '') throw new TypeError('store key must be a non-empty string')
    return prefix + key
  }
  return {
    async get(key) {
      const value = await namespace.get(keyOf(key), 'json')
      return value === null ? undefined : value
    },
    async set(key, value, ttlMs) {
      const text = JSON.stringify(value)
      if (text === undefined) throw new TypeError('store value must be JSON-serializable')
      const options = ttlMs > 0 ? { expirationTtl: Math.max(MIN_TTL_S, Math.ceil(ttlMs / 1000)) } : undefined
      await namespace.put(keyOf(key), text, options)
      return true
    },
    async delete(key) {
      // KV's delete does not say whether the key was there.
      const had = (await namespace.get(keyOf(key))) !== null
      await namespace.delete(keyOf(key))
      return had
    },
  }
}

module.exports = { createKvStore }
