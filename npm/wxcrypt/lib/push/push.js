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
  const handle = createPushHandlerWith(api, options)
  return ({ method, query, body, stream }) => handle({ method, query, body, read: (limit) => readBody(stream, limit) })
}

module.exports = { createPushHandler }
