'use strict'
// An independent JavaScript implementation of the contract (spec §2), used as the reference:
// the official WXBizDataCrypt.js algorithm on node:crypto, plus the documented input policy and
// error codes (where the official sample silently drops characters or escapes as a TypeError).
const crypto = require('node:crypto')

function err(errcode) {
  return { errcode }
}

/** The spec's base64 input policy, written with regular expressions (the Rust one is a table). */
function policyBase64(s) {
  s = s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '')
  if (!/[\r\n]/.test(s)) s = s.replace(/ /g, '+')
  s = s.replace(/[\t\n\f\r ]/g, '')
  const m = /^([A-Za-z0-9+/_-]*)(={0,2})$/.exec(s)
  if (!m) return null
  const body = m[1]
  if (body.length % 4 === 1) return null
  if (m[2] && body.length % 4 === 0) return null
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
}

/** The official sample's decryptData, verbatim in substance (Buffer.from for new Buffer). */
function officialDecrypt(appId, key, iv, ct) {
  let decoded
  try {
    const decipher = crypto.createDecipheriv('aes-128-cbc', key, iv)
    decipher.setAutoPadding(true)
    decoded = decipher.update(ct, 'binary', 'utf8')
    decoded += decipher.final('utf8')
    decoded = JSON.parse(decoded)
  } catch {
    throw new Error('Illegal Buffer')
  }
  if (decoded.watermark.appid !== appId) {
    throw new Error('Illegal Buffer')
  }
  return decoded
}

/** `{ value }` or `{ errcode }`, by the contract. */
function referenceDecrypt(appId, sessionKey, encryptedData, iv) {
  const key = policyBase64(sessionKey)
  if (!key) return err(-41004)
  if (key.length !== 16) return err(-41001)
  const ivb = policyBase64(iv)
  if (!ivb) return err(-41004)
  if (ivb.length !== 16) return err(-41002)
  const ct = policyBase64(encryptedData)
  if (!ct) return err(-41004)
  try {
    return { value: officialDecrypt(appId, key, ivb, ct) }
  } catch {
    // 'Illegal Buffer', or the official sample's TypeError on a payload without watermark.
    return err(-41003)
  }
}

/** The same outcome shape from wxcrypt. */
function outcome(fn) {
  try {
    return { value: fn() }
  } catch (e) {
    if (e && typeof e.errcode === 'number') return err(e.errcode)
    throw e
  }
}

function encrypt(key, iv, plaintext) {
  const c = crypto.createCipheriv('aes-128-cbc', key, iv)
  return Buffer.concat([c.update(plaintext), c.final()])
}

module.exports = { referenceDecrypt, officialDecrypt, policyBase64, outcome, encrypt }
