'use strict'
// `require('wxcrypt/simulator')` for resolvers that do not read package.json "exports" (TypeScript's
// classic node10 resolution, older bundlers): the same module as the exports map names.
const { createSimulator, phoneInfo } = require('./lib/simulator.js')
module.exports = { createSimulator, phoneInfo }
module.exports.default = createSimulator
