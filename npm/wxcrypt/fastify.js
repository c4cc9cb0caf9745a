'use strict'
// wxcrypt/fastify: the Fastify plugin (client, sessions, push route, error answers).
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and fastify.d.ts beside it.
module.exports = require('./lib/fastify/plugin.js')
