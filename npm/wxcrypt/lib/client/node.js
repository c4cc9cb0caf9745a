'use strict'
// wxcrypt/client on Node (and Bun): WeChatClient with this process's backend as its default
// session_key signer, the WeChat and store errors, the stores, and httpAnswer. The edge entries
// get their WeChatClient from lib/crypto/wasm-api.mjs instead.
const api = require('../crypto/node.js')
const { createMemoryStore } = require('../store/memory.js')
const { createSessionStore } = require('../store/session.js')
const { StoreError } = require('../store/errors.js')
const { WeChatApiError, hintFor } = require('./errors.js')
const { httpAnswer } = require('./http-answer.js')
const { clientWithSigner } = require('./wechat-client.js')

// The ApiSecurity class is looked up when a client is built with `apiSecurity` options.
const WeChatClient = clientWithSigner(api.sessionKeySignature, () => api.ApiSecurity)

module.exports = { WeChatClient, WeChatApiError, StoreError, hintFor, createMemoryStore, createSessionStore, httpAnswer }
