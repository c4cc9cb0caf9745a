'use strict'
// WeChat Pay APIv3 (issue 19) over a backend: WechatPay (the merchant's side) and
// WechatPayPlatform (WeChat Pay's side, for simulators and tests). The core
// (wxcrypt::host::WechatPayHost / WechatPayPlatformHost, wxcrypt::pay) parses and checks every key
// and certificate, builds every signed string and header, chooses the platform key by
// Wechatpay-Serial, checks the clock window, makes every check on a signature (SIGNTEST probes
// fail), decrypts every resource (the GCM tag always checked) and encrypts sensitive fields. This
// file checks argument types, reads the four Wechatpay-* headers and, like ApiSecurity, may hand
// the RSA operations to the host's crypto (lib/crypto/sign-node.js on Node, sign-webcrypto.js on
// the edge: the one layer both features share) with the keys the core validated and exported:
// the merchant's SHA256withRSA signature over the core-built string (`signer`), and the
// verification of a platform signature (`verifier`, keys imported once at construction from the
// core's SPKI export), whose verdict then goes to ONE core call that makes every check (serial
// held, clock window, SIGNTEST, the signature's form, the verdict made with the serial's key) and
// decrypts the resource, all as plain strings. The body is parsed once, by JSON.parse.
const { invalidType, str, secret } = require('../args.js')
const { WXCryptError } = require('./api.js')
const { policy } = require('./policy.js')
const { seconds, options, object, maxSkew } = require('./api-security.js')

const ERRORS = new Map(policy.errors.map((e) => [e.name, e]))
const MAX_BODY = policy.payMaxBodyBytes
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

const encoder = new TextEncoder()

/**
 * The UTF-8 length of `text`, as the core counts a body against its limit: a string of n UTF-16
 * units has between n and 3n bytes, so only one near the limit is encoded to count them.
 */
function byteLength(text) {
  return text.length * 3 <= MAX_BODY ? text.length : encoder.encode(text).length
}

const HEADER_SLOT = new Map([
  ['wechatpay-timestamp', 0],
  ['wechatpay-nonce', 1],
  ['wechatpay-signature', 2],
  ['wechatpay-serial', 3],
])
const SHORTEST_HEADER = 'wechatpay-nonce'.length

/**
 * The four `Wechatpay-*` values of a fetch `Headers` (anything with `forEach`) or a plain object
 * (names in any letter case, the last one of a name wins; an array value gives its first
 * element, a number its text; other values are absent), trimmed: `[timestamp, nonce, signature,
 * serial]`, `undefined` where absent. The core gets these very strings and checks them.
 */
function payHeaders(name, headers) {
  const out = [undefined, undefined, undefined, undefined]
  const take = (k, v) => {
    // Most names are not these four (and shorter than any of them): no case folding for those.
    if (k.length < SHORTEST_HEADER) return
    const slot = HEADER_SLOT.get(k) ?? HEADER_SLOT.get(k.trim().toLowerCase())
    if (slot !== undefined) out[slot] = v.trim()
  }
  if (headers !== null && typeof headers === 'object' && typeof headers.forEach === 'function' && !Array.isArray(headers)) {
    headers.forEach((v, k) => {
      if (typeof k === 'string' && typeof v === 'string') take(k, v)
    })
  } else if (headers !== null && typeof headers === 'object' && !Array.isArray(headers)) {
    for (const k of Object.keys(headers)) {
      const v = headers[k]
      const one = Array.isArray(v) ? v[0] : v
      if (typeof one === 'string') take(k, one)
      else if (typeof one === 'number') take(k, String(one))
    }
  } else throw invalidType(name, 'a Headers object or a plain object', headers)
  return out
}

/** `{ headers, body }` as [[timestamp, nonce, signature, serial], bodyText]. */
function message(name, value) {
  object(name, value)
  return [payHeaders(`${name}.headers`, value.headers), bodyText(`${name}.body`, value.body)]
}

