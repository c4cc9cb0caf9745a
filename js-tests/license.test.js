'use strict'
// The MIT license the package.json files name: at the repository root, and the same text in the
// npm tarball (npm/wxcrypt/LICENSE, a copy kept identical by this test).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { root } = require('./support/wxcrypt.js')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const read = (...p) => fs.readFileSync(path.join(root, ...p), 'utf8')

test('LICENSE: MIT, "wxcrypt contributors", the same text at the root and in the package', () => {
  const text = read('LICENSE')
  assert.match(text, /^MIT License\n\nCopyright \(c\) \d{4} wxcrypt contributors\n\nPermission is hereby granted, free of charge/)
  assert.equal(read('npm', 'wxcrypt', 'LICENSE'), text, 'npm/wxcrypt/LICENSE must be a copy of LICENSE')
  assert.equal(JSON.parse(read('package.json')).license, 'MIT')
  assert.equal(JSON.parse(read('npm', 'wxcrypt', 'package.json')).license, 'MIT')
})

test('the npm tarball carries LICENSE', () => {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(root, 'npm', 'wxcrypt'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const files = JSON.parse(out)[0].files.map((f) => f.path)
  assert.ok(files.includes('LICENSE'), `LICENSE in ${files}`)
})
