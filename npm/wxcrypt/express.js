'use strict'
// wxcrypt/express: the Express / Connect middleware of a message-push endpoint.
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and express.d.ts beside it.
module.exports = require('./lib/push/express.js')