/** A plain object (what JSON.parse gives for `{...}`). */
function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** A member the core reads as an optional string. */
function optionalString(v) {
  return v === undefined || v === null || typeof v === 'string'
}

/**
 * The callback's `resource` when JSON.parse gave a notification the core would accept as it is
 * (an object whose `resource` is an object of string members): the members the core decrypts,
 * else undefined (the core then parses the body and names what is wrong).
 */
function resourceFields(notification) {
  const r = isObject(notification) ? notification.resource : undefined
  if (!isObject(r)) return undefined
  const { algorithm, ciphertext, nonce, associated_data: ad, original_type: type } = r
  if (typeof algorithm !== 'string' || typeof ciphertext !== 'string' || typeof nonce !== 'string' || !optionalString(ad) || !optionalString(type)) return undefined
  return [algorithm, ciphertext, nonce, typeof ad === 'string' ? ad : '']
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

/** ASCII letters lowercased, nothing else (the core's `eq_ignore_ascii_case`). */
function asciiLower(s) {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase())
}

function stamp(name, value) {
  if (value === undefined) return String(Math.floor(Date.now() / 1000))
  if (typeof value === 'number') return String(seconds(name, value))
  return str(name, value)
}

/**
 * The classes over `binding`; `signer(pkcs8Base64)`, when given, returns `(toSign) => base64
 * SHA256withRSA signature` (or a Promise of one) made by the host's crypto, `toSign` the text, or
 * the base64 SHA-256 DigestInfo the core built when `signer.digest` is true;
 * `verifier(spkiBase64)`, when given, returns
 * `(text, signatureB64) => boolean | Promise<boolean>` (SHA256withRSA with that platform key; the
 * core makes every other check, then decrypts). Both from lib/crypto/sign-node.js or
 * sign-webcrypto.js, scheme 'pkcs1'.
 */
