'use strict'
// The README's examples are files the suites run. A code block right after a marker line is that
// file, byte for byte, or one region of it:
//   <!-- file: examples/fastify/app.js -->            the whole file
//   <!-- file: examples/egg/app.js#egg-boot -->       the text between `// #region egg-boot` and
//                                                     `// #endregion egg-boot`, less its indentation
// Checked in both READMEs (readme.test.js keeps their blocks identical). The files: the NestJS and
// Fastify examples (nest.test.js, fastify.test.js, login.test.js), the Workers example
// (workers-example.test.js, hono.test.js), the Egg.js and Midway recipes
// (frameworks-egg-midway.test.js); every region of the recipes must be shown.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')

const read = (file) => fs.readFileSync(path.join(root, file), 'utf8')

/** The text of `// #region name` in a file, dedented. */
function region(file, name) {
  const lines = read(file).split('\n')
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`)
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`)
  assert.ok(start >= 0 && end > start, `${file} has no region ${name}`)
  const body = lines.slice(start + 1, end)
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length))
  return body.map((l) => l.slice(indent)).join('\n') + '\n'
}

/** `{ file, region, body, line }` for every fenced block right after a `<!-- file: ... -->` line. */
function markedBlocks(text) {
  const lines = text.split('\n')
  const out = []
  lines.forEach((line, i) => {
    const mark = /^<!-- file: ([^#\s]+)(?:#([\w-]+))? -->$/.exec(line)
    if (!mark) return
    const fence = /^(`{3,})\w*$/.exec(lines[i + 1] || '')
    assert.ok(fence, `line ${i + 1}: a file marker must sit right before a code fence`)
    const end = lines.findIndex((l, j) => j > i + 1 && l === fence[1])
    assert.ok(end > 0, `line ${i + 2}: unclosed block`)
    out.push({ file: mark[1], region: mark[2], body: lines.slice(i + 2, end).join('\n') + '\n', line: i + 1 })
  })
  return out
}

for (const readme of ['README.md', 'README.zh-CN.md']) {
  test(`${readme}: each block marked with a file is that file (or its region)`, () => {
    const blocks = markedBlocks(read(readme))
    assert.ok(blocks.length >= 12, `${blocks.length} marked blocks`)
    for (const { file, region: r, body, line } of blocks) {
      const want = r === undefined ? read(file) : region(file, r)
      assert.equal(body, want, `${readme} line ${line}: the block differs from ${file}${r ? '#' + r : ''}`)
    }
    // The Workers example and every region of the recipes are shown.
    const shown = new Set(blocks.map((b) => (b.region ? `${b.file}#${b.region}` : b.file)))
    assert.ok(shown.has('examples/workers/src/worker.mjs'), 'the Workers example is shown')
    for (const dir of ['examples/egg', 'examples/midway']) {
      const walk = (d) => fs.readdirSync(path.join(root, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : e.name.endsWith('.js') ? [`${d}/${e.name}`] : []))
      for (const file of walk(dir)) {
        for (const m of read(file).matchAll(/\/\/ #region ([\w-]+)/g)) {
          assert.ok(shown.has(`${file}#${m[1]}`), `${file}#${m[1]} is not shown in ${readme}`)
        }
      }
    }
  })
}
