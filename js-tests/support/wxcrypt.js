'use strict'
// The package under test, from npm/wxcrypt. WXCRYPT_BACKEND=native|wasm picks the backend.
const path = require('node:path')
const fs = require('node:fs')

const root = path.join(__dirname, '..', '..')
const wxcrypt = require(path.join(root, 'npm', 'wxcrypt'))

const want = process.env.WXCRYPT_BACKEND
if (want && wxcrypt.backend !== want) {
  throw new Error(`WXCRYPT_BACKEND=${want} but the package loaded the ${wxcrypt.backend} backend`)
}

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'vectors', name), 'utf8'))
}

module.exports = { wxcrypt, vectors, root }
