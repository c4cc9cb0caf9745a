'use strict'
// Framework-agnostic core of the message-push middlewares (wxcrypt/koa, wxcrypt/express) and of the
// push routes of wxcrypt/nest (@WxPush) and wxcrypt/fastify (wxPush): URL
// verification, safe-mode decryption, plain-mode pass-through, and reply encryption, for every
// Tencent sender (mini programs, official accounts, the open platform, WeCom).
//
// Which check a request gets is read from its query string:
//
//   GET  msg_signature                     WeCom: echostr is encrypted; answer its plaintext
//   GET  signature (no msg_signature)      mini program / official account: echo echostr
//   POST encrypt_type=aes                  safe mode: signature, then msg_signature over Encrypt
//   POST encrypt_type=raw, or absent with
//        signature                         plain mode: signature; the body passes through
//   POST msg_signature only (no signature,
//        no encrypt_type)                  WeCom: msg_signature over encrypt / Encrypt
//
// Safe-mode and WeCom replies are encrypted in the request's envelope (json, xml, wecom-json).
const { WXBizMsgCrypt, WXCryptError, verifyUrlSignature } = require('../crypto/node.js')
const { readBody } = require('../read-body.js')

const MAX_BODY = 1024 * 1024

function first(v) {
  return Array.isArray(v) ? v[0] : v
}

function parseMessage(text) {
  const t = text.trimStart()
  if (t.startsWith('{')) {
    try {
      return { format: 'json', message: JSON.parse(text) }
    } catch {
      return { format: 'json', message: text }
    }
  }
  return { format: t.startsWith('<') ? 'xml' : 'text', message: text }
}

/** A failed crypto check as an answer: a signature is 401, anything else about the input 400. */
function refused(err, text) {
  if (err instanceof WXCryptError) return { status: err.errcode === -40001 ? 401 : 400, text, error: err }
  throw err
}

const CONTENT_TYPE = { json: 'application/json', 'wecom-json': 'application/json', xml: 'application/xml' }

/**
 * @param {{ token: string, encodingAESKey?: string, appId?: string, maxBodyBytes?: number }} options
 */
function createPushHandler(options) {
  if (!options || typeof options !== 'object') throw new TypeError('options must be an object')
  const { token, encodingAESKey, appId, maxBodyBytes = MAX_BODY } = options
  if (typeof token !== 'string' || token === '') throw new TypeError('options.token must be a non-empty string')
  // The receiver id (app id, component app id, corp id, suite id, or '' for a WeCom robot),
  // checked exactly by the core inside every encrypted message.
  const crypt = encodingAESKey === undefined ? null : new WXBizMsgCrypt(token, encodingAESKey, String(appId))
  const noKey = { status: 500, text: 'encodingAESKey not configured' }

  /** GET URL verification: WeCom's encrypted echostr when msg_signature is there, else the plain check. */
  function verifyUrl(query, timestamp, nonce) {
    const echostr = first(query.echostr)
    const msgSignature = first(query.msg_signature)
    if (typeof msgSignature === 'string') {
      if (!crypt) return noKey
      if (typeof echostr !== 'string' || echostr === '') return { status: 400, text: 'missing echostr' }
      try {
        return { status: 200, text: crypt.verifyUrlEncrypted(msgSignature, timestamp, nonce, echostr) }
      } catch (err) {
        return refused(err, err?.errcode === -40001 ? 'invalid signature' : 'invalid echostr')
      }
    }
    const signature = first(query.signature)
    if (typeof signature !== 'string') return { status: 401, text: 'missing signature' }
    if (!verifyUrlSignature(token, timestamp, nonce, signature)) return { status: 401, text: 'invalid signature' }
    return { status: 200, text: typeof echostr === 'string' ? echostr : '' }
  }

  /**
   * Handles one request. `req` gives `method`, `query` (parsed), `body` (already parsed, or
   * undefined) and `stream` (to read when body is undefined). Returns one of
   * `{ status, text }` (answer now) or `{ next: true, wechat }` (go on to the handler).
   */
  async function handle({ method, query, body, stream }) {
    const timestamp = first(query.timestamp)
    const nonce = first(query.nonce)
    if (typeof timestamp !== 'string' || typeof nonce !== 'string') return { status: 401, text: 'missing signature' }
    if (method === 'GET') return verifyUrl(query, timestamp, nonce)

    const signature = first(query.signature)
    const msgSignature = first(query.msg_signature)
    const encryptType = first(query.encrypt_type)
    // WeCom signs its POSTs with msg_signature alone; every other sender adds the URL signature.
    const wecom = encryptType === undefined && typeof signature !== 'string' && typeof msgSignature === 'string'
    if (!wecom) {
      if (typeof signature !== 'string') return { status: 401, text: 'missing signature' }
      if (!verifyUrlSignature(token, timestamp, nonce, signature)) return { status: 401, text: 'invalid signature' }
    }
    if (method !== 'POST') return { status: 405, text: 'method not allowed' }

    const encrypted = wecom || encryptType === 'aes'
    if (encryptType !== undefined && encryptType !== 'raw' && encryptType !== 'aes') {
      return { status: 400, text: 'unknown encrypt_type' }
    }
    if (encrypted && !crypt) return noKey
    if (encrypted && typeof msgSignature !== 'string') return { status: 401, text: 'missing msg_signature' }

    let raw = body
    if (raw === undefined) raw = await readBody(stream, maxBodyBytes)
    let text
    let envelope
    if (encrypted) {
      try {
        ;({ message: text, format: envelope } = crypt.decryptBody(msgSignature, timestamp, nonce, raw))
      } catch (err) {
        return refused(err, 'invalid message')
      }
    } else {
      text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : JSON.stringify(raw)
    }
    const parsed = parseMessage(text)
    if (encrypted && envelope === 'json' && typeof raw === 'object' && !(raw instanceof Uint8Array)) {
      // A body a framework parsed: `{ Encrypt }` may have been JSON or XML. As before, the
      // message's own format decides (WeCom's lower-case `{ encrypt }` stays 'wecom-json').
      envelope = parsed.format === 'xml' ? 'xml' : 'json'
    }
    const wechat = { encrypted, format: parsed.format, message: parsed.message, text, openid: first(query.openid) }
    if (encrypted) wechat.envelope = envelope
    /** The reply body: encrypted in safe mode (in the request's envelope), as is in plain mode. */
    wechat.reply = (msg) => {
      if (msg === undefined || msg === '' || msg === 'success') return { type: 'text/plain', body: msg || 'success' }
      if (!encrypted) {
        return typeof msg === 'string' ? { type: 'text/plain', body: msg } : { type: 'application/json', body: JSON.stringify(msg) }
      }
      return { type: CONTENT_TYPE[envelope], body: crypt.encryptMsg(msg, timestamp, nonce, envelope) }
    }
    return { next: true, wechat }
  }

  return handle
}

module.exports = { createPushHandler }
