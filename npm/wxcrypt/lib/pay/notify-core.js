'use strict'
// WeChat Pay callbacks (支付/退款结果通知), exactly once: the framework-agnostic core of the Koa,
// Express, NestJS and Hono adapters (lib/pay/notify-*.js). Pure: no Node module, runs on every
// runtime. The opener (a WechatPay or a WechatPayClient: anything with `openNotification`)
// verifies the RAW body's signature and timestamp and decrypts `resource`; this file decides
// whether the handler runs and what WeChat is answered.
//
// Exactly once, across processes, through the store (memory, or Redis for several processes):
//   1. claim:   setIfAbsent(`paynotify:<id>`, { state: 'processing', token }, processingTtlMs)
//   2. claimed: run the handler; on success set(key, { state: 'done' }, doneTtlMs), answer 204;
//               on failure deleteIfEquals(key, our processing marker) (release: the retry runs
//               it) and answer 500 FAIL.
//   3. not claimed: read the key: 'done' -> 204 without running the handler; 'processing' (another
//               request runs it now) -> 503 FAIL, so WeChat comes back once that one has finished.
//   Any store failure before the handler runs -> 503 FAIL: WeChat retries, nothing is lost. A
//   marker the store could not release expires after processingTtlMs, and the retry runs then.
//   After the handler succeeded WeChat is told so even if writing 'done' failed (3 tries): the
//   processing marker still holds the id for processingTtlMs, and WeChat does not retry a success.
//   Limits (at least once, not exactly once): a process that dies inside the handler, a handler that
//   outlives processingTtlMs, or a store that loses the done marker (3 failed writes, or a Redis
//   restarted without persistence) let a later retry run the handler again. Keep handlers
//   idempotent on out_trade_no as well (e.g. UPDATE ... WHERE trade_state = 'NOTPAY').
const { checkStore, boundStoreCall, storeDeadline } = require('../store/call.js')
const { StoreError } = require('../store/errors.js')
const { positiveMs } = require('../args.js')

const MAX_BODY = 64 * 1024
const WHO = 'payNotify'

/** WeChat's failure answer: a 4xx/5xx with `{ code: 'FAIL', message }`; it retries on it. */
function payFail(status, message) {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'FAIL', message }) }
}

const OK = Object.freeze({ status: 204, headers: {}, body: '' })

function randomToken() {
  const b = new Uint8Array(16)
  globalThis.crypto.getRandomValues(b)
  let s = ''
  for (const x of b) s += x.toString(16).padStart(2, '0')
  return s
}

/**
 * @param {object} options
 * @param {{ openNotification: Function }} options.pay a WechatPay or WechatPayClient
 * @param {(resource: object, notification: object, context: unknown) => unknown} options.handler
 *   runs once per notification id (context: the framework's ctx / req / c); throwing (or rejecting) leaves the id unprocessed so WeChat's retry runs it
 * @param {object} options.store with setIfAbsent and deleteIfEquals (memory, wxcrypt/redis)
 * @param {string} [options.prefix] key prefix, default 'paynotify:'
 * @param {number} [options.processingTtlMs] the claim's lifetime, default 60 s (a handler must end within it)
 * @param {number} [options.doneTtlMs] how long a processed id is remembered, default 72 h (WeChat retries for ~24 h)
 * @param {number} [options.storeTimeoutMs] per store call (stores that bound their own calls keep theirs), default 1000
 * @param {number} [options.maxBodyBytes] default 64 KiB
 * @param {(entry: object) => void} [options.log] `{ level, event, message, id? }`; default warnings to console.warn
 */
