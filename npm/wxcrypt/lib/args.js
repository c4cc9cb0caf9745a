'use strict'
// The package's argument checks, in one place: the crypto API (lib/crypto/api.js), the WeChat
// client (lib/client/), the session store and the Redis store (lib/store/) all throw from here.
// Node's wording and codes (ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE).
// Secrets are named but never shown: a wrong type for a key reports only its type. Pure: runs
// on every runtime (the edge entries get an ESM twin, lib/args.mjs, from scripts/build-js.mjs).

/** How a received value is shown in a message: its type, and a short excerpt of a primitive. */
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

/** Only the type of a secret (or of a value whose text is not worth showing). */
function typeOnly(value) {
  return value === null ? 'null' : typeof value
}

/** A TypeError with Node's `code`. */
function withCode(err, code) {
  err.code = code
  return err
}

/** `The "name" argument must be <expected>. Received <what>` (ERR_INVALID_ARG_TYPE). */
function invalidType(name, expected, value) {
  return withCode(new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(value)}`), 'ERR_INVALID_ARG_TYPE')
}

/** A TypeError ERR_INVALID_ARG_VALUE with `message`. */
function invalidValue(message) {
  return withCode(new TypeError(message), 'ERR_INVALID_ARG_VALUE')
}

/** A RangeError ERR_OUT_OF_RANGE: `The value of "name" is out of range. It must be <range>. Received <value>`. */
function outOfRange(name, range, value) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${value}`), 'ERR_OUT_OF_RANGE')
}

function str(name, value) {
  if (typeof value !== 'string') throw invalidType(name, 'of type string', value)
  return value
}

/** A string that is a secret (key, token): a wrong type shows only its type. */
function secret(name, value) {
  if (typeof value !== 'string') {
    throw withCode(new TypeError(`The "${name}" argument must be of type string. Received type ${typeOnly(value)}`), 'ERR_INVALID_ARG_TYPE')
  }
  return value
}

/** Timestamps and nonces arrive as strings from a query string, or as numbers from JSON. */
function strOrNum(name, value) {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  throw invalidType(name, 'a string or a finite number', value)
}

/** A non-empty string (an id, a code): a wrong value shows only its type. */
function nonEmptyString(name, value) {
  if (typeof value !== 'string' || value === '') {
    throw withCode(new TypeError(`The "${name}" argument must be a non-empty string. Received ${typeOnly(value)}`), 'ERR_INVALID_ARG_TYPE')
  }
  return value
}

/** A non-empty secret string (a session_key): the message names the argument, nothing else. */
function nonEmptySecret(name, value) {
  if (typeof value !== 'string' || value === '') throw new TypeError(`The "${name}" argument must be a non-empty string`)
  return value
}

/** An option that is a positive, finite number of milliseconds; `who` names the function. */
function positiveMs(who, name, value) {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`${who}: ${name} must be a positive number of milliseconds`)
  }
  return value
}

module.exports = { describe, invalidType, invalidValue, outOfRange, str, secret, strOrNum, nonEmptyString, nonEmptySecret, positiveMs }
