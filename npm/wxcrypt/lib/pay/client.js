'use strict'
// WechatPayClient: the WeChat Pay APIv3 calls an ordering backend makes (JSAPI order, query,
// close, refund, refund query, platform certificates). Pure: only globals (fetch,
// AbortController, setTimeout, crypto.getRandomValues), so it runs on Node, Deno, Bun and workerd.
//
// Every request is signed by a WechatPay (the core: `authorization`), every answer is verified
// (signature over the raw bytes, timestamp window) before anything in it is used, and every call
// is bounded in time (timeoutMs covers the connection, the headers and the body). Certificates
// downloaded from /v3/certificates are decrypted with the APIv3 key, checked, added to the
// verifier, and kept in the store (memory or Redis: lib/store/) so other processes reuse them.
// The merchant key and the APIv3 key stay in a private field: never in errors, logs or inspect.
const { nonEmptyString, positiveMs } = require('../args.js')
const { checkStore, boundStoreCall, storeDeadline } = require('../store/call.js')
const { DeadlineError, withDeadline } = require('../deadline.js')
const { WechatPayApiError } = require('./errors.js')
const { headerOf } = require('./notify-core.js')

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com'
const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** 32 random letters and digits (a nonceStr for wx.requestPayment). */
function randomNonce() {
  const b = new Uint8Array(32)
  globalThis.crypto.getRandomValues(b)
  let s = ''
  for (const x of b) s += NONCE_CHARS[x % 62] // 256 = 4*62 + 8: a negligible bias for a nonce
  return s
}

const isPublicKeyId = (serial) => typeof serial === 'string' && serial.startsWith('PUB_KEY_ID_')

function pathPart(name, value) {
  return encodeURIComponent(nonEmptyString(name, value))
}

