'use strict'
// One owner of the policy: the error table and the open-data checks are the core crate's.
// - ErrorCode (what the JS layer builds from the backend's `policy()`, i.e. wxcrypt::Error::ALL)
//   is the table index.d.ts declares, name for name and code for code.
// - Errors cross the boundary as fields (`code`, `message`), on both backends.
// - On random and mutated inputs, with random options, decryptData's errcode (0 for success) is
//   diagnose()'s errcode: the JS path (JSON.parse and the checks in lib/api.js) and the core's
//   path (DataCrypt::decrypt_data_with, which diagnose runs) decide the same for every input.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { wxcrypt, root } = require('./support/wxcrypt.js')
const { encrypt } = require('./support/reference.js')

/** `readonly Name: -code` rows of the ErrorCode block of a declaration file. */
function declaredErrorCodes(file) {
  const text = fs.readFileSync(path.join(root, 'npm', 'wxcrypt', file), 'utf8')
  const block = /export const ErrorCode: \{([\s\S]*?)\n {2}\}/.exec(text)
  assert.ok(block, `${file} declares ErrorCode`)
  return Object.fromEntries([...block[1].matchAll(/readonly (\w+): (-?\d+)/g)].map((m) => [m[1], Number(m[2])]))
}

test('ErrorCode is the core table, and index.d.ts declares exactly it', () => {
  // The core's Error::ALL: the open-data codes, then message push's, the crypto layer's (-420xx)
  // and WeChat's server-API security answers (40230-40240), each in code order.
  const codes = Object.values(wxcrypt.ErrorCode)
  assert.deepEqual(codes, [
    -41001, -41002, -41003, -41004, -41005, -41006,
    ...Array.from({ length: 11 }, (_, i) => -40001 - i),
    ...Array.from({ length: 10 }, (_, i) => -42001 - i),
    ...Array.from({ length: 11 }, (_, i) => 40230 + i),
  ])
  assert.ok(Object.isFrozen(wxcrypt.ErrorCode))
  // Same names, same codes, same order as the declaration file users compile against.
  assert.deepEqual(Object.entries(declaredErrorCodes('index.d.ts')), Object.entries(wxcrypt.ErrorCode))
})

test('the generated policy.js is the running backend\'s policy()', () => {
  // lib/crypto/policy.js is written at build time from the wasm build; each backend must agree.
  const pkg = path.dirname(require.resolve(process.env.WXCRYPT_TEST_PACKAGE || path.join(root, 'npm', 'wxcrypt')))
  const { loadBinding } = require(path.join(pkg, 'lib', 'crypto', 'backend.js'))
  const { policy } = require(path.join(pkg, 'lib', 'crypto', 'policy.js'))
  assert.deepEqual(policy, JSON.parse(loadBinding().binding.policy()))
})

test('every error crosses as fields: code (the name), errcode (the number), message', () => {
  const mc = () => new wxcrypt.WXBizMsgCrypt('t', 'short', 'wx1')
  assert.throws(mc, (e) => e instanceof wxcrypt.WXCryptError && e.code === 'WXBizMsgCrypt_IllegalAesKey' && e.errcode === -40004 && e.message === 'EncodingAESKey must be 43 base64 characters')
  const dc = new wxcrypt.WXBizDataCrypt('wx1', 'AAAAAAAAAAAAAAAAAAAAAA==')
  for (const [ed, iv, code] of [
    ['AAAA', 'AAAAAAAAAAAAAAAAAAAAAA==', 'IllegalBuffer'],
    ['AAAA', 'AAAA', 'IllegalIv'],
    ['A!AA', 'AAAAAAAAAAAAAAAAAAAAAA==', 'DecodeBase64Error'],
  ]) {
    for (const call of [() => dc.decryptData(ed, iv), () => dc.decryptRaw(ed, iv)]) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof wxcrypt.WXCryptError)
        assert.deepEqual({ ...e }, { errcode: wxcrypt.ErrorCode[code], code })
        assert.equal(e.message, 'Illegal Buffer')
        return true
      })
    }
  }
})

// -- decryptData's errcode equals diagnose()'s, on random and mutated inputs

const CASES = Number(process.env.POLICY_CASES || 3000)
const { seed, rand, int, pick, bytes } = require('./support/prng.js').seeded('POLICY_SEED')

// Ages (seconds before now; negative: in the future) on and around every boundary the options
// below draw (60 s of future skew; maxAgeSeconds 60, 299.9, 300, 3600). The clock is frozen
// during the test, so both calls see the same now.
const AGES = [-100000, -61, -60, -59, -30, 0, 30, 59, 60, 61, 299, 300, 301, 3599, 3600, 3601, 1e6, 20.5, -60.5, 299.5]

