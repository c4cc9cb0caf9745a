'use strict'
// The public API over a backend (the native addon or the wasm module). Both backends expose the
// same narrow boundary: strings in, a string or a boolean out, failures thrown as an Error whose
// message is the official numeric code. This file only checks argument types, shapes errors and
// lets the host's JSON.parse build the result object: all crypto and checks live in Rust.
const { describe, invalidType, invalidValue, outOfRange, str, secret, strOrNum } = require('../args.js')

/**
 * Official error codes, by their names in WeChat's samples: WXBizDataCrypt's -4100x, and
 * WXBizMsgCrypt's -400xx (with their `WXBizMsgCrypt_` prefix, which keeps every name unique).
 */
const ErrorCode = Object.freeze({
  IllegalAesKey: -41001,
  IllegalIv: -41002,
  IllegalBuffer: -41003,
  DecodeBase64Error: -41004,
  Expired: -41005,
  OpenIdMismatch: -41006,
  WXBizMsgCrypt_ValidateSignature_Error: -40001,
  WXBizMsgCrypt_ParseXml_Error: -40002,
  WXBizMsgCrypt_ComputeSignature_Error: -40003,
  WXBizMsgCrypt_IllegalAesKey: -40004,
  WXBizMsgCrypt_ValidateAppid_Error: -40005,
  WXBizMsgCrypt_EncryptAES_Error: -40006,
  WXBizMsgCrypt_DecryptAES_Error: -40007,
  WXBizMsgCrypt_IllegalBuffer: -40008,
  WXBizMsgCrypt_EncodeBase64_Error: -40009,
  WXBizMsgCrypt_DecodeBase64_Error: -40010,
  WXBizMsgCrypt_GenReturnXml_Error: -40011,
})

const NAMES = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]))

/**
 * The one error decryption throws. For open data `message` is always 'Illegal Buffer' (what code
 * written for the official sample checks, and no oracle); message-push failures say what failed
 * (their signature is checked before anything else). The text is the core crate's
 * `Error::description`, carried across the boundary. `errcode` and `code` are its only enumerable
 * properties, so a handler that serialises the error reveals nothing beyond them.
 */
class WXCryptError extends Error {
  constructor(errcode, message) {
    super(message)
    this.errcode = errcode
    this.code = NAMES.get(errcode)
  }
}
Object.defineProperty(WXCryptError.prototype, 'name', { value: 'WXCryptError', writable: true, configurable: true })

// A backend failure's message is "<official code> <description>" (see the binding crates).
function shape(err) {
  const m = /^(-\d+) (.+)$/s.exec(err && err.message)
  return m && NAMES.has(Number(m[1])) ? new WXCryptError(Number(m[1]), m[2]) : err
}

// What the core says for every open-data failure (wxcrypt::Error::description: the official
// sample's message; js-tests/vectors.test.js checks that the backends' own -41003 says the same).
const OPEN_DATA_MESSAGE = 'Illegal Buffer'
// wxcrypt::DecryptOptions::MAX_FUTURE_SKEW_SECONDS: clock skew allowed between WeChat and us.
const MAX_FUTURE_SKEW_SECONDS = 60

/** An open-data failure the JS layer finds on the parsed payload (JSON, watermark, options). */
function openDataError(errcode) {
  return new WXCryptError(errcode, OPEN_DATA_MESSAGE)
}

