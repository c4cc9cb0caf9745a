'use strict'
// wxcrypt/hono on Node and Bun: lib/hono/hono.js over this process's backend (the native addon,
// else the WebAssembly build). The edge runtimes get hono-workerd.mjs, hono-edge-light.mjs or
// hono-wasm.mjs (package.json "exports"), the same adapter over their wasm entry.
const { createMiddleware } = require('hono/factory')
const api = require('./lib/crypto/node.js')
const { WeChatClient } = require('./lib/client/node.js')
const { createHonoAdapter } = require('./lib/hono/hono.js')

module.exports = createHonoAdapter(api, WeChatClient, createMiddleware)
