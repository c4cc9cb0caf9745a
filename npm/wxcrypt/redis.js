'use strict'
// `require('wxcrypt/redis')` for resolvers that do not read package.json "exports" (TypeScript's
// classic node10 resolution, older bundlers): the same module as the exports map names.
module.exports = require('./lib/redis.js')