function createPayNotifyHandler(options) {
  if (!options || typeof options !== 'object') throw new TypeError(`${WHO}: options must be an object`)
  const { pay, handler, store, prefix = 'paynotify:', processingTtlMs = 60_000, doneTtlMs = 72 * 3600_000, storeTimeoutMs = 1000, maxBodyBytes = MAX_BODY, log } = options
  if (!pay || typeof pay.openNotification !== 'function') throw new TypeError(`${WHO}: options.pay must be a WechatPay or WechatPayClient`)
  if (typeof handler !== 'function') throw new TypeError(`${WHO}: options.handler must be a function`)
  checkStore(store, WHO)
  if (typeof store.setIfAbsent !== 'function' || typeof store.deleteIfEquals !== 'function') {
    throw new TypeError(`${WHO}: the store needs setIfAbsent and deleteIfEquals (the memory store, wxcrypt/redis); a KV namespace cannot make callbacks exactly once`)
  }
  if (typeof prefix !== 'string') throw new TypeError(`${WHO}: prefix must be a string`)
  positiveMs(WHO, 'processingTtlMs', processingTtlMs)
  positiveMs(WHO, 'doneTtlMs', doneTtlMs)
  positiveMs(WHO, 'storeTimeoutMs', storeTimeoutMs)
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new TypeError(`${WHO}: maxBodyBytes must be a positive integer`)
  if (log !== undefined && typeof log !== 'function') throw new TypeError(`${WHO}: log must be a function`)
  const say = log || ((e) => e.level !== 'info' && console.warn(`wxcrypt: ${e.message}`))
  const deadline = storeDeadline(store, storeTimeoutMs)
  const call = (op, fn) => boundStoreCall(op, deadline, fn, true)

  /**
   * Handles one callback. `headers`: a fetch Headers or a plain object (any letter case);
   * `body`: the raw text or bytes exactly as received (anything else is a 500: never re-serialised).
   * `now` (Unix seconds) for tests. Resolves to `{ status, headers, body }` (never rejects), and
   * `outcome`: 'handled' | 'duplicate' | 'busy' | 'refused' | 'failed' | 'store-down'.
   */
  async function handle({ headers, body, now, context }) {
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      // A framework parsed the body before us: verifying a re-serialisation would be wrong.
      say({ level: 'error', event: 'pay-notify-parsed-body', message: 'pay notification: the raw body is not available (mount the callback before any JSON body parser)' })
      return { ...payFail(500, 'raw body unavailable'), outcome: 'failed' }
    }
    if (body.length > maxBodyBytes) return { ...payFail(413, 'body too large'), outcome: 'refused' }
    let notification
    try {
      notification = await pay.openNotification({ headers, body }, now === undefined ? undefined : { now })
    } catch (err) {
      if (err instanceof StoreError) return { ...payFail(503, 'store unavailable, retry later'), outcome: 'store-down' }
      const code = err && typeof err.code === 'string' ? err.code : 'refused'
      say({ level: 'warn', event: 'pay-notify-refused', message: `pay notification refused: ${code}` })
      return { ...payFail(401, 'verification failed'), outcome: 'refused', error: err }
    }
    const id = notification && notification.id
    if (typeof id !== 'string' || id === '') return { ...payFail(400, 'notification without id'), outcome: 'refused' }
    const key = prefix + id
    const marker = { state: 'processing', token: randomToken() }
    let claimed
    try {
      claimed = await call('setIfAbsent', () => store.setIfAbsent(key, marker, processingTtlMs))
      if (!claimed) {
        const seen = await call('get', () => store.get(key))
        if (seen && seen.state === 'done') return { ...OK, outcome: 'duplicate' }
        // Released or expired between the two calls: let the retry claim it.
        return { ...payFail(503, seen ? 'notification is being processed' : 'retry later'), outcome: 'busy' }
      }
    } catch (err) {
      say({ level: 'warn', event: 'pay-notify-store-down', message: `pay notification ${id}: store unavailable (${err.code || err.name}); WeChat will retry`, id })
      return { ...payFail(503, 'store unavailable, retry later'), outcome: 'store-down' }
    }
    const started = Date.now()
    try {
      await handler(notification.resource, notification, context)
    } catch (err) {
      try {
        await call('deleteIfEquals', () => store.deleteIfEquals(key, marker))
      } catch {
        say({ level: 'warn', event: 'pay-notify-release-failed', message: `pay notification ${id}: could not release the claim; the retry runs after ${processingTtlMs} ms`, id })
      }
      say({ level: 'warn', event: 'pay-notify-handler-failed', message: `pay notification ${id}: handler failed (${(err && err.name) || 'error'}); WeChat will retry`, id })
      return { ...payFail(500, 'handler failed'), outcome: 'failed', error: err }
    }
    if (Date.now() - started > processingTtlMs) {
      say({ level: 'warn', event: 'pay-notify-slow-handler', message: `pay notification ${id}: the handler outlived processingTtlMs (${processingTtlMs} ms): a concurrent retry may have run it too`, id })
    }
    // The done marker, tried 3 times: if it never lands, the claim still holds the id for
    // processingTtlMs, after which a retry of a concurrent delivery could run the handler again.
    for (let attempt = 1; ; attempt++) {
      try {
        await call('set', () => store.set(key, { state: 'done' }, doneTtlMs))
        break
      } catch {
        if (attempt === 3) {
          say({ level: 'warn', event: 'pay-notify-done-unsaved', message: `pay notification ${id}: handled, but the done marker was not saved (the claim holds it for ${processingTtlMs} ms)`, id })
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
      }
    }
    return { ...OK, outcome: 'handled' }
  }

  return handle
}

/** A header of a fetch Headers, a Node headers object (lower case) or a plain object in any case. */
function headerOf(headers, name) {
  if (!headers) return undefined
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined
  const want = name.toLowerCase()
  for (const k of Object.keys(headers)) if (k.toLowerCase() === want) return Array.isArray(headers[k]) ? headers[k][0] : headers[k]
  return undefined
}

module.exports = { createPayNotifyHandler, headerOf, payFail }
