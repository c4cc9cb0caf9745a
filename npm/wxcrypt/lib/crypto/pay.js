'use strict'
// WeChat Pay APIv3 (issue 19) over a backend: WechatPay (the merchant's side) and
// WechatPayPlatform (WeChat Pay's side, for simulators and tests). The core
// (wxcrypt::host::WechatPayHost / WechatPayPlatformHost, wxcrypt::pay) parses and checks every key
// and certificate, builds every signed string and header, chooses the platform key by
// Wechatpay-Serial, checks the clock window, verifies every signature (SIGNTEST probes fail),
// decrypts every resource (the GCM tag always checked) and encrypts sensitive fields. This file
// checks argument types and, like ApiSecurity, may hand the one merchant private-key operation
// (SHA256withRSA, RSASSA-PKCS1-v1_5, over the core-built string) to the host's crypto
// (`signer`: node:crypto on Node, WebCrypto on the edge) with the key the core validated.
const { invalidType, str, secret } = require('../args.js')
const { WXCryptError } = require('./api.js')
const { policy } = require('./policy.js')
const { headerPairs, seconds, options, object, maxSkew } = require('./api-security.js')

const ERRORS = new Map(policy.errors.map((e) => [e.name, e]))
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A backend failure (fields `code`, `message`) as a WXCryptError; anything else as it is. */
function call(fn) {
  try {
    return fn()
  } catch (err) {
    const entry = err !== null && typeof err === 'object' ? ERRORS.get(err.code) : undefined
    throw entry === undefined ? err : new WXCryptError(entry.errcode, entry.name, err.message)
  }
}

function coded(name) {
  const e = ERRORS.get(name)
  return new WXCryptError(e.errcode, e.name, e.message)
}

/**
 * A body exactly as received or sent: a string, or bytes (Uint8Array, Buffer, ArrayBuffer) that
 * must be UTF-8 (anything else cannot be a WeChat Pay JSON body: MalformedEnvelope). An object is
 * a TypeError: it is never re-serialised (the signature covers the bytes as they travelled).
 */
function bodyText(name, body) {
  if (typeof body === 'string') return body
  let bytes
  if (body instanceof Uint8Array) bytes = body
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body)
  else throw invalidType(name, 'a string, a Uint8Array or an ArrayBuffer (the raw body, never a parsed object)', body)
  try {
    return utf8.decode(bytes)
  } catch {
    throw coded('MalformedEnvelope')
  }
}

/** `{ headers, body }` as [headersJson, bodyText]. */
function message(name, value) {
  object(name, value)
  return [headerPairs(`${name}.headers`, value.headers), bodyText(`${name}.body`, value.body)]
}

