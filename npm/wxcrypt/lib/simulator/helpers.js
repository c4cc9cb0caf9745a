'use strict'
// Small helpers of the simulator (./simulator.js).
const crypto = require('node:crypto')
const http = require('node:http')

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

/**
 * An HTTP server on 127.0.0.1:`port` (0: any free port) running `handle(req, res)` (async); a
 * handler that throws answers 500. Resolves once it listens.
 */
async function listen(handle, port) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}

module.exports = { sha1, safeEqual, phoneInfo, listen }
