'use strict'
// The message-push handler on Node (wxcrypt/koa, wxcrypt/express): lib/push/core.js over this
// process's crypto API (lib/crypto/node.js), reading the body from the Node request stream.
const api = require('../crypto/node.js')
const { readBody } = require('../read-body.js')
const { createPushHandlerWith } = require('./core.js')

/**
 * `handle({ method, query, body, stream })`: lib/push/core.js's handler, reading `stream` when
 * `body` is undefined.
 *
 * @param {{ token: string, encodingAESKey?: string, appId?: string, maxBodyBytes?: number }} options
 */
function createPushHandler(options) {
  return readingStream(createPushHandlerWith(api, options))
}

/** lib/push/core.js's `handle` taking `stream` (read when `body` is undefined) instead of `read`. */
function readingStream(handle) {
  return ({ method, query, body, stream }) => handle({ method, query, body, read: (limit) => readBody(stream, limit) })
}

module.exports = { createPushHandler, readingStream }
