import type { Store } from './client'

/** The part of a node-redis client the store uses (a `createClient()` result fits). */
export interface RedisClientLike {
  sendCommand(args: string[]): Promise<unknown>
  readonly isReady?: boolean
}

/** Options of {@link createRedisStore}: exactly one of `url` and `client`. */
export interface RedisStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`: the store makes, connects and closes its own client. */
  url?: string
  /** Or a node-redis client you made, connected and will close yourself. */
  client?: RedisClientLike
  /** Before every key, default `'wxcrypt:'`. */
  prefix?: string
  /** The longest any call takes, default 1000 ms; a dead or stopped Redis gives a StoreError in time. */
  timeoutMs?: number
  /** Per connection attempt, default `timeoutMs`. */
  connectTimeoutMs?: number
  /** Cap of the reconnection backoff (50, 100, 200, ... ms), default 1000. */
  maxReconnectDelayMs?: number
}

/** A Redis-backed {@link Store}: JSON values, TTLs in milliseconds, the lock operations atomic. */
export interface RedisStore extends Required<Store> {
  /** The node-redis client. */
  readonly client: RedisClientLike
  readonly prefix: string
  readonly timeoutMs: number
  /** Closes the client the store made (not one you passed); bounded by `timeoutMs`. */
  close(): Promise<void>
}

/**
 * A store on node-redis (the `redis` package, an optional peer dependency): `get` / `set` (`SET PX`) /
 * `delete`, `setIfAbsent` (`SET NX PX`) and `deleteIfEquals` (a Lua compare-and-delete). Every call
 * is bounded in time: offline commands are refused at once (never queued) and every call is raced
 * against `timeoutMs`; failures are `StoreError`s ('ESTORE_TIMEOUT' | 'ESTORE_UNAVAILABLE').
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore
export default createRedisStore
