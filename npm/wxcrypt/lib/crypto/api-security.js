'use strict'
// The server-API security mode (服务端 API 签名加密, issue 18) over a backend: ApiSecurity (the
// app's side: seal requests to api.weixin.qq.com, open its answers) and ApiSecurityPlatform
// (WeChat's side, for simulators and tests). The core (wxcrypt::host::ApiSecurityHost and
// ApiSecurityPlatformHost) parses and checks every key, builds every envelope, AAD and string to
// sign, verifies every signature and makes every check; this file checks argument types and, for
// RSA, may hand the one private-key operation (RSA-PSS SHA-256, salt 32, over the core-built
// string to sign) to the host's crypto (`rsaSigner`: node:crypto on Node, WebCrypto on the edge;
// bench/api-security.mjs measured why), with the key the core validated (PKCS#8 DER); and
// likewise the RSA-PSS verification of answers (`rsaSigner.verifier`, the platform keys the core
// validated, SPKI DER), the core still picking the key by 编号, building the string to verify and
// making every other check and releasing the answer only on a true verdict (openVerifyJob, then
// openVerified).
const { invalidType, outOfRange, str, secret } = require('../args.js')

const RSA = 'AES256_GCM+RSAwithSHA256'
const MAX_SECONDS = 2 ** 32
const decoder = new TextDecoder()

function nowSeconds() {
  return Math.floor(Date.now() / 1000)
}

/** A whole number of Unix seconds (an option), or the clock. */
function seconds(name, value) {
  if (value === undefined) return nowSeconds()
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) throw outOfRange(name, 'a whole number >= 0', value)
  return value
}

function options(name, value) {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object') throw invalidType(name, 'an object', value)
  return value
}

function object(name, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidType(name, 'an object', value)
  return value
}

/** The parameters or answer object as JSON text (an object, or JSON text of one). */
function paramsJson(name, value) {
  if (typeof value === 'string') return value
  return JSON.stringify(object(name, value))
}

function maxSkew(value) {
  if (value === undefined) return undefined
  if (typeof value !== 'number') throw invalidType('config.maxSkewSeconds', 'of type number', value)
  if (!Number.isInteger(value) || value < 0 || value > MAX_SECONDS) throw outOfRange('config.maxSkewSeconds', 'a whole number >= 0 and <= 2^32', value)
  return value
}

/** The security headers' names, in the order the core takes their values (wxcrypt::host). */
const HEADER_INDEX = new Map(
  ['wechatmp-appid', 'wechatmp-timestamp', 'wechatmp-serial', 'wechatmp-signature', 'wechatmp-serial-deprecated', 'wechatmp-signature-deprecated'].map((n, i) => [n, i]),
)

/**
 * The six security header values of an answer or a request, for the core ('' when absent): from
 * a fetch `Headers` (anything with `forEach(value, name)`, a `Map` too) or a plain object, names
 * in any letter case, values strings (or arrays of strings: the first is taken, as Node's
 * IncomingHttpHeaders has them) or numbers.
 */
function headerValues(name, headers) {
  const values = ['', '', '', '', '', '']
  if (headers !== null && typeof headers === 'object' && typeof headers.forEach === 'function' && !Array.isArray(headers)) {
    headers.forEach((v, k) => {
      const i = typeof k === 'string' && typeof v === 'string' ? HEADER_INDEX.get(k.toLowerCase()) : undefined
      if (i !== undefined) values[i] = v
    })
  } else if (headers !== null && typeof headers === 'object' && !Array.isArray(headers)) {
    for (const k in headers) {
      if (!Object.hasOwn(headers, k)) continue
      const i = HEADER_INDEX.get(k.toLowerCase())
      if (i === undefined) continue
      const v = headers[k]
      const one = Array.isArray(v) ? v[0] : v
      if (typeof one === 'string') values[i] = one
      else if (typeof one === 'number') values[i] = String(one)
    }
  } else throw invalidType(name, 'a Headers object or a plain object', headers)
  return values
}

/** A body as text: a string, or bytes (Uint8Array, Buffer, ArrayBuffer) decoded as UTF-8. */
function bodyText(name, body) {
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return decoder.decode(body)
  if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body))
  throw invalidType(name, 'a string, a Uint8Array or an ArrayBuffer', body)
}

/** A `{ headers, body }` message (an answer or a request). */
function message(name, value) {
  object(name, value)
  return [headerValues(`${name}.headers`, value.headers), bodyText(`${name}.body`, value.body)]
}

