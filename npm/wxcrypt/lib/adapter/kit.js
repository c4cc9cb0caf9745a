'use strict'
// The login kit on Node, for the framework adapters (wxcrypt/nest, wxcrypt/fastify):
// lib/adapter/kit-core.js over this process's crypto API (lib/crypto/node.js) and WeChatClient
// (lib/client/node.js), its push handler reading the Node request stream (lib/push/push.js).
// The steps, answers and log entries are the core's, the ones wxcrypt/hono uses too.
const api = require('../crypto/node.js')
const { WeChatClient } = require('../client/node.js')
const { readingStream } = require('../push/push.js')
const { createKitWith, WxRequestError } = require('./kit-core.js')

/**
 * @param {object} options `{ appId, secret, baseUrl?, client?, store?, sessions?, sessionTtlMs?,
 *   push?: { token, encodingAESKey?, appId?, maxBodyBytes? }, logger? }`
 * @param {{ info: Function, warn: Function }} fallbackLogger the framework's logger
 */
function createKit(options, fallbackLogger) {
  const kit = createKitWith(api, WeChatClient, options, fallbackLogger)
  // The push handler (lib/push/push.js's shape): `handle({ method, query, body, stream })`.
  if (kit.push) kit.push = readingStream(kit.push)
  return kit
}

/** The request's body for the push handler: a parsed body, a raw one, or undefined (read the stream). */
function pushBody(body, rawBody) {
  if (Buffer.isBuffer(rawBody) || typeof rawBody === 'string') return rawBody
  // A body parser may have run (an empty object means it found nothing to parse).
  if (body === undefined || body === null) return undefined
  if (typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body).length === 0) return undefined
  return body
}

module.exports = { createKit, pushBody, WxRequestError }
