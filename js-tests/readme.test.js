'use strict'
// README.zh-CN.md is the README in Chinese, not a second source of code: its fenced code blocks
// are README.md's, in the same order, byte for byte (comments inside them stay in English).
// After editing a code block in README.md, copy it into the Chinese file at the same place; the
// failure below names the first block that differs and the section it sits in, in both files.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { root } = require('./support/wxcrypt.js')

/** The fenced code blocks of a Markdown text: { info, body, line, section }, in order. */
function codeBlocks(text) {
  const blocks = []
  let open = null
  let section = '(top)'
  text.split('\n').forEach((line, i) => {
    if (open) {
      const close = /^( {0,3})(`{3,}|~{3,})\s*$/.exec(line)
      if (close && close[2][0] === open.fence[0] && close[2].length >= open.fence.length) {
        blocks.push({ info: open.info, body: open.lines.join('\n'), line: open.line, section: open.section })
        open = null
      } else {
        open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)))
      }
      return
    }
    const heading = /^#{1,6} (.*)$/.exec(line)
    if (heading) section = heading[1].trim()
    const start = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line)
    if (start) open = { fence: start[2], indent: start[1].length, info: start[3].trim(), lines: [], line: i + 1, section }
  })
  assert.equal(open, null, `an unclosed code block opened on line ${open && open.line}`)
  return blocks
}

function firstDifferentLine(a, b) {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1} of the block:\n  README.md:       ${JSON.stringify(x[i])}\n  README.zh-CN.md: ${JSON.stringify(y[i])}`
  }
  return 'no line differs'
}

const en = codeBlocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8'))
const zh = codeBlocks(fs.readFileSync(path.join(root, 'README.zh-CN.md'), 'utf8'))

test('the block parser sees fences, languages and sections', () => {
  const blocks = codeBlocks('# A\n\n```js\nx\n\n  y\n```\n## B\n````\n```\n````\n')
  assert.deepEqual(blocks, [
    { info: 'js', body: 'x\n\n  y', line: 3, section: 'A' },
    { info: '', body: '```', line: 9, section: 'B' },
  ])
})

test('README.zh-CN.md has exactly the code blocks of README.md, in order', () => {
  assert.ok(en.length >= 10, `README.md has ${en.length} code blocks`)
  for (let i = 0; i < Math.max(en.length, zh.length); i++) {
    const e = en[i]
    const z = zh[i]
    if (!e) assert.fail(`README.zh-CN.md has an extra code block #${i + 1} (line ${z.line}, section "${z.section}"): README.md has ${en.length}`)
    if (!z) assert.fail(`README.zh-CN.md lacks code block #${i + 1} of README.md (line ${e.line}, section "${e.section}"): translate that section`)
    if (e.info !== z.info || e.body !== z.body) {
      const where = e.info !== z.info ? `the language: ${JSON.stringify(e.info)} vs ${JSON.stringify(z.info)}` : firstDifferentLine(e.body, z.body)
      assert.fail(`code block #${i + 1} differs: README.md line ${e.line} (section "${e.section}") vs README.zh-CN.md line ${z.line} (section "${z.section}"); ${where}`)
    }
  }
  assert.deepEqual(
    zh.map((b) => [b.info, b.body]),
    en.map((b) => [b.info, b.body]),
  )
})

test('each README links to the other at the top', () => {
  const top = (name) => fs.readFileSync(path.join(root, name), 'utf8').split('\n').slice(0, 5).join('\n')
  assert.match(top('README.md'), /\[简体中文\]\(README\.zh-CN\.md\)/)
  assert.match(top('README.zh-CN.md'), /\[English\]\(README\.md\)/)
})
