'use strict'
// The WeChat Pay simulator's platform side, on node:crypto only (an independent implementation the
// library's own `wxcrypt/pay` is checked against): RSA keys, a self-signed X.509 platform
// certificate (written in DER by hand: node:crypto reads certificates but does not make them),
// the signed strings, AEAD_AES_256_GCM resources and RSAES-OAEP fields. Node only.
const crypto = require('node:crypto')

// ---- DER, just what one certificate needs ----
function der(tag, content) {
  const n = content.length
  let len
  if (n < 0x80) len = Buffer.from([n])
  else {
    const bytes = []
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
    len = Buffer.from([0x80 | bytes.length, ...bytes])
  }
  return Buffer.concat([Buffer.from([tag]), len, content])
}
const seq = (...parts) => der(0x30, Buffer.concat(parts))
const set = (...parts) => der(0x31, Buffer.concat(parts))
function oid(text) {
  const [a, b, ...rest] = text.split('.').map(Number)
  const out = [40 * a + b]
  for (const v of rest) {
    const bytes = [v & 0x7f]
    for (let x = v >> 7; x > 0; x >>= 7) bytes.unshift(0x80 | (x & 0x7f))
    out.push(...bytes)
  }
  return der(0x06, Buffer.from(out))
}
function utcTime(date) {
  const iso = date.toISOString() // 2026-12-01T04:58:33.000Z -> 261201045833Z
  return der(0x17, Buffer.from(iso.slice(2, 19).replace(/[-T:]/g, '') + 'Z', 'ascii'))
}
function name(cn) {
  const attr = (id, tag, value) => set(seq(oid(id), der(tag, Buffer.from(value, 'utf8'))))
  return seq(attr('2.5.4.6', 0x13, 'CN'), attr('2.5.4.10', 0x0c, 'Tenpay.com'), attr('2.5.4.11', 0x0c, 'Tenpay.com CA Center'), attr('2.5.4.3', 0x0c, cn))
}
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]))

/**
 * A self-signed RSA certificate for `publicKey`, signed by `privateKey`, with a random 20-byte
 * serial; returns `{ serial, certificate }` (the serial in upper-case hex as WeChat writes it).
 */
function selfSignedCertificate({ privateKey, publicKey, commonName, days = 5 * 365, now = Date.now() }) {
  const serialBytes = crypto.randomBytes(20)
  serialBytes[0] = (serialBytes[0] & 0x7f) | 0x10 // positive, 20 bytes, no leading zero
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serialBytes),
    SHA256_RSA,
    name(commonName),
    seq(utcTime(new Date(now - 86400_000)), utcTime(new Date(now + days * 86400_000))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  )
  const signature = crypto.sign('sha256', tbs, privateKey)
  const body = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const b64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return { serial: serialBytes.toString('hex').toUpperCase(), certificate: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n` }
}

function rsaKeyPair() {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
}

/** `n` random decimal digits. */
function digits(n) {
  let s = ''
  while (s.length < n) s += String(crypto.randomInt(1e9)).padStart(9, '0')
  return s.slice(0, n)
}

/** A `PUB_KEY_ID_` + 32 digits, as WeChat Pay names its public keys. */
function publicKeyId() {
  return 'PUB_KEY_ID_' + digits(32)
}

/** A public key from PEM (SPKI, a certificate, or a private key) or a KeyObject. */
function loadPublicKey(key) {
  if (key instanceof crypto.KeyObject && key.type === 'public') return key
  return crypto.createPublicKey(key)
}

function pem(key, type) {
  return key.export({ type, format: 'pem' })
}

// ---- the signed strings ----
function signRsa(privateKey, text) {
  return crypto.sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('base64')
}
function verifyRsa(publicKey, text, signature) {
  try {
    return crypto.verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048'

/** `WECHATPAY2-SHA256-RSA2048 k="v",...` -> `{ k: v }`, or null. */
function parseAuthorization(header) {
  if (typeof header !== 'string' || !header.startsWith(AUTH_SCHEMA + ' ')) return null
  const fields = {}
  const re = /\s*([a-z_]+)="([^"]*)"\s*(,|$)/gy
  const rest = header.slice(AUTH_SCHEMA.length + 1)
  let m
  while (re.lastIndex < rest.length && (m = re.exec(rest))) fields[m[1]] = m[2]
  if (re.lastIndex !== rest.length && rest.length > 0) return null
  return fields
}

/** The request's signed string: `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n`. */
function requestMessage(method, pathWithQuery, timestamp, nonce, body) {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** Response and callback signed string: `timestamp\nnonce\nbody\n`. */
function responseMessage(timestamp, nonce, body) {
  return `${timestamp}\n${nonce}\n${body}\n`
}

/** AEAD_AES_256_GCM under the APIv3 key: `{ algorithm, ciphertext (tag appended), associated_data, nonce }`. */
function encryptResource(apiV3Key, plaintext, associatedData, extra = {}) {
  const nonce = crypto.randomBytes(9).toString('base64url').slice(0, 12) // 12 printable bytes, as WeChat sends
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { ...extra, algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: associatedData, nonce }
}

/** RSAES-OAEP (SHA-1, MGF1-SHA-1) decryption of a sensitive field. */
function decryptOaep(privateKey, ciphertext) {
  return crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertext, 'base64')).toString('utf8')
}

/** WeChat's time format: RFC 3339 in Beijing time, `2026-12-01T12:58:33+08:00`. */
function beijingTime(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00'
}

module.exports = {
  selfSignedCertificate,
  rsaKeyPair,
  publicKeyId,
  digits,
  loadPublicKey,
  pem,
  signRsa,
  verifyRsa,
  AUTH_SCHEMA,
  parseAuthorization,
  requestMessage,
  responseMessage,
  encryptResource,
  decryptOaep,
  beijingTime,
}