function payload(appId, openId, now) {
  const ts = now - pick(AGES)
  const watermark = pick([
    () => `{"timestamp":${ts},"appid":${JSON.stringify(appId)}}`,
    () => `{"timestamp":${ts},"appid":${JSON.stringify(appId)}}`,
    () => `{"appid":${JSON.stringify(appId)}}`, // no timestamp
    () => `{"timestamp":"${ts}","appid":${JSON.stringify(appId)}}`, // a string timestamp
    () => `{"timestamp":null,"appid":${JSON.stringify(appId)}}`,
    () => `{"timestamp":1e400,"appid":${JSON.stringify(appId)}}`,
    () => `{"timestamp":${ts},"appid":"wx0000000000000000"}`, // another app
    () => `{"timestamp":${ts}}`,
    () => 'null',
  ])()
  const id = pick([
    () => `"openId":${JSON.stringify(openId)},`,
    () => `"openId":${JSON.stringify(openId)},`,
    () => '"openId":"oOther",',
    () => '"openId":null,',
    () => '"openId":7,',
    () => '', // phone numbers and share info carry none
    () => `"openId":${JSON.stringify(openId)},"openId":"oOther",`, // the last duplicate wins
  ])()
  const text = pick([
    () => `{${id}"nickName":"微信用户","watermark":${watermark}}`,
    () => `{${id}"nickName":"微信用户","watermark":${watermark}}`,
    () => `{${id}"watermark":${watermark}`, // cut: not JSON
    () => `[{${id}"watermark":${watermark}}]`,
    () => 'activity-42',
  ])()
  return Buffer.from(text, 'utf8')
}

function mutate(s) {
  if (s.length === 0) return s
  const i = int(s.length)
  return pick([
    () => s.slice(0, i) + pick('A/+_-= %!\n') + s.slice(i + 1), // one character replaced
    () => s.slice(0, i), // cut
    () => s + pick(['=', '==', 'A', 'AAAA']),
    () => s.replace(/\+/g, ' '),
  ])()
}

test(`decryptData's errcode is diagnose()'s errcode on ${CASES} random and mutated inputs (seed ${seed})`, () => {
  const seen = new Map()
  let mismatches = 0
  const realNow = Date.now
  const frozen = realNow()
  Date.now = () => frozen
  const now = Math.floor(frozen / 1000)
  try {
    for (let i = 0; i < CASES; i++) {
      const key = bytes(16)
      const iv = bytes(16)
      const appId = 'wx' + bytes(8).toString('hex')
      const openId = 'o' + bytes(9).toString('base64url')
      const options = {}
      if (rand() < 0.6) options.maxAgeSeconds = pick([60, 300, 3600, 2 ** 32, 299.9])
      if (rand() < 0.6) options.expectOpenId = rand() < 0.8 ? openId : 'oSomeoneElse'
      let ed = encrypt(key, iv, payload(appId, openId, now)).toString('base64')
      let ivs = iv.toString('base64')
      let sk = key.toString('base64')
      const r = rand()
      if (r < 0.1) {
        const ct = Buffer.from(ed, 'base64')
        ct[int(ct.length)] ^= 1 << int(8) // a flipped bit: garbage, or a bad padding
        ed = ct.toString('base64')
      } else if (r < 0.15) ed = mutate(ed)
      else if (r < 0.2) ivs = mutate(ivs)
      else if (r < 0.25) sk = mutate(sk)
      else if (r < 0.3) sk = bytes(16).toString('base64') // a refreshed session_key
      else if (r < 0.33) ed = bytes(int(64)).toString('base64') // random bytes, any length
      const crypt = new wxcrypt.WXBizDataCrypt(appId, sk, options)
      let got = 0
      try {
        crypt.decryptData(ed, ivs)
      } catch (e) {
        if (!(e instanceof wxcrypt.WXCryptError)) throw e
        got = e.errcode
      }
      const want = crypt.diagnose(ed, ivs).errcode
      seen.set(got, (seen.get(got) || 0) + 1)
      if (got !== want) {
        mismatches++
        if (mismatches <= 3) console.error('mismatch', { got, want, options, ed, ivs })
      }
    }
  } finally {
    Date.now = realNow
  }
  assert.equal(mismatches, 0, `${mismatches} mismatches (seed ${seed})`)
  // The generator reaches success and every open-data code.
  for (const code of [0, -41001, -41002, -41003, -41004, -41005, -41006]) {
    assert.ok(seen.has(code), `errcode ${code} never occurred: ${JSON.stringify([...seen])}`)
  }
})
