'use strict'
// wxcrypt/simulator: a local WeChat API simulator for tests and demos.
// The entry package.json "exports" names, at the package root so resolvers that do not read
// "exports" (TypeScript's node10 resolution, older bundlers) find it and simulator.d.ts beside it.
// Listed, not passed through: type checkers (attw) read the default export from this file.
const { createSimulator, phoneInfo, generateApiSecurityKeys } = require('./lib/simulator/simulator.js')
const { createPaySimulator } = require('./lib/simulator/pay.js')
module.exports = { createSimulator, phoneInfo, generateApiSecurityKeys, createPaySimulator }
module.exports.default = createSimulator
