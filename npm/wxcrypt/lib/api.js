'use strict'
// The public API over a backend (the native addon or the wasm module). Both backends expose the
// same narrow boundary: strings in, a string or a boolean out, failures thrown as an Error whose
// message is the official numeric code. This file only checks argument types, shapes errors and
// lets the host's JSON.parse build the result object: all crypto and checks live in Rust.

/** Official error codes of WXBizDataCrypt, by their names in WeChat's samples. */
const ErrorCode = Object.freeze({
  IllegalAesKey: -41001,
  IllegalIv: -41002,
  IllegalBuffer: -41003,
  DecodeBase64Error: -41004,
})

const NAMES = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]))

/**
 * The one error decryption throws. `message` is always 'Illegal Buffer' (what code written for
 * the official sample checks); `errcode` and `code` are its only enumerable properties, so a
 * handler that serialises the error reveals nothing beyond them.
 */
class WXCryptError extends Error {
  constructor(errcode) {
    super('Illegal Buffer')
    this.errcode = errcode
    this.code = NAMES.get(errcode)
  }
}
Object.defineProperty(WXCryptError.prototype, 'name', { value: 'WXCryptError', writable: true, configurable: true })

function describe(value) {
  if (value === null) return 'null'
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`
  if (typeof value === 'object') {
    const ctor = value.constructor && value.constructor.name
    return ctor ? `an instance of ${ctor}` : 'an object'
  }
  if (typeof value === 'symbol' || typeof value === 'bigint') return `type ${typeof value}`
  let shown = String(value)
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`
  return `type ${typeof value} (${typeof value === 'string' ? JSON.stringify(shown) : shown})`
}

function invalidType(name, expected, value) {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(value)}`)
  err.code = 'ERR_INVALID_ARG_TYPE'
  return err
}

function str(name, value) {
  if (typeof value !== 'string') throw invalidType(name, 'of type string', value)
  return value
}

// Secrets are named but never shown: a wrong type for a key reports only its type.
function secret(name, value) {
  if (typeof value !== 'string') {
    const err = new TypeError(`The "${name}" argument must be of type string. Received type ${value === null ? 'null' : typeof value}`)
    err.code = 'ERR_INVALID_ARG_TYPE'
    throw err
  }
  return value
}

// Timestamps and nonces arrive as strings from a query string, or as numbers from JSON.
function strOrNum(name, value) {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  throw invalidType(name, 'a string or a finite number', value)
}

function shape(err) {
  const code = Number(err && err.message)
  return NAMES.has(code) ? new WXCryptError(code) : err
}

function createApi(binding, backend) {
  /**
   * Drop-in replacement for WeChat's WXBizDataCrypt.js.
   */
  class WXBizDataCrypt {
    #sessionKey

    constructor(appId, sessionKey) {
      this.appId = str('appId', appId)
      this.#sessionKey = secret('sessionKey', sessionKey)
    }

    decryptData(encryptedData, iv) {
      let text
      try {
        text = binding.decryptData(this.appId, this.#sessionKey, str('encryptedData', encryptedData), str('iv', iv))
      } catch (err) {
        throw shape(err)
      }
      return JSON.parse(text)
    }

    decryptRaw(encryptedData, iv) {
      try {
        return binding.decryptRaw(this.appId, this.#sessionKey, str('encryptedData', encryptedData), str('iv', iv))
      } catch (err) {
        throw shape(err)
      }
    }

    verifySignature(rawData, signature) {
      return binding.verifyRawDataSignature(str('rawData', rawData), this.#sessionKey, str('signature', signature))
    }
  }

  const api = {
    WXBizDataCrypt,
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

module.exports = { createApi }
