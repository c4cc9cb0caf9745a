'use strict'
// The public API over a backend (the native addon or the wasm module). Both backends expose the
// same boundary, written once in the core crate (wxcrypt::host_boundary!): strings in, a string
// or a boolean out (or, for decryptData's openDataText, no text: a bad padding is data, not an
// exception), failures thrown as an Error whose `code` is the official name and whose
// `message` is the core's description. This file only checks argument types, reads those fields,
// and lets the host's JSON.parse build the result object: all crypto lives in Rust, and every
// table and constant of the policy comes from the core (policy.js, generated from the core's
// `wxcrypt::host::policy()` at build time).
const { describe, invalidType, invalidValue, outOfRange, str, secret, strOrNum } = require('../args.js')
const { policy } = require('./policy.js')
const { createApiSecurity } = require('./api-security.js')

/**
 * The one error decryption throws. For open data `message` is always 'Illegal Buffer' (what code
 * written for the official sample checks, and no oracle); message-push failures say what failed
 * (their signature is checked before anything else). The text is the core crate's
 * `Error::description`, carried across the boundary. `errcode` and `code` are its only enumerable
 * properties, so a handler that serialises the error reveals nothing beyond them.
 */
class WXCryptError extends Error {
  constructor(errcode, code, message) {
    super(message)
    this.errcode = errcode
    this.code = code
  }
}
Object.defineProperty(WXCryptError.prototype, 'name', { value: 'WXCryptError', writable: true, configurable: true })

// The core's error table and open-data constants (wxcrypt::host::policy), generated at build time
// into policy.js; js-tests/policy.test.js checks it against the running backend's policy().
const ErrorCode = Object.freeze(Object.fromEntries(policy.errors.map((e) => [e.name, e.errcode])))
const ERRORS = new Map(policy.errors.map((e) => [e.name, e]))
// The message of every open-data failure (the official sample's 'Illegal Buffer').
const OPEN_DATA_MESSAGE = ERRORS.get('IllegalBuffer').message

function nowSeconds() {
  return String(Math.floor(Date.now() / 1000))
}

function randomNonce() {
  const buf = new Uint32Array(1)
  globalThis.crypto.getRandomValues(buf)
  return String(buf[0])
}

const utf8 = new TextDecoder()

/**
 * `decryptText` and `openDataText` of the wasm backend: the strings are encoded straight into the
 * module's memory with `TextEncoder.encodeInto` (about 20x faster on a 500-character string than
 * wasm-bindgen's copy, which walks the string one character at a time in JS), then decrypted
 * there. UTF-8 is lossless: a character outside ASCII arrives as bytes no base64 alphabet holds.
 */
function wasmInput(binding) {
  const encoder = new TextEncoder()
  // Looked up on first use: the ESM entries instantiate the module after this file has run.
  let memory
  let bytes
  /** Writes the strings one after the other into the input buffer; returns their lengths. */
  function write(a, b, c, d = '') {
    // 3 bytes of UTF-8 per UTF-16 unit at most.
    const room = 3 * (a.length + b.length + c.length + d.length)
    const at = binding.inputBuffer(room)
    memory ??= binding.wasmMemory()
    // A memory that grew has a new buffer; views of the old one are empty.
    if (bytes === undefined || bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer)
    const end = at + room
    const k = encoder.encodeInto(a, bytes.subarray(at, end)).written
    const l = encoder.encodeInto(b, bytes.subarray(at + k, end)).written
    const m = encoder.encodeInto(c, bytes.subarray(at + k + l, end)).written
    const n = encoder.encodeInto(d, bytes.subarray(at + k + l + m, end)).written
    return [k, l, m, n]
  }
  return {
    decryptText(sessionKey, encryptedData, iv) {
      const [k, d, i] = write(sessionKey, encryptedData, iv)
      return binding.decryptTextIn(k, d, i)
    },
    openDataText(sessionKey, encryptedData, iv, appId) {
      const [k, d, i, a] = write(sessionKey, encryptedData, iv, appId)
      return binding.openDataTextIn(k, d, i, a)
    },
  }
}

/**
 * The API over `binding` (named `backend`). `host.rsaSigner`, when given, makes ApiSecurity's
 * RSA-PSS signatures with the host's crypto (lib/crypto/sign-node.js, sign-webcrypto.js) instead
 * of the core's; everything else of the protocol stays in the core.
 */
