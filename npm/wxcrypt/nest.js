'use strict'
// wxcrypt/nest: WxcryptModule for NestJS (Express or Fastify platform), its guard, decorators and
// exception filter. The entry package.json "exports" names, at the package root so resolvers that
// do not read "exports" (TypeScript's node10 resolution, older bundlers) find it and nest.d.ts beside it.
module.exports = require('./lib/nest/module.js')
