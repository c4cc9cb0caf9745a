'use strict'
// diagnose() names every truncation: each cut off the end of the official encryptedData is
// transport_damage with a hint that says what the cut left (the core's table, through the binding).
const test = require('node:test')
const assert = require('node:assert/strict')
const { wxcrypt, vectors } = require('./support/wxcrypt.js')

const band = vectors('wechat-vectors.json').data_crypt[0]

/** The start of the hint each remaining length must get (see the README's truncation table). */
function expectedHint(cut) {
  const chars = cut.replace(/=+$/, '').length
  const bytes = Math.floor((chars * 3) / 4)
  if (chars % 4 === 1) return `encryptedData has ${chars} base64 characters, a length (4k+1)`
  if (bytes % 16 !== 0) return `encryptedData decodes to ${bytes} bytes, not a multiple of 16`
  return `encryptedData decodes to ${bytes} bytes that decrypt to clean text but stop before the padding`
}

test('every cut of the official encryptedData is transport_damage with a true hint', () => {
  const pc = new wxcrypt(band.appId, band.sessionKey)
  const ed = band.encryptedData
  const seen = { padding: 0, dangling: 0, partial: 0, blocks: 0 }
  for (let n = 1; n < ed.length; n++) {
    const cut = ed.slice(0, ed.length - n)
    const d = pc.diagnose(cut, band.iv)
    if (/^=+$/.test(ed.slice(cut.length))) {
      assert.equal(d.cause, 'ok', `cut ${n}: ${JSON.stringify(d)}`)
      seen.padding++
      continue
    }
    assert.equal(d.cause, 'transport_damage', `cut ${n}: ${JSON.stringify(d)}`)
    assert.ok(d.hint.startsWith(expectedHint(cut)), `cut ${n}: ${d.hint}`)
    assert.doesNotMatch(d.hint, /outside base64/, `cut ${n}`)
    // The errcode is what decryptData gives the client for the same input.
    const err = (() => {
      try {
        pc.decryptData(cut, band.iv)
      } catch (e) {
        return e
      }
    })()
    assert.ok(err instanceof wxcrypt.WXCryptError, `cut ${n}`)
    assert.equal(d.errcode, err.errcode, `cut ${n}`)
    const chars = cut.length
    if (chars % 4 === 1) seen.dangling++
    else if (Math.floor((chars * 3) / 4) % 16 !== 0) seen.partial++
    else seen.blocks++
  }
  assert.deepEqual(seen, { padding: 2, dangling: 134, partial: 375, blocks: 24 })
})
