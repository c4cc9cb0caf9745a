'use strict'
// wxcrypt/redis: the store that several processes share (pm2 cluster, Kubernetes replicas), on
// node-redis (the `redis` package, an optional peer dependency). Same shape as the in-memory store
// of wxcrypt/client (Keyv's get / set / delete, plus setIfAbsent and deleteIfEquals for the
// access-token lock): values are JSON, TTLs are milliseconds.
//
// Every call is bounded in time. node-redis queues commands while it is disconnected and would
// answer them whenever Redis comes back; here a call on a disconnected client fails at once
// (disableOfflineQueue) and any call is raced against `timeoutMs`, so a request never hangs on a
// dead or stopped Redis. Reconnection goes on in the background with a capped backoff. That race
// is the only timeout on these calls: the store marks itself SELF_BOUNDED, so createSessionStore
// and WeChatClient do not add a second one.
const { positiveMs } = require('../args.js')
const { SELF_BOUNDED, boundStoreCall } = require('./call.js')
const { StoreError } = require('./errors.js')

// Compare-and-delete, atomic in Redis: the lock's owner token or the failed access token.
const DELETE_IF_EQUALS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"

/**
 * @param {object} options
 * @param {string} [options.url] `redis[s]://[[user][:password]@]host[:port][/db]`: the store makes,
 *   connects and (on close) closes its own client
 * @param {object} [options.client] or a node-redis client you made (connected by you, closed by you)
 * @param {string} [options.prefix] before every key, default 'wxcrypt:'
 * @param {number} [options.timeoutMs] the longest any call takes, default 1000
 * @param {number} [options.connectTimeoutMs] per connection attempt, default timeoutMs
 * @param {number} [options.maxReconnectDelayMs] cap of the reconnection backoff, default 1000
 */
function createRedisStore(options) {
  if (!options || typeof options !== 'object') throw new TypeError('createRedisStore needs { url } or { client }')
  const { url, client: given, prefix = 'wxcrypt:', timeoutMs = 1000, maxReconnectDelayMs = 1000 } = options
  const connectTimeoutMs = options.connectTimeoutMs ?? timeoutMs
  positiveMs('createRedisStore', 'timeoutMs', timeoutMs)
  positiveMs('createRedisStore', 'connectTimeoutMs', connectTimeoutMs)
  positiveMs('createRedisStore', 'maxReconnectDelayMs', maxReconnectDelayMs)
  if (typeof prefix !== 'string') throw new TypeError('createRedisStore: prefix must be a string')
  if ((url === undefined) === (given === undefined)) throw new TypeError('createRedisStore needs exactly one of url and client')

  let client
  // Our own client's first connection attempt (connected, or failed): calls made before it ends
  // wait for it (within timeoutMs) instead of failing while the socket is still opening.
  let firstAttempt = null
  if (given !== undefined) {
    if (!given || typeof given.sendCommand !== 'function') throw new TypeError('createRedisStore: client must be a node-redis client')
    client = given
  } else {
    if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new TypeError('createRedisStore: url must be a redis:// or rediss:// URL')
    let redis
    try {
      // The optional peer, loaded only when the store makes its own client (not with `client`).
      redis = require('redis')
    } catch {
      throw new Error('wxcrypt/redis needs the `redis` package (node-redis): npm install redis')
    }
    client = redis.createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs },
      socket: {
        connectTimeout: connectTimeoutMs,
        // Never give up, never wait long: 50, 100, 200, ... ms up to the cap.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** Math.min(retries, 10), maxReconnectDelayMs),
      },
    })
    // Failures reach the callers as StoreErrors; without a listener node-redis's 'error' events
    // (one per failed reconnection) would crash the process.
    let settle
    firstAttempt = new Promise((resolve) => (settle = resolve))
    client.on('error', () => settle())
    client.on('ready', () => settle())
    client.connect().catch(() => {})
  }

  const key = (k) => {
    if (typeof k !== 'string' || k === '') throw new TypeError('store key must be a non-empty string')
    return prefix + k
  }

  /** One command, bounded by timeoutMs from the call (waiting for the first connection included). */
  // TypeErrors (a bad key or value) reach the caller as they are; any other failure is a
  // StoreError carrying the error's code or name only (node-redis messages can carry the address).
  function run(op, build) {
    return boundStoreCall(
      op,
      timeoutMs,
      async () => {
        const args = build() // throws TypeErrors before anything is sent
        if (firstAttempt) await firstAttempt
        // A client given to us may queue offline: refuse instead.
        if (client.isReady === false) throw new StoreError(op, 'ESTORE_UNAVAILABLE', 'not connected')
        return client.sendCommand(args)
      },
      true,
    )
  }

  const json = (value) => {
    const text = JSON.stringify(value)
    if (text === undefined) throw new TypeError('store value must be JSON-serializable')
    return text
  }
  const px = (ttlMs) => (ttlMs > 0 ? ['PX', String(Math.max(1, Math.ceil(ttlMs)))] : [])

  return {
    [SELF_BOUNDED]: true,
    /** The node-redis client (for other uses of the same connection). */
    client,
    prefix,
    timeoutMs,

    async get(k) {
      const text = await run('get', () => ['GET', key(k)])
      if (text === null || text === undefined) return undefined
      try {
        return JSON.parse(String(text))
      } catch {
        throw new StoreError('get', 'ESTORE_UNAVAILABLE', 'the stored value is not JSON')
      }
    },

    async set(k, value, ttlMs) {
      await run('set', () => ['SET', key(k), json(value), ...px(ttlMs)])
      return true
    },

    async delete(k) {
      return Number(await run('delete', () => ['DEL', key(k)])) > 0
    },

    /** `SET key value NX PX ttlMs`: true when this call created the key. */
    async setIfAbsent(k, value, ttlMs) {
      const reply = await run('setIfAbsent', () => ['SET', key(k), json(value), 'NX', ...px(ttlMs)])
      return reply !== null && reply !== undefined
    },

    /** Deletes the key only while it holds `value` (one Lua script: atomic). */
    async deleteIfEquals(k, value) {
      return Number(await run('deleteIfEquals', () => ['EVAL', DELETE_IF_EQUALS, '1', key(k), json(value)])) === 1
    },

    /** Closes the client this store made (a client you passed is yours to close). Bounded too. */
    async close() {
      if (given !== undefined) return
      let timer
      const graceful = typeof client.close === 'function' ? client.close() : client.quit()
      await Promise.race([Promise.resolve(graceful).catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
      clearTimeout(timer)
      try {
        if (client.isOpen) (client.destroy || client.disconnect).call(client)
      } catch {
        // already closed
      }
    },
  }
}

module.exports = { createRedisStore }
module.exports.default = createRedisStore