function sealOptions(value) {
  const o = options('options', value)
  const timestamp = seconds('options.timestamp', o.timestamp)
  const nonce = o.nonce === undefined ? undefined : str('options.nonce', o.nonce)
  const iv = o.iv === undefined ? undefined : str('options.iv', o.iv)
  return [timestamp, nonce, iv]
}

/** `{ headers, body }` from the core's `[body, stringToSign, name, value, ...]`. */
function sealed(out, signature) {
  const headers = {}
  for (let i = 2; i < out.length; i += 2) headers[out[i]] = out[i + 1]
  if (signature !== undefined) headers['Wechatmp-Signature'] = signature
  return { headers, body: out[0] }
}

/**
 * The answer object of the core's checked text, built by the host's parser, without the security
 * fields (`_appid` and `_timestamp` were checked by the core; a repeated one refused).
 */
function answerObject(text) {
  let answer
  try {
    answer = JSON.parse(text)
  } catch {
    answer = undefined
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    throw Object.assign(new Error('the decrypted answer is not a JSON object'), { code: 'MalformedEnvelope' })
  }
  delete answer._n
  delete answer._appid
  delete answer._timestamp
  return answer
}

/**
 * The classes over `binding`; `call` turns the backend's coded failures into WXCryptError;
 * `rsaSigner(pkcs8Base64)`, when given, returns `(stringToSign) => base64 signature` (or a
 * Promise of one; RSA-PSS SHA-256 salt 32) made by the host's crypto.
 */
