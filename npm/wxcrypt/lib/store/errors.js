'use strict'
// The one error every store failure becomes, whichever store it is (memory, Redis, any Keyv-shaped
// store) and whoever called it (the session store, WeChatClient's token cache).

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

module.exports = { StoreError }
