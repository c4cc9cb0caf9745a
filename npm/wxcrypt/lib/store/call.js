'use strict'
// How wxcrypt calls a store: the shape check, and the ONE timeout layer. Every store call is
// raced against a deadline exactly once: a store that bounds its own calls (wxcrypt/redis marks
// itself with SELF_BOUNDED) is trusted with its own `timeoutMs`; any other store (the memory
// store, a Keyv store) is bounded by the caller's (createSessionStore's `timeoutMs`,
// WeChatClient's `storeTimeoutMs`). Either way every failure reaches the caller as a StoreError.
const { StoreError } = require('./errors.js')

/** Marks a store whose every call is already bounded in time and fails with StoreErrors. */
const SELF_BOUNDED = Symbol.for('wxcrypt.store.selfBounded')

/**
 * `fn()`, as a promise that settles within `ms` (a StoreError ESTORE_TIMEOUT after it; no deadline
 * when `ms` is undefined). Any other failure becomes ESTORE_UNAVAILABLE, except StoreErrors and,
 * with `keepTypeErrors`, TypeErrors (a bad key or value, which is the caller's mistake).
 */
function boundStoreCall(op, ms, fn, keepTypeErrors = false) {
  let timer
  let call
  try {
    call = Promise.resolve(fn())
  } catch (err) {
    call = Promise.reject(err)
  }
  if (ms !== undefined) {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new StoreError(op, 'ESTORE_TIMEOUT', String(ms))), ms)
    })
    call = Promise.race([call, timeout])
  }
  return call
    .catch((err) => {
      if (err instanceof StoreError || (keepTypeErrors && err instanceof TypeError)) throw err
      // Only the error's code or name: a driver's message may carry a URL with a password.
      throw new StoreError(op, 'ESTORE_UNAVAILABLE', (err && (err.code || err.name)) || 'failed')
    })
    .finally(() => clearTimeout(timer))
}

/** The deadline of a call to `store`: `ms`, or undefined for a store that bounds its own calls. */
function storeDeadline(store, ms) {
  return store !== null && store[SELF_BOUNDED] === true ? undefined : ms
}

/** `store`, if it has get, set and delete (and setIfAbsent / deleteIfEquals are functions when present). */
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

module.exports = { SELF_BOUNDED, boundStoreCall, storeDeadline, checkStore }
