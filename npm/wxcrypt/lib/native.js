'use strict'
// Loads the napi-rs addon built for this platform: wxcrypt.<platform>-<arch>[-<abi>].node.
const path = require('node:path')

function abi() {
  if (process.platform !== 'linux') return ''
  let glibc = false
  try {
    glibc = Boolean(process.report.getReport().header.glibcVersionRuntime)
  } catch {}
  const libc = glibc ? 'gnu' : 'musl'
  return process.arch === 'arm' ? `-${libc}eabihf` : `-${libc}`
}

function loadNative() {
  const file = `wxcrypt.${process.platform}-${process.arch}${abi()}.node`
  return require(path.join(__dirname, '..', file))
}

module.exports = { loadNative }