function payClientWith(WechatPay) {
  class WechatPayClient {
    #payOptions
    #configured
    #pay
    #known = new Set()
    #fetch
    #store
    #storeDeadline
    #now
    #log
    #ready = null
    #refreshing = null
    #lastRefresh = -Infinity

    /**
     * @param {object} options the options of `new WechatPay(...)` (mchId, merchantSerialNo,
     *   merchantPrivateKey, apiV3Key, platformKeys, maxSkewSeconds) and:
     * @param {string} [options.appId] the appid of JSAPI orders (or `appid` in each order)
     * @param {string} [options.baseUrl] default https://api.mch.weixin.qq.com (a simulator's URL in tests)
     * @param {typeof fetch} [options.fetch] default globalThis.fetch (inject workerd's, or a fake)
     * @param {number} [options.timeoutMs] per request, answer body included, default 10000
     * @param {object} [options.store] where downloaded platform certificates live (memory, wxcrypt/redis, KV)
     * @param {number} [options.storeTimeoutMs] per store call, default 1000
     * @param {number} [options.certificatesTtlMs] how long stored certificates are reused, default 12 h
     * @param {number} [options.refreshIntervalMs] the least time between two downloads caused by an
     *   unknown `Wechatpay-Serial`, default 60 s
     * @param {() => number} [options.now] clock in milliseconds, default Date.now
     * @param {(entry: object) => void} [options.log] `{ level, event, message }`; default warnings to console.warn
     */
    constructor(options) {
      if (!options || typeof options !== 'object') throw new TypeError('WechatPayClient needs an options object')
      const {
        appId,
        baseUrl = DEFAULT_BASE_URL,
        fetch = globalThis.fetch,
        timeoutMs = 10_000,
        store,
        storeTimeoutMs = 1000,
        certificatesTtlMs = 12 * 3600_000,
        refreshIntervalMs = 60_000,
        now = Date.now,
        log,
        ...payOptions
      } = options
      if (appId !== undefined) this.appId = nonEmptyString('appId', appId)
      this.mchId = nonEmptyString('mchId', payOptions.mchId)
      this.baseUrl = nonEmptyString('baseUrl', baseUrl).replace(/\/+$/, '')
      if (typeof fetch !== 'function') throw new TypeError('WechatPayClient needs a fetch function (options.fetch or globalThis.fetch)')
      if (typeof now !== 'function') throw new TypeError('WechatPayClient: options.now must be a function')
      if (log !== undefined && typeof log !== 'function') throw new TypeError('WechatPayClient: options.log must be a function')
      this.timeoutMs = positiveMs('WechatPayClient', 'timeoutMs', timeoutMs)
      this.certificatesTtlMs = positiveMs('WechatPayClient', 'certificatesTtlMs', certificatesTtlMs)
      this.refreshIntervalMs = positiveMs('WechatPayClient', 'refreshIntervalMs', refreshIntervalMs)
      positiveMs('WechatPayClient', 'storeTimeoutMs', storeTimeoutMs)
      this.#store = store === undefined ? null : checkStore(store, 'WechatPayClient')
      this.#storeDeadline = storeDeadline(this.#store, storeTimeoutMs)
      this.#fetch = fetch
      this.#now = now
      this.#log = log || ((e) => e.level === 'warn' && console.warn(`wxcrypt: ${e.message}`))
      this.#payOptions = payOptions
      this.#configured = Array.isArray(payOptions.platformKeys) ? payOptions.platformKeys : []
      this.#pay = new WechatPay(payOptions) // checks every option (and throws) now
      for (const k of this.#configured) this.#known.add(k && (k.serial ?? k.id))
    }

    /** The WechatPay in use: the configured platform keys and the downloaded certificates. */
    get pay() {
      return this.#pay
    }

    /** `now` for WechatPay's timestamp window: Unix seconds from this client's clock. */
    #seconds() {
      return { now: Math.floor(this.#now() / 1000) }
    }

    #storeKey() {
      return `paycerts:${this.mchId}`
    }

    /** A WechatPay with the configured keys and `certs` ([{ serial, certificate }]). */
    #withCertificates(certs) {
      const serials = new Set(this.#configured.map((k) => k && (k.serial ?? k.id)))
      const extra = certs.filter((c) => !serials.has(c.serial)).map((c) => ({ serial: c.serial, certificate: c.certificate }))
      return new WechatPay({ ...this.#payOptions, platformKeys: [...this.#configured, ...extra] })
    }

    #install(certs) {
      this.#pay = this.#withCertificates(certs)
      for (const c of certs) this.#known.add(c.serial)
    }

    /** Once: the certificates another process (or an earlier run) stored. A store failure is logged, not thrown. */
    #loaded() {
      if (!this.#ready) {
        this.#ready = (async () => {
          if (!this.#store) return
          try {
            const saved = await boundStoreCall('get', this.#storeDeadline, () => this.#store.get(this.#storeKey()))
            const t = this.#now()
            const live = Array.isArray(saved?.certificates) ? saved.certificates.filter((c) => !c.expireTime || Date.parse(c.expireTime) > t) : []
            if (live.length) this.#install(live)
          } catch (err) {
            this.#log({ level: 'warn', event: 'pay-certificates-store', message: `platform certificates: store unavailable (${err.code || err.name}); using the configured keys` })
          }
        })()
      }
      return this.#ready
    }

    /** Downloads the certificates when `serial` is unknown (at most once per refreshIntervalMs, one in flight). */
    async #learn(serial) {
      if (typeof serial !== 'string' || this.#known.has(serial) || isPublicKeyId(serial)) return
      if (this.#refreshing) return this.#refreshing.catch(() => {})
      if (this.#now() - this.#lastRefresh < this.refreshIntervalMs) return
      await this.downloadCertificates().catch((err) => {
        this.#log({ level: 'warn', event: 'pay-certificates-download', message: `platform certificates: download failed (${err.code || err.name})` })
      })
    }

    /** Sends one signed request; resolves to the answer's status, headers and raw bytes (all within timeoutMs). */
    async #exchange(method, path, { query, body, wechatpaySerial } = {}) {
      const qs = query ? new URLSearchParams(query).toString() : ''
      const pathWithQuery = qs ? `${path}?${qs}` : path
      const api = `${method} ${path}`
      const text = body === undefined ? '' : JSON.stringify(body)
      const signing = { timestamp: Math.floor(this.#now() / 1000), nonce: randomNonce() }
      // WeChat Pay refuses APIv3 requests without a User-Agent.
      const headers = { accept: 'application/json', 'user-agent': 'wxcrypt', authorization: await this.#pay.authorization(method, pathWithQuery, text, signing) }
      if (body !== undefined) headers['content-type'] = 'application/json'
      if (wechatpaySerial !== undefined) headers['wechatpay-serial'] = wechatpaySerial
      // Called unbound: workerd's fetch throws "Illegal invocation" as a method of another object.
      const fetch = this.#fetch
      try {
        // Raced, not only aborted: a given fetch may ignore the signal, a body may never end.
        return await withDeadline(this.timeoutMs, async (signal) => {
          const res = await fetch(this.baseUrl + pathWithQuery, { method, headers, body: body === undefined ? undefined : text, signal })
          const bytes = new Uint8Array(await res.arrayBuffer())
          return { api, status: res.status, headers: res.headers, bytes }
        })
      } catch (err) {
        // Never the original error: it could carry the request (and its Authorization).
        if (err instanceof DeadlineError) throw new WechatPayApiError({ api, code: 'ETIMEDOUT', message: `no answer within ${this.timeoutMs} ms` })
        throw new WechatPayApiError({ api, code: 'ENETWORK', message: (err && err.name) || 'fetch failed' })
      }
    }

    /** The answer, verified by `pay`, as JSON (null for an empty body); WeChat's errors as WechatPayApiError. */
    async #trusted(answer, pay = this.#pay) {
      const { api, status, headers, bytes } = answer
      const signed = headerOf(headers, 'wechatpay-signature') !== undefined
      let data = null
      const parse = () => {
        if (bytes.length === 0) return null
        try {
          return JSON.parse(new TextDecoder().decode(bytes))
        } catch {
          throw new WechatPayApiError({ api, status, code: 'EBADRESPONSE', message: 'not JSON' })
        }
      }
      if (!signed && status >= 400) {
        // Not WeChat's word (a proxy, a gateway): reported, never trusted.
        let unverified
        try {
          unverified = parse()
        } catch {
          unverified = undefined
        }
        throw new WechatPayApiError({ api, status, code: 'EUNSIGNED', message: 'error answer without a WeChat Pay signature', unverified })
      }
      let ok = false
      let cause
      try {
        ok = signed && (await pay.verify({ headers, body: bytes }, this.#seconds())) !== false
      } catch (err) {
        cause = err
      }
      if (!ok) {
        const why = !signed ? 'no Wechatpay-Signature' : cause && typeof cause.code === 'string' ? cause.code : 'signature or timestamp refused'
        throw new WechatPayApiError({ api, status, code: 'EBADSIGNATURE', message: `answer not trusted: ${why}`, cause })
      }
      data = parse()
      if (status >= 200 && status < 300) return data
      const code = data && typeof data.code === 'string' ? data.code : 'EBADRESPONSE'
      throw new WechatPayApiError({ api, status, code, message: data && typeof data.message === 'string' ? data.message : '', detail: data?.detail })
    }

    /**
     * Any APIv3 call: signed, sent, the answer verified (downloading the platform certificates
     * first when it names an unknown one). Resolves to the answer's JSON (null for 204).
     * @param {string} method
     * @param {string} path from the root, e.g. '/v3/pay/transactions/jsapi'
     * @param {{ query?: object, body?: object, wechatpaySerial?: string }} [opts]
     */
    async request(method, path, opts) {
      nonEmptyString('method', method)
      if (typeof path !== 'string' || !path.startsWith('/v3/')) throw new TypeError('The "path" argument must start with /v3/')
      await this.#loaded()
      const answer = await this.#exchange(method, path, opts)
      await this.#learn(headerOf(answer.headers, 'wechatpay-serial'))
      return this.#trusted(answer)
    }

    /**
     * `POST /v3/pay/transactions/jsapi`: `order` as WeChat takes it (description, out_trade_no,
     * notify_url, amount: { total }, payer: { openid }, ...; `appid` defaults to options.appId,
     * `mchid` is filled in). Resolves to `{ prepayId, requestPayment }`, the latter what
     * `wx.requestPayment` takes (appId, timeStamp, nonceStr, package, signType 'RSA', paySign).
     */
    async jsapiOrder(order) {
      if (!order || typeof order !== 'object') throw new TypeError('The "order" argument must be an object')
      const appid = nonEmptyString('order.appid', order.appid ?? this.appId)
      const res = await this.request('POST', '/v3/pay/transactions/jsapi', { body: { ...order, appid, mchid: this.mchId } })
      const prepayId = res && res.prepay_id
      if (typeof prepayId !== 'string' || prepayId === '') {
        throw new WechatPayApiError({ api: 'POST /v3/pay/transactions/jsapi', status: 200, code: 'EBADRESPONSE', message: 'no prepay_id' })
      }
      const requestPayment = await this.#pay.requestPaymentParams({
        appId: appid,
        prepayId,
        timeStamp: String(Math.floor(this.#now() / 1000)),
        nonceStr: randomNonce(),
      })
      return { prepayId, requestPayment }
    }

    /** `GET /v3/pay/transactions/out-trade-no/{out_trade_no}`: the order, verified. */
    async queryByOutTradeNo(outTradeNo) {
      return this.request('GET', `/v3/pay/transactions/out-trade-no/${pathPart('outTradeNo', outTradeNo)}`, { query: { mchid: this.mchId } })
    }

    /** `GET /v3/pay/transactions/id/{transaction_id}`: the order, verified. */
    async queryByTransactionId(transactionId) {
      return this.request('GET', `/v3/pay/transactions/id/${pathPart('transactionId', transactionId)}`, { query: { mchid: this.mchId } })
    }

    /** `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close` (WeChat answers 204). */
    async closeOrder(outTradeNo) {
      await this.request('POST', `/v3/pay/transactions/out-trade-no/${pathPart('outTradeNo', outTradeNo)}/close`, { body: { mchid: this.mchId } })
    }

    /**
     * `POST /v3/refund/domestic/refunds`: `refund` as WeChat takes it (transaction_id or
     * out_trade_no, out_refund_no, amount: { refund, total, currency }, reason?, notify_url?).
     */
    async refund(refund) {
      if (!refund || typeof refund !== 'object') throw new TypeError('The "refund" argument must be an object')
      nonEmptyString('refund.out_refund_no', refund.out_refund_no)
      return this.request('POST', '/v3/refund/domestic/refunds', { body: refund })
    }

    /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
    async queryRefund(outRefundNo) {
      return this.request('GET', `/v3/refund/domestic/refunds/${pathPart('outRefundNo', outRefundNo)}`)
    }

    /**
     * `GET /v3/certificates`: each certificate decrypted with the APIv3 key (the GCM tag proves it
     * came from someone holding that key), the answer verified with them (or a known key), then
     * added to the verifier and saved in the store. Resolves to `[{ serial, effectiveTime,
     * expireTime, certificate }]` (certificate: PEM).
     */
    downloadCertificates() {
      if (!this.#refreshing) {
        this.#lastRefresh = this.#now()
        this.#refreshing = this.#download().finally(() => {
          this.#refreshing = null
        })
      }
      return this.#refreshing
    }

    async #download() {
      await this.#loaded()
      const answer = await this.#exchange('GET', '/v3/certificates')
      const { api } = answer
      let untrusted
      try {
        untrusted = JSON.parse(new TextDecoder().decode(answer.bytes))
      } catch {
        untrusted = null
      }
      if (answer.status !== 200 || !untrusted || !Array.isArray(untrusted.data)) {
        await this.#trusted(answer) // WeChat's (verified) error, or EBADSIGNATURE
        throw new WechatPayApiError({ api, status: answer.status, code: 'EBADRESPONSE', message: 'no certificate list' })
      }
      const certs = []
      for (const item of untrusted.data) {
        let plain
        try {
          plain = await this.#pay.decryptResource(item.encrypt_certificate)
        } catch (err) {
          throw new WechatPayApiError({ api, status: 200, code: 'EBADSIGNATURE', message: `certificate ${String(item?.serial_no).slice(0, 40)} did not decrypt`, cause: err })
        }
        const certificate = typeof plain === 'string' ? plain : plain instanceof Uint8Array ? new TextDecoder().decode(plain) : String(plain)
        certs.push({ serial: String(item.serial_no), effectiveTime: item.effective_time, expireTime: item.expire_time, certificate })
      }
      let candidate
      try {
        candidate = this.#withCertificates(certs)
      } catch (err) {
        throw new WechatPayApiError({ api, status: 200, code: 'EBADRESPONSE', message: 'a certificate was refused', cause: err })
      }
      await this.#trusted(answer, candidate)
      this.#pay = candidate
      for (const c of certs) this.#known.add(c.serial)
      if (this.#store) {
        try {
          await boundStoreCall('set', this.#storeDeadline, () => this.#store.set(this.#storeKey(), { certificates: certs }, this.certificatesTtlMs))
        } catch (err) {
          this.#log({ level: 'warn', event: 'pay-certificates-store', message: `platform certificates: not saved (${err.code || err.name})` })
        }
      }
      return certs
    }

    /**
     * `pay.openNotification` after downloading the certificates when the callback names an unknown
     * one (the 7-day switch-over signs with either key). For lib/pay/notify-*.js.
     */
    async openNotification(req, opts) {
      await this.#loaded()
      await this.#learn(headerOf(req && req.headers, 'wechatpay-serial'))
      return this.#pay.openNotification(req, opts ?? this.#seconds())
    }

    toJSON() {
      return { mchId: this.mchId, baseUrl: this.baseUrl }
    }

    [Symbol.for('nodejs.util.inspect.custom')]() {
      return `WechatPayClient { mchId: ${JSON.stringify(this.mchId)}, baseUrl: ${JSON.stringify(this.baseUrl)}, keys: <redacted> }`
    }
  }
  return WechatPayClient
}

module.exports = { payClientWith, randomNonce }
