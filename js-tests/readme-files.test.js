'use strict'
// A README code block marked `<!-- file: path -->` (the line before its fence) is that file,
// byte for byte: the README's examples are files the suites run (examples/nest/src/app.module.ts
// and auth.controller.ts in js-tests/nest.test.js and login.test.js, examples/fastify/app.js in
// js-tests/fastify.test.js). Both READMEs; readme.test.js keeps their blocks identical.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')

/** `{ file, body, line }` for every fenced block right after a `<!-- file: ... -->` line. */
function markedBlocks(text) {
  const lines = text.split('\n')
  const out = []
  lines.forEach((line, i) => {
    const mark = /^<!-- file: (\S+) -->$/.exec(line)
    if (!mark) return
    const fence = /^(`{3,})\w*$/.exec(lines[i + 1] || '')
    assert.ok(fence, `line ${i + 1}: a file marker must sit right before a code fence`)
    const end = lines.findIndex((l, j) => j > i + 1 && l === fence[1])
    assert.ok(end > 0, `line ${i + 2}: unclosed block`)
    out.push({ file: mark[1], body: lines.slice(i + 2, end).join('\n') + '\n', line: i + 1 })
  })
  return out
}

for (const readme of ['README.md', 'README.zh-CN.md']) {
  test(`${readme}: each block marked with a file is that file`, () => {
    const blocks = markedBlocks(fs.readFileSync(path.join(root, readme), 'utf8'))
    assert.ok(blocks.length >= 3, `${blocks.length} marked blocks`)
    for (const { file, body, line } of blocks) {
      assert.equal(body, fs.readFileSync(path.join(root, file), 'utf8'), `${readme} line ${line}: the block differs from ${file}`)
    }
  })
}
