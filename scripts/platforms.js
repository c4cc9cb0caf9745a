'use strict'
// The platform list, read from its one place: napi.targets in npm/wxcrypt/package.json. Each
// target with its platform, napi-rs's name for it (platformArchABI: the package wxcrypt-<platform>,
// the addon wxcrypt.<platform>.node). No dependencies: the release workflow's publish job runs it
// without node_modules; scripts/build-platforms.sh checks the names against napi-rs's own
// (`napi create-npm-dirs`).
//
//   node scripts/platforms.js            "<target> <platform>", one a line
//   node scripts/platforms.js --names    the platforms, space-separated
//   require('./scripts/platforms.js')    { targets, platformOf, platforms }
const path = require('node:path')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm', i686: 'ia32' }
const OS = { linux: 'linux', darwin: 'darwin', windows: 'win32' }

/** napi-rs's platformArchABI of a target triple: x86_64-unknown-linux-gnu -> linux-x64-gnu. */
function platformOf(target) {
  const [arch, , os, abi] = target.split('-')
  if (!ARCH[arch] || !OS[os]) throw new Error(`platforms.js: no platform name for target ${target}`)
  return [OS[os], ARCH[arch], abi].filter(Boolean).join('-')
}

const targets = require(path.join(__dirname, '..', 'npm', 'wxcrypt', 'package.json')).napi.targets
const platforms = targets.map(platformOf)

module.exports = { targets, platformOf, platforms }

if (require.main === module) {
  if (process.argv[2] === '--names') console.log(platforms.join(' '))
  else for (const t of targets) console.log(`${t} ${platformOf(t)}`)
}
