'use strict'
// wxcrypt/client: WeChatClient, its errors, the stores (memory, sessions) and httpAnswer.
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and client.d.ts beside it.
module.exports = require('./lib/client/node.js')
