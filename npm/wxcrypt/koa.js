'use strict'
// wxcrypt/koa: the Koa middleware of a message-push endpoint.
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and koa.d.ts beside it.
module.exports = require('./lib/push/koa.js')