function createApiSecurity(binding, call, rsaSigner) {
  /**
   * The app's side of WeChat's server-API security mode: seals requests to api.weixin.qq.com and
   * opens (verifies, decrypts, checks) its answers.
   */
  class ApiSecurity {
    #core
    #sign
    #pkcs8
    #verifiers

    constructor(config) {
      object('config', config)
      const certs = config.platformCertificates
      if (!Array.isArray(certs)) throw invalidType('config.platformCertificates', 'an array', certs)
      const c = {
        appId: str('config.appId', config.appId),
        algorithm: str('config.algorithm', config.algorithm),
        symmetricKey: secret('config.symmetricKey', config.symmetricKey),
        symmetricKeySn: str('config.symmetricKeySn', config.symmetricKeySn),
        privateKey: secret('config.privateKey', config.privateKey),
        privateKeySn: str('config.privateKeySn', config.privateKeySn),
        platformCertificates: certs.map((cert, i) => {
          object(`config.platformCertificates[${i}]`, cert)
          return { sn: str(`config.platformCertificates[${i}].sn`, cert.sn), certificate: str(`config.platformCertificates[${i}].certificate`, cert.certificate) }
        }),
        maxSkewSeconds: maxSkew(config.maxSkewSeconds),
      }
      this.appId = c.appId
      this.algorithm = c.algorithm
      this.#core = call(() => new binding.ApiSecurity(JSON.stringify(c)))
      // The key the core validated, for the host's crypto (imported on first use, then dropped).
      if (rsaSigner !== undefined && c.algorithm === RSA) this.#pkcs8 = call(() => this.#core.privateKeyPkcs8())
      // The platform keys the core validated, for the host's RSA-PSS verification (imported once).
      if (rsaSigner?.verifier !== undefined && c.algorithm === RSA) {
        this.#verifiers = new Map(JSON.parse(call(() => this.#core.platformPublicKeys())).map(([sn, spki]) => [sn, spki]))
      }
    }

    /** Which operation runs where: `'rust'`, or the host signer's name (`'node:crypto'`, `'webcrypto'`). */
    get signer() {
      return this.#pkcs8 !== undefined || this.#sign !== undefined ? rsaSigner.host : 'rust'
    }

    /**
     * Seals a call to `url` (its query, with the access token, is not part of the protocol):
     * `params` the API's parameters object. Resolves to `{ headers, body }` to POST.
     * `options.timestamp` (Unix seconds), `options.nonce` (`_n`) and `options.iv` (base64 of 12
     * bytes) are for tests and vectors.
     */
    async sealRequest(url, params, opts = undefined) {
      const u = str('url', url)
      const p = paramsJson('params', params)
      const [timestamp, nonce, iv] = sealOptions(opts)
      if (this.#pkcs8 === undefined && this.#sign === undefined) {
        return sealed(call(() => this.#core.sealRequest(u, p, timestamp, nonce, iv)))
      }
      const out = call(() => this.#core.sealUnsigned(u, p, timestamp, nonce, iv))
      if (this.#sign === undefined) {
        this.#sign = rsaSigner(this.#pkcs8)
        this.#pkcs8 = undefined
      }
      return sealed(out, await this.#sign(out[1]))
    }

    /**
     * Opens WeChat's answer to a call to `url`: `response.headers` a fetch Headers or a plain
     * object (any letter case), `response.body` the raw text or bytes; `options.now` Unix
     * seconds. Resolves to the answer object (`{ errcode, errmsg, ... }` without `_n`, `_appid`,
     * `_timestamp`).
     */
    async openResponse(url, response, opts = undefined) {
      return (await this.openResponseDetailed(url, response, opts)).answer
    }

    /**
     * As openResponse, resolving to `{ answer, serial, deprecated }`: the 编号 of the platform
     * certificate that verified the answer, and whether it is the one being retired
     * (`Wechatmp-Serial-Deprecated`: download the new certificate from the MP admin).
     */
    async openResponseDetailed(url, response, opts = undefined) {
      const u = str('url', url)
      const [headers, body] = message('response', response)
      const now = seconds('options.now', options('options', opts).now)
      if (this.#verifiers === undefined) {
        const [text, serial, deprecated] = call(() => this.#core.openResponse(u, headers, body, now))
        return { answer: call(() => answerObject(text)), serial, deprecated: deprecated === '1' }
      }
      // The core makes every check before the signature, builds the string to verify, and
      // decrypts and checks the body, holding the outcome; the host's crypto verifies (a
      // public-key operation); the core then releases the answer only on a true verdict.
      const [id, serial, signed, signature, deprecated] = call(() => this.#core.openVerifyJob(u, headers, body, now))
      let verify = this.#verifiers.get(serial)
      if (typeof verify === 'string') {
        try {
          verify = rsaSigner.verifier(verify)
        } catch (err) {
          // The host cannot use the key (the id is released first): its own error, not a bad
          // signature.
          try {
            this.#core.openVerified(id, false)
          } catch {}
          throw err
        }
        this.#verifiers.set(serial, verify)
      }
      let ok = false
      try {
        ok = (await verify(signed, signature)) === true
      } catch {
        ok = false
      }
      const text = call(() => this.#core.openVerified(id, ok))
      return { answer: call(() => answerObject(text)), serial, deprecated: deprecated === '1' }
    }
  }

  /**
   * WeChat's side of the server-API security mode, for simulators and tests: opens requests
   * (WeChat's 40230-40240 errors) and seals answers, with rotation (`deprecated`: answers carry
   * both signatures). Synchronous; every operation runs in the core.
   */
  class ApiSecurityPlatform {
    #core

    constructor(config) {
      object('config', config)
      let deprecated
      if (config.deprecated !== undefined && config.deprecated !== null) {
        object('config.deprecated', config.deprecated)
        deprecated = { privateKey: secret('config.deprecated.privateKey', config.deprecated.privateKey), sn: str('config.deprecated.sn', config.deprecated.sn) }
      }
      const c = {
        appId: str('config.appId', config.appId),
        algorithm: str('config.algorithm', config.algorithm),
        symmetricKey: secret('config.symmetricKey', config.symmetricKey),
        symmetricKeySn: str('config.symmetricKeySn', config.symmetricKeySn),
        appPublicKey: str('config.appPublicKey', config.appPublicKey),
        appKeySn: str('config.appKeySn', config.appKeySn),
        platformPrivateKey: secret('config.platformPrivateKey', config.platformPrivateKey),
        platformSn: str('config.platformSn', config.platformSn),
        deprecated,
        maxSkewSeconds: maxSkew(config.maxSkewSeconds),
      }
      this.appId = c.appId
      this.algorithm = c.algorithm
      this.#core = call(() => new binding.ApiSecurityPlatform(JSON.stringify(c)))
    }

    /** Opens a request to `url` as WeChat would: the parameters object, or a WXCryptError 402xx. */
    openRequest(url, request, opts = undefined) {
      const u = str('url', url)
      const [headers, body] = message('request', request)
      const now = seconds('options.now', options('options', opts).now)
      return JSON.parse(call(() => this.#core.openRequest(u, headers, body, now)))
    }

    /** Seals an answer to a call to `url`: `{ headers, body }`. */
    sealResponse(url, answer, opts = undefined) {
      const u = str('url', url)
      const a = paramsJson('answer', answer)
      const [timestamp, nonce, iv] = sealOptions(opts)
      return sealed(call(() => this.#core.sealResponse(u, a, timestamp, nonce, iv)))
    }
  }

  return { ApiSecurity, ApiSecurityPlatform }
}

module.exports = { createApiSecurity, seconds, options, object, maxSkew }