function createApi(binding, backend, host = {}) {
  const wasm = binding.decryptText ? undefined : wasmInput(binding)
  // decryptRaw's path: the plaintext of any valid padding; a bad padding throws.
  const decryptText = binding.decryptText || wasm.decryptText
  // decryptData's path: the plaintext only when the padding is valid and it is a JSON object with
  // this app's watermark, else null/undefined; only the shape checks made before decryption throw.
  const openDataText = binding.openDataText || wasm.openDataText

  /** A backend failure (fields `code`, `message`) as a WXCryptError; anything else as it is. */
  function shape(err) {
    const entry = err !== null && typeof err === 'object' ? ERRORS.get(err.code) : undefined
    return entry === undefined ? err : new WXCryptError(entry.errcode, entry.name, err.message)
  }

  /** Calls into the backend, turning its coded failures into WXCryptError. */
  function call(fn) {
    try {
      return fn()
    } catch (err) {
      throw shape(err)
    }
  }

  /**
   * An open-data failure (a bad plaintext, a watermark, the options). Made without stack frames:
   * capturing them costs more than a successful decryption, and the failure is the client's input,
   * not a fault of the calling code (README, "Timing"); `err.stack` is the first line.
   */
  function openDataError(name) {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new WXCryptError(ErrorCode[name], name, OPEN_DATA_MESSAGE)
    } finally {
      Error.stackTraceLimit = limit
    }
  }

  /**
   * Drop-in replacement for WeChat's WXBizDataCrypt.js.
   */
  class WXBizDataCrypt {
    #sessionKey
    #maxAge
    #openId

    constructor(appId, sessionKey, options = undefined) {
      this.appId = str('appId', appId)
      this.#sessionKey = secret('sessionKey', sessionKey)
      if (options !== undefined && options !== null) {
        if (typeof options !== 'object') throw invalidType('options', 'an object', options)
        const { maxAgeSeconds, expectOpenId } = options
        if (maxAgeSeconds !== undefined) {
          if (typeof maxAgeSeconds !== 'number') throw invalidType('options.maxAgeSeconds', 'of type number', maxAgeSeconds)
          if (!(maxAgeSeconds >= 0 && maxAgeSeconds <= policy.maxAgeSecondsLimit)) throw outOfRange('options.maxAgeSeconds', '>= 0 and <= 2^32', maxAgeSeconds)
          this.#maxAge = Math.floor(maxAgeSeconds) // whole seconds, as the core's DecryptOptions
        }
        if (expectOpenId !== undefined) this.#openId = str('options.expectOpenId', expectOpenId)
      }
    }

    decryptData(encryptedData, iv) {
      const ed = str('encryptedData', encryptedData)
      const ivs = str('iv', iv)
      // No timing oracle (README, "Timing"): the backend decrypts, checks the padding, the JSON
      // (JSON.parse's grammar) and the watermark's appid, and does the same work whatever
      // failed; a bad padding, a plaintext that is not JSON and another app's watermark all cross
      // as "no text" (no exception), and become here the one -41003 error object. Only the shape
      // checks made before decryption (base64, key/iv length, whole AES blocks) throw, and they
      // reveal nothing about the key. The host's JSON.parse then builds the object from text the
      // core has validated, and the watermark is checked again on what it built, as the official
      // sample does.
      let text
      try {
        text = openDataText(this.#sessionKey, ed, ivs, this.appId)
      } catch (err) {
        throw shape(err)
      }
      let data
      if (typeof text === 'string') {
        try {
          data = JSON.parse(text)
          if (data.watermark.appid !== this.appId) data = undefined
        } catch {
          data = undefined
        }
      }
      if (data === undefined) throw openDataError('IllegalBuffer')
      if (this.#maxAge !== undefined) {
        // watermark.timestamp is the only freshness signal: missing, not a finite number, older
        // than maxAgeSeconds or more than 60 s in the future is -41005 (the core's DecryptOptions).
        const ts = data.watermark.timestamp
        const age = Math.floor(Date.now() / 1000) - ts
        if (typeof ts !== 'number' || !Number.isFinite(ts) || age > this.#maxAge || -age > policy.maxFutureSkewSeconds) {
          throw openDataError('Expired')
        }
      }
      // A payload with a top-level openId (user info) must name the session's; phone numbers and
      // share info carry none and pass.
      if (this.#openId !== undefined && Object.hasOwn(data, 'openId') && data.openId !== this.#openId) {
        throw openDataError('OpenIdMismatch')
      }
      return data
    }

    /**
     * Why does this data fail to decrypt? For server logs only. Never throws; never includes the
     * session key.
     */
    diagnose(encryptedData, iv) {
      if (typeof encryptedData !== 'string' || typeof iv !== 'string') {
        const which = typeof encryptedData !== 'string' ? 'encryptedData' : 'iv'
        return { cause: 'malformed_input', hint: `${which} is not a string (received ${describe(which === 'iv' ? iv : encryptedData)})`, errcode: 0 }
      }
      const now = Math.floor(Date.now() / 1000)
      return JSON.parse(binding.diagnose(this.appId, this.#sessionKey, encryptedData, iv, this.#maxAge, this.#openId, now))
    }

    decryptRaw(encryptedData, iv) {
      const ed = str('encryptedData', encryptedData)
      const ivs = str('iv', iv)
      return call(() => decryptText(this.#sessionKey, ed, ivs))
    }

    verifySignature(rawData, signature) {
      return binding.verifyRawDataSignature(str('rawData', rawData), this.#sessionKey, str('signature', signature))
    }
  }

  /**
   * Message-push crypto in safe mode (WeChat's WXBizMsgCrypt), for JSON and XML bodies.
   */
  class WXBizMsgCrypt {
    // The core's MsgCrypt: the key decoded and the AES schedule built once, here.
    #crypt

    constructor(token, encodingAESKey, appId) {
      secret('token', token)
      secret('encodingAESKey', encodingAESKey)
      this.appId = str('appId', appId)
      this.#crypt = call(() => new binding.MsgCrypt(token, encodingAESKey, this.appId))
    }

    decryptMsg(msgSignature, timestamp, nonce, body) {
      return this.decryptBody(msgSignature, timestamp, nonce, body).message
    }

    /**
     * As decryptMsg, also saying which envelope the body came in ('json', 'xml', or
     * 'wecom-json' for WeCom's lower-case `encrypt`): the format to reply in.
     */
    decryptBody(msgSignature, timestamp, nonce, body) {
      const args = [str('msgSignature', msgSignature), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce)]
      let out
      if (typeof body === 'string') out = call(() => this.#crypt.decrypt(...args, body))
      else if (body instanceof Uint8Array) out = call(() => this.#crypt.decrypt(...args, utf8.decode(body)))
      else if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        // A body a framework already parsed (JSON, or XML parsed into an object): its string
        // `Encrypt` and `encrypt` members go to the core, which applies the raw body's rule
        // (neither, or two that differ: -40002).
        const field = (v) => {
          const one = Array.isArray(v) ? v[0] : v
          return typeof one === 'string' ? one : undefined
        }
        out = call(() => this.#crypt.decryptFields(...args, field(body.Encrypt), field(body.encrypt)))
      } else throw invalidType('body', 'a string, a Buffer or an object', body)
      return { message: out[0], format: out[1] }
    }

    encryptMsg(replyMsg, timestamp, nonce, format = 'json', options = undefined) {
      const reply = typeof replyMsg === 'object' && replyMsg !== null ? JSON.stringify(replyMsg) : str('replyMsg', replyMsg)
      const ts = timestamp === undefined ? nowSeconds() : strOrNum('timestamp', timestamp)
      const n = nonce === undefined ? randomNonce() : strOrNum('nonce', nonce)
      if (format !== 'json' && format !== 'xml' && format !== 'wecom-json') {
        throw invalidValue(`The "format" argument must be 'json', 'xml' or 'wecom-json'. Received ${describe(format)}`)
      }
      const random = options && options.random !== undefined ? str('options.random', options.random) : undefined
      if (random !== undefined && !/^[\x20-\x7e]{16}$/.test(random)) throw invalidValue('The "options.random" argument must be 16 printable ASCII characters')
      return call(() => this.#crypt.encrypt(reply, ts, n, format, random))
    }

    /** GET URL verification of mini programs and official accounts: `echostr` as it came. */
    verifyUrl(signature, timestamp, nonce, echostr) {
      const args = [str('signature', signature), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce), strOrNum('echostr', echostr)]
      return call(() => this.#crypt.verifyUrl(...args))
    }

    /** GET URL verification of WeCom: `echostr` is encrypted and signed with `msg_signature`. */
    verifyUrlEncrypted(msgSignature, timestamp, nonce, echostr) {
      const args = [str('msgSignature', msgSignature), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce), str('echostr', echostr)]
      return call(() => this.#crypt.verifyUrlEncrypted(...args))
    }
  }

  const { ApiSecurity, ApiSecurityPlatform } = createApiSecurity(binding, call, host.rsaSigner)

  const api = {
    WXBizDataCrypt,
    WXBizMsgCrypt,
    ApiSecurity,
    ApiSecurityPlatform,
    WXCryptError,
    ErrorCode,
    backend,
    rawDataSignature: (rawData, sessionKey) => binding.rawDataSignature(str('rawData', rawData), secret('sessionKey', sessionKey)),
    verifyRawDataSignature: (rawData, sessionKey, signature) =>
      binding.verifyRawDataSignature(str('rawData', rawData), secret('sessionKey', sessionKey), str('signature', signature)),
    urlSignature: (token, timestamp, nonce) =>
      binding.urlSignature(secret('token', token), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce)),
    verifyUrlSignature: (token, timestamp, nonce, signature) =>
      binding.verifyUrlSignature(secret('token', token), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce), str('signature', signature)),
    msgSignature: (token, timestamp, nonce, encrypt) =>
      binding.msgSignature(secret('token', token), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce), str('encrypt', encrypt)),
    verifyMsgSignature: (token, timestamp, nonce, encrypt, signature) =>
      binding.verifyMsgSignature(
        secret('token', token),
        strOrNum('timestamp', timestamp),
        strOrNum('nonce', nonce),
        str('encrypt', encrypt),
        str('signature', signature),
      ),
    sessionKeySignature: (sessionKey) => binding.sessionKeySignature(secret('sessionKey', sessionKey)),
  }
  return api
}

module.exports = { createApi, WXCryptError, ErrorCode }
