'use strict'
// The package under test, from npm/wxcrypt. WXCRYPT_BACKEND=native|wasm picks the backend.
// WXCRYPT_TEST_PACKAGE names another copy (scripts/test-platforms.sh: an installed tree whose
// loader must find its platform package by itself).
const path = require('node:path')
const fs = require('node:fs')

const root = path.join(__dirname, '..', '..')
const wxcrypt = require(process.env.WXCRYPT_TEST_PACKAGE || path.join(root, 'npm', 'wxcrypt'))

const want = process.env.WXCRYPT_BACKEND
if (want && wxcrypt.backend !== want) {
  throw new Error(`WXCRYPT_BACKEND=${want} but the package loaded the ${wxcrypt.backend} backend`)
}

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'vectors', name), 'utf8'))
}

module.exports = { wxcrypt, vectors, root }
