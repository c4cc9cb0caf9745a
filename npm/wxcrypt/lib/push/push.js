'use strict'
// Framework-agnostic core of the message-push middlewares (wxcrypt/koa, wxcrypt/express):
// URL signature check, safe-mode decryption, plain-mode pass-through, and reply encryption.
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

/**
 * @param {{ token: string, encodingAESKey?: string, appId?: string, maxBodyBytes?: number }} options
 */
function createPushHandler(options) {
  if (!options || typeof options !== 'object') throw new TypeError('options must be an object')
  const { token, encodingAESKey, appId, maxBodyBytes = MAX_BODY } = options
  if (typeof token !== 'string' || token === '') throw new TypeError('options.token must be a non-empty string')
  const crypt = encodingAESKey === undefined ? null : new WXBizMsgCrypt(token, encodingAESKey, String(appId))

  /**
   * Handles one request. `req` gives `method`, `query` (parsed), `body` (already parsed, or
   * undefined) and `stream` (to read when body is undefined). Returns one of
   * `{ status, text }` (answer now) or `{ next: true, wechat }` (go on to the handler).
   */
  async function handle({ method, query, body, stream }) {
    const timestamp = first(query.timestamp)
    const nonce = first(query.nonce)
    const signature = first(query.signature)
    if (typeof timestamp !== 'string' || typeof nonce !== 'string' || typeof signature !== 'string') {
      return { status: 401, text: 'missing signature' }
    }
    if (!verifyUrlSignature(token, timestamp, nonce, signature)) {
      return { status: 401, text: 'invalid signature' }
    }
    if (method === 'GET') {
      const echostr = first(query.echostr)
      return { status: 200, text: typeof echostr === 'string' ? echostr : '' }
    }
    if (method !== 'POST') return { status: 405, text: 'method not allowed' }

    let raw = body
    if (raw === undefined) raw = await readBody(stream, maxBodyBytes)
    const encryptType = first(query.encrypt_type)
    const encrypted = encryptType === 'aes'
    if (encryptType !== undefined && encryptType !== 'raw' && !encrypted) {
      return { status: 400, text: 'unknown encrypt_type' }
    }
    let text
    if (encrypted) {
      if (!crypt) return { status: 500, text: 'encodingAESKey not configured' }
      const msgSignature = first(query.msg_signature)
      if (typeof msgSignature !== 'string') return { status: 401, text: 'missing msg_signature' }
      try {
        text = crypt.decryptMsg(msgSignature, timestamp, nonce, raw)
      } catch (err) {
        if (err instanceof WXCryptError) {
          return { status: err.errcode === -40001 ? 401 : 400, text: 'invalid message', error: err }
        }
        throw err
      }
    } else {
      text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : JSON.stringify(raw)
    }
    const parsed = parseMessage(text)
    const wechat = { encrypted, format: parsed.format, message: parsed.message, text, openid: first(query.openid) }
    /** The reply body: encrypted in safe mode (in the request's format), as is in plain mode. */
    wechat.reply = (msg) => {
      if (msg === undefined || msg === '' || msg === 'success') return { type: 'text/plain', body: msg || 'success' }
      if (!encrypted) {
        return typeof msg === 'string' ? { type: 'text/plain', body: msg } : { type: 'application/json', body: JSON.stringify(msg) }
      }
      const format = parsed.format === 'xml' ? 'xml' : 'json'
      return { type: format === 'xml' ? 'application/xml' : 'application/json', body: crypt.encryptMsg(msg, timestamp, nonce, format) }
    }
    return { next: true, wechat }
  }

  return handle
}

module.exports = { createPushHandler }