function createPay(binding, signer, verifier) {
  const DIGEST = signer?.digest === true
  /** The merchant's side of WeChat Pay APIv3. */
  class WechatPay {
    #core
    #sign
    #pkcs8
    // The platform keys the core validated, imported into the host's crypto: id -> verify
    // function; #lower: the same by ASCII-lowercase id (the core matches serials in any case).
    #verifiers
    #lower

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
      if (verifier !== undefined) this.#importPlatformKeys()
    }

    /**
     * (Re)builds the verify functions from the core's SPKI export, each key imported once (a key
     * kept under the same id with the same SPKI keeps its import).
     */
    #importPlatformKeys() {
      const old = this.#verifiers
      this.#verifiers = new Map()
      this.#lower = new Map()
      for (const [id, spki] of JSON.parse(call(() => this.#core.platformPublicKeys()))) {
        const kept = old?.get(id)
        const entry = kept !== undefined && kept.spki === spki ? kept : { spki, verify: verifier(spki) }
        this.#verifiers.set(id, entry)
        // The first key of a name in any letter case, as the core picks it.
        const lower = asciiLower(id)
        if (!this.#lower.has(lower)) this.#lower.set(lower, [id, entry])
      }
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
      const id = call(() => this.#core.addPlatformKey(k))
      if (verifier !== undefined) this.#importPlatformKeys()
      return id
    }

    /** Where signatures are verified: `'rust'`, `'node:crypto'` or `'webcrypto'`. */
    get verifier() {
      return verifier === undefined ? 'rust' : verifier.host
    }

    /**
     * The held key the serial names for the host's verification: `[keyId, verify]` (the id as
     * the core holds it: the serial itself, else the first held id equal to it in another letter
     * case, as the core picks it), or undefined when the host cannot verify: no such key, a
     * header missing, a body over the core's limit (the core refuses all of those before any
     * verdict).
     */
    #hostKey(ts, nonce, signature, serial, body) {
      if (ts === undefined || nonce === undefined || signature === undefined || serial === undefined || byteLength(body) > MAX_BODY) return undefined
      const entry = this.#verifiers.get(serial)
      if (entry !== undefined) return [serial, entry.verify]
      const found = this.#lower.get(asciiLower(serial))
      return found === undefined ? undefined : [found[0], found[1].verify]
    }

    /**
     * The host's verdict with `verify` over `timestamp\nnonce\nbody\n`: a boolean, or a promise
     * of one (WebCrypto; node:crypto answers synchronously, and then nothing is awaited). A
     * verifier that throws says false.
     */
    static #verdict(verify, ts, nonce, signature, body) {
      try {
        const valid = verify(`${ts}\n${nonce}\n${body}\n`, signature)
        return typeof valid === 'boolean' ? valid : Promise.resolve(valid).then((v) => v === true, () => false)
      } catch {
        return false
      }
    }

    /**
     * The host's signature over `toSign` (the text, or the base64 DigestInfo for a signer with
     * `digest`): base64, or a promise of it (WebCrypto).
     */
    #signText(toSign) {
      if (this.#sign === undefined) {
        this.#sign = signer(this.#pkcs8)
        this.#pkcs8 = undefined
      }
      return this.#sign(toSign)
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
      const [toSign, before, after] = call(() => this.#core.authorizationParts(m, p, b, ts, nonce, DIGEST))
      let signature = this.#signText(toSign)
      if (typeof signature !== 'string') signature = await signature
      return before + signature + after
    }

    /**
     * Verifies an answer or a callback (`headers` a fetch Headers or a plain object in any letter
     * case, `body` the raw text or bytes); `options.now` Unix seconds. Resolves to `{ serial }`,
     * the platform key that verified it.
     */
    async verify(response, opts = undefined) {
      const [[ts, nonce, signature, serial], body] = message('response', response)
      const now = seconds('options.now', options('options', opts).now)
      if (verifier === undefined) return { serial: call(() => this.#core.verify(ts, nonce, signature, serial, body, now)) }
      const key = this.#hostKey(ts, nonce, signature, serial, body)
      let valid = key === undefined ? false : WechatPay.#verdict(key[1], ts, nonce, signature, body)
      if (typeof valid !== 'boolean') valid = await valid
      const keyId = key === undefined ? undefined : key[0]
      return { serial: call(() => this.#core.verifyHostVerified(ts, nonce, signature, serial, keyId, valid, byteLength(body), now)) }
    }

    /**
     * Verifies a callback and decrypts its resource: resolves to the notification object with
     * `resource` replaced by the decrypted, parsed resource.
     */
    async openNotification(request, opts = undefined) {
      const [[ts, nonce, signature, serial], body] = message('request', request)
      const now = seconds('options.now', options('options', opts).now)
      let plaintext
      let notification
      if (verifier === undefined) plaintext = call(() => this.#core.openNotification(ts, nonce, signature, serial, body, now))
      else {
        const key = this.#hostKey(ts, nonce, signature, serial, body)
        let valid = key === undefined ? false : WechatPay.#verdict(key[1], ts, nonce, signature, body)
        if (typeof valid !== 'boolean') valid = await valid
        const keyId = key === undefined ? undefined : key[0]
        if (valid) {
          try {
            notification = JSON.parse(body)
          } catch {
            notification = undefined
          }
        }
        const r = resourceFields(notification)
        plaintext =
          r === undefined
            ? call(() => this.#core.openHostVerifiedBody(ts, nonce, signature, serial, keyId, valid, body, now))
            : call(() => this.#core.openHostVerified(ts, nonce, signature, serial, keyId, valid, byteLength(body), now, r[0], r[1], r[2], r[3]))
      }
      if (notification === undefined) {
        try {
          notification = JSON.parse(body)
        } catch {
          throw coded('MalformedEnvelope')
        }
      }
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
        let toSign
        ;[timeStamp, nonceStr, pkg, toSign] = call(() => this.#core.paymentParams(appId, prepayId, ts, nonce, DIGEST))
        paySign = this.#signText(toSign)
        if (typeof paySign !== 'string') paySign = await paySign
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
