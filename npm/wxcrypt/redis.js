'use strict'
// wxcrypt/redis: the Redis store (node-redis, an optional peer dependency).
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and redis.d.ts beside it.
// Listed, not passed through: type checkers (attw) read the default export from this file.
const { createRedisStore } = require('./lib/store/redis.js')
module.exports = { createRedisStore }
module.exports.default = createRedisStore
