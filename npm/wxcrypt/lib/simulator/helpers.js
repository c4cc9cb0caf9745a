'use strict'
// Small helpers of the simulator (./simulator.js).
const crypto = require('node:crypto')

function sha1(text) {
  return crypto.createHash('sha1').update(text, 'utf8').digest('hex')
}

function safeEqual(a, b) {
  const x = Buffer.from(String(a).toLowerCase())
  const y = Buffer.from(String(b).toLowerCase())
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}

/** Parses "13800138000" (China, +86) or "+1 2025550123" into WeChat's three fields. */
function phoneInfo(phoneNumber) {
  const m = /^\+(\d{1,4})[\s-]?([\d\s-]+)$/.exec(phoneNumber)
  if (m) {
    const pure = m[2].replace(/\D/g, '')
    return { phoneNumber: `+${m[1]} ${pure}`, purePhoneNumber: pure, countryCode: Number(m[1]) }
  }
  const pure = phoneNumber.replace(/\D/g, '')
  if (!pure || pure !== phoneNumber.replace(/[\s-]/g, '')) throw new TypeError(`not a phone number: ${JSON.stringify(phoneNumber)}`)
  return { phoneNumber: pure, purePhoneNumber: pure, countryCode: 86 }
}

module.exports = { sha1, safeEqual, phoneInfo }