/** A JSON text parsed, or the text itself when it is not JSON (a certificate PEM). */
function parsedOrText(text) {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function platformKey(name, k) {
  object(name, k)
  if (k.certificate !== undefined) {
    const out = { certificate: str(`${name}.certificate`, k.certificate) }
    if (k.serial !== undefined && k.serial !== null) out.serial = str(`${name}.serial`, k.serial)
    return out
  }
  return { id: str(`${name}.id`, k.id), publicKey: str(`${name}.publicKey`, k.publicKey) }
}

function stamp(name, value) {
  if (value === undefined) return String(Math.floor(Date.now() / 1000))
  if (typeof value === 'number') return String(seconds(name, value))
  return str(name, value)
}

/**
 * The classes over `binding`; `signer(pkcs8Base64)`, when given, returns `(text) => Promise<base64
 * SHA256withRSA signature>` made by the host's crypto.
 */
function createPay(binding, signer) {
  /** The merchant's side of WeChat Pay APIv3. */
  class WechatPay {
    #core
    #sign
    #pkcs8

    constructor(config) {
      object('config', config)
      const keys = config.platformKeys === undefined ? [] : config.platformKeys
      if (!Array.isArray(keys)) throw invalidType('config.platformKeys', 'an array', keys)
      const c = {
        mchId: str('config.mchId', config.mchId),
        merchantSerialNo: str('config.merchantSerialNo', config.merchantSerialNo),
        merchantPrivateKey: secret('config.merchantPrivateKey', config.merchantPrivateKey),
        apiV3Key: secret('config.apiV3Key', config.apiV3Key),
        platformKeys: keys.map((k, i) => platformKey(`config.platformKeys[${i}]`, k)),
        maxSkewSeconds: maxSkew(config.maxSkewSeconds),
      }
      this.mchId = c.mchId
      this.merchantSerialNo = c.merchantSerialNo
      this.#core = call(() => new binding.WechatPay(JSON.stringify(c)))
      if (signer !== undefined) this.#pkcs8 = call(() => this.#core.privateKeyPkcs8())
    }

    /** Where the merchant private-key operation runs: `'rust'`, `'node:crypto'` or `'webcrypto'`. */
    get signer() {
      return this.#pkcs8 !== undefined || this.#sign !== undefined ? signer.host : 'rust'
    }

    /** The ids of the platform keys held (certificate serials and `PUB_KEY_ID_...`). */
    get platformKeyIds() {
      return this.#core.platformKeyIds()
    }

    /** Adds a platform key (`{ serial?, certificate }` or `{ id, publicKey }`); returns its id. */
    addPlatformKey(key) {
      const k = JSON.stringify(platformKey('key', key))
      return call(() => this.#core.addPlatformKey(k))
    }

    async #signText(text) {
      if (this.#sign === undefined) {
        this.#sign = signer(this.#pkcs8)
        this.#pkcs8 = undefined
      }
      return this.#sign(text)
    }

    /**
     * The `Authorization` header of a request: `method` uppercase, `pathWithQuery` from `/v3/...`,
     * `body` the exact text (or bytes) sent, `''` for GET. `options.timestamp` (Unix seconds) and
     * `options.nonce` for tests.
     */
    async authorization(method, pathWithQuery, body = '', opts = undefined) {
      const m = str('method', method)
      const p = str('pathWithQuery', pathWithQuery)
      const b = bodyText('body', body)
      const o = options('options', opts)
      const ts = seconds('options.timestamp', o.timestamp)
      const nonce = o.nonce === undefined ? undefined : str('options.nonce', o.nonce)
      if (this.#pkcs8 === undefined && this.#sign === undefined) {
        return call(() => this.#core.authorization(m, p, b, ts, nonce))
      }
      const [text, t, n] = call(() => this.#core.authorizationMessage(m, p, b, ts, nonce))
      const signature = await this.#signText(text)
      return call(() => this.#core.authorizationWith(n, t, signature))
    }

    /**
     * Verifies an answer or a callback (`headers` a fetch Headers or a plain object in any letter
     * case, `body` the raw text or bytes); `options.now` Unix seconds. Resolves to `{ serial }`,
     * the platform key that verified it.
     */
    async verify(response, opts = undefined) {
      const [headers, body] = message('response', response)
      const now = seconds('options.now', options('options', opts).now)
      return { serial: call(() => this.#core.verify(headers, body, now)) }
    }

    /**
     * Verifies a callback and decrypts its resource: resolves to the notification object with
     * `resource` replaced by the decrypted, parsed resource.
     */
    async openNotification(request, opts = undefined) {
      const [headers, body] = message('request', request)
      const now = seconds('options.now', options('options', opts).now)
      const [, plaintext] = call(() => this.#core.openNotification(headers, body, now))
      const notification = JSON.parse(body)
      notification.resource = parsedOrText(plaintext)
      return notification
    }

    /**
     * Decrypts a `resource` object (`{ algorithm, ciphertext, nonce, associated_data }`, as in
     * callbacks and `/v3/certificates`): the parsed JSON, or the text when it is not JSON (a
     * certificate PEM).
     */
    decryptResource(resource) {
      const r = typeof resource === 'string' ? resource : JSON.stringify(object('resource', resource))
      return parsedOrText(call(() => this.#core.decryptResource(r)))
    }

    /**
     * What `wx.requestPayment` takes for a JSAPI / mini-program `prepay_id`: `{ appId, timeStamp,
     * nonceStr, package, signType: 'RSA', paySign }`. `timeStamp` (default now) and `nonceStr`
     * (default random) for tests.
     */
    async requestPaymentParams(params) {
      object('params', params)
      const appId = str('params.appId', params.appId)
      const prepayId = str('params.prepayId', params.prepayId)
      const ts = stamp('params.timeStamp', params.timeStamp)
      const nonce = params.nonceStr === undefined ? undefined : str('params.nonceStr', params.nonceStr)
      let timeStamp, nonceStr, pkg, paySign
      if (this.#pkcs8 === undefined && this.#sign === undefined) {
        ;[timeStamp, nonceStr, pkg, paySign] = call(() => this.#core.requestPaymentParams(appId, prepayId, ts, nonce))
      } else {
        let text
        ;[timeStamp, nonceStr, pkg, text] = call(() => this.#core.paymentParams(appId, prepayId, ts, nonce))
        paySign = await this.#signText(text)
      }
      return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
    }

    /**
     * Encrypts a sensitive field (RSAES-OAEP SHA-1) under a platform key: a 微信支付公钥 when one is
     * held, else the newest certificate, or `options.serial`. Resolves to `{ ciphertext, serial }`:
     * send `serial` as `Wechatpay-Serial`.
     */
    async encryptSensitive(text, opts = undefined) {
      const t = str('text', text)
      const o = options('options', opts)
      const serial = o.serial === undefined ? undefined : str('options.serial', o.serial)
      const [ciphertext, s] = call(() => this.#core.encryptSensitive(t, serial))
      return { ciphertext, serial: s }
    }
  }

  /**
   * WeChat Pay's side, for simulators and tests: signs answers and callbacks with a platform key
   * (named by a certificate serial or a `PUB_KEY_ID_...`), encrypts resources, decrypts sensitive
   * fields, verifies merchants' `Authorization`. Synchronous; everything runs in the core.
   */
  class WechatPayPlatform {
    #core

    constructor(config) {
      object('config', config)
      const c = {
        mchId: str('config.mchId', config.mchId),
        serial: str('config.serial', config.serial),
        privateKey: secret('config.privateKey', config.privateKey),
        apiV3Key: secret('config.apiV3Key', config.apiV3Key),
        merchantPublicKey: str('config.merchantPublicKey', config.merchantPublicKey),
        maxSkewSeconds: maxSkew(config.maxSkewSeconds),
      }
      this.mchId = c.mchId
      this.serial = c.serial
      this.#core = call(() => new binding.WechatPayPlatform(JSON.stringify(c)))
    }

    /** The `Wechatpay-*` headers for a body (text, sent exactly as given). */
    signResponse(body, opts = undefined) {
      const b = bodyText('body', body)
      const o = options('options', opts)
      const ts = seconds('options.timestamp', o.timestamp)
      const nonce = o.nonce === undefined ? undefined : str('options.nonce', o.nonce)
      const headers = {}
      for (const [k, v] of JSON.parse(call(() => this.#core.signResponse(b, ts, nonce)))) headers[k] = v
      return headers
    }

    /** Encrypts a resource: `plaintext` text or an object (JSON). Returns the `resource` object. */
    encryptResource(plaintext, opts = undefined) {
      const p = typeof plaintext === 'string' ? plaintext : JSON.stringify(object('plaintext', plaintext))
      const o = options('options', opts)
      const ad = o.associatedData === undefined ? 'transaction' : str('options.associatedData', o.associatedData)
      const type = o.originalType === undefined ? 'transaction' : str('options.originalType', o.originalType)
      const nonce = o.nonce === undefined ? undefined : str('options.nonce', o.nonce)
      return JSON.parse(call(() => this.#core.encryptResource(p, ad, type, nonce)))
    }

    /**
     * A complete signed callback: `{ headers, body }` with `resource` encrypted.
     * `event.resource` the plaintext (object or text); `eventType` default TRANSACTION.SUCCESS.
     */
    notification(event, opts = undefined) {
      object('event', event)
      const o = options('options', opts)
      const resource = this.encryptResource(event.resource, { associatedData: event.associatedData, originalType: event.originalType, nonce: o.resourceNonce })
      const body = JSON.stringify({
        id: event.id === undefined ? crypto.randomUUID() : str('event.id', event.id),
        create_time: event.createTime === undefined ? new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00') : str('event.createTime', event.createTime),
        resource_type: 'encrypt-resource',
        event_type: event.eventType === undefined ? 'TRANSACTION.SUCCESS' : str('event.eventType', event.eventType),
        summary: event.summary === undefined ? '支付成功' : str('event.summary', event.summary),
        resource,
      })
      return { headers: this.signResponse(body, o), body }
    }

    /** Decrypts a sensitive field (base64 OAEP SHA-1). */
    decryptSensitive(ciphertext) {
      const c = str('ciphertext', ciphertext)
      return call(() => this.#core.decryptSensitive(c))
    }

    /**
     * Verifies a merchant request's `Authorization` as WeChat Pay would: `{ mchId, serialNo, nonce,
     * timestamp }`, or a WXCryptError.
     */
    verifyAuthorization(method, pathWithQuery, body, authorization, opts = undefined) {
      const args = [str('method', method), str('pathWithQuery', pathWithQuery), bodyText('body', body), str('authorization', authorization)]
      const now = seconds('options.now', options('options', opts).now)
      const [mchId, serialNo, nonce, timestamp] = call(() => this.#core.verifyAuthorization(...args, now))
      return { mchId, serialNo, nonce, timestamp }
    }
  }

  return { WechatPay, WechatPayPlatform }
}

module.exports = { createPay }