/** Calls into the backend, turning its coded failures into WXCryptError. */
function call(fn) {
  try {
    return fn()
  } catch (err) {
    throw shape(err)
  }
}

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
 * `decryptText` of the wasm backend: the three strings are encoded straight into the module's
 * memory with `TextEncoder.encodeInto` (about 20x faster on a 500-character string than
 * wasm-bindgen's copy, which walks the string one character at a time in JS), then decrypted
 * there. UTF-8 is lossless: a character outside ASCII arrives as bytes no base64 alphabet holds.
 */
function wasmDecryptText(binding) {
  const encoder = new TextEncoder()
  // Looked up on first use: the ESM entries instantiate the module after this file has run.
  let memory
  let bytes
  return (sessionKey, encryptedData, iv) => {
    // 3 bytes of UTF-8 per UTF-16 unit at most.
    const room = 3 * (sessionKey.length + encryptedData.length + iv.length)
    const at = binding.inputBuffer(room)
    memory ??= binding.wasmMemory()
    // A memory that grew has a new buffer; views of the old one are empty.
    if (bytes === undefined || bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer)
    const k = encoder.encodeInto(sessionKey, bytes.subarray(at, at + room)).written
    const d = encoder.encodeInto(encryptedData, bytes.subarray(at + k, at + room)).written
    const i = encoder.encodeInto(iv, bytes.subarray(at + k + d, at + room)).written
    return binding.decryptTextIn(k, d, i)
  }
}

function createApi(binding, backend) {
  const decryptText = binding.decryptText || wasmDecryptText(binding)

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
          if (!(maxAgeSeconds >= 0 && maxAgeSeconds <= 2 ** 32)) throw outOfRange('options.maxAgeSeconds', '>= 0 and <= 2^32', maxAgeSeconds)
          this.#maxAge = Math.floor(maxAgeSeconds) // whole seconds, as the core's DecryptOptions
        }
        if (expectOpenId !== undefined) this.#openId = str('options.expectOpenId', expectOpenId)
      }
    }

    decryptData(encryptedData, iv) {
      const ed = str('encryptedData', encryptedData)
      const ivs = str('iv', iv)
      // The backend decrypts and checks the padding; the host's JSON.parse is the one JSON
      // validator, and the watermark is checked on the object it built, as the official sample
      // does: whatever goes wrong (not JSON, not an object, no watermark, another appid) is the
      // one -41003 that a bad padding also gives.
      let text
      try {
        text = decryptText(this.#sessionKey, ed, ivs)
      } catch (err) {
        throw shape(err)
      }
      let data
      try {
        data = JSON.parse(text)
        if (data.watermark.appid !== this.appId) data = undefined
      } catch {
        data = undefined
      }
      if (data === undefined) throw openDataError(ErrorCode.IllegalBuffer)
      if (this.#maxAge !== undefined) {
        // watermark.timestamp is the only freshness signal: missing, not a finite number, older
        // than maxAgeSeconds or more than 60 s in the future is -41005 (the core's DecryptOptions).
        const ts = data.watermark.timestamp
        const age = Math.floor(Date.now() / 1000) - ts
        if (typeof ts !== 'number' || !Number.isFinite(ts) || age > this.#maxAge || -age > MAX_FUTURE_SKEW_SECONDS) {
          throw openDataError(ErrorCode.Expired)
        }
      }
      // A payload with a top-level openId (user info) must name the session's; phone numbers and
      // share info carry none and pass.
      if (this.#openId !== undefined && Object.hasOwn(data, 'openId') && data.openId !== this.#openId) {
        throw openDataError(ErrorCode.OpenIdMismatch)
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
    #token
    #key

    constructor(token, encodingAESKey, appId) {
      this.#token = secret('token', token)
      this.#key = secret('encodingAESKey', encodingAESKey)
      this.appId = str('appId', appId)
      call(() => binding.msgCheckKey(this.#token, this.#key, this.appId))
    }

    decryptMsg(msgSignature, timestamp, nonce, body) {
      const args = [this.#token, this.#key, this.appId, str('msgSignature', msgSignature), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce)]
      if (typeof body === 'string') return call(() => binding.msgDecrypt(...args, body))
      if (body instanceof Uint8Array) return call(() => binding.msgDecrypt(...args, utf8.decode(body)))
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        // A body a framework already parsed (JSON, or XML parsed into an object).
        const encrypt = Array.isArray(body.Encrypt) ? body.Encrypt[0] : body.Encrypt
        // Without a string Encrypt the core reports -40002, as it does for a raw body.
        return call(() => binding.msgDecryptEncrypt(...args, typeof encrypt === 'string' ? encrypt : undefined))
      }
      throw invalidType('body', 'a string, a Buffer or an object', body)
    }

    encryptMsg(replyMsg, timestamp, nonce, format = 'json', options = undefined) {
      const reply = typeof replyMsg === 'object' && replyMsg !== null ? JSON.stringify(replyMsg) : str('replyMsg', replyMsg)
      const ts = timestamp === undefined ? nowSeconds() : strOrNum('timestamp', timestamp)
      const n = nonce === undefined ? randomNonce() : strOrNum('nonce', nonce)
      if (format !== 'json' && format !== 'xml') throw invalidValue(`The "format" argument must be 'json' or 'xml'. Received ${describe(format)}`)
      const random = options && options.random !== undefined ? str('options.random', options.random) : undefined
      if (random !== undefined && !/^[\x20-\x7e]{16}$/.test(random)) throw invalidValue('The "options.random" argument must be 16 printable ASCII characters')
      return call(() => binding.msgEncrypt(this.#token, this.#key, this.appId, reply, ts, n, format, random))
    }

    verifyUrl(signature, timestamp, nonce, echostr) {
      return call(() =>
        binding.msgVerifyUrl(this.#token, this.#key, this.appId, str('signature', signature), strOrNum('timestamp', timestamp), strOrNum('nonce', nonce), strOrNum('echostr', echostr)),
      )
    }
  }

  const api = {
    WXBizDataCrypt,
    WXBizMsgCrypt,
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

module.exports = { createApi, WXCryptError }
