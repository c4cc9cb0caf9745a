'use strict'
// wxcrypt/client's httpAnswer: the one mapping from wxcrypt's errors to `{ status, body }` that
// the examples answer with (examples/koa/app.js, examples/nest).
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { wxcrypt: WXBizDataCrypt, vectors, root } = require('./support/wxcrypt.js')
const { httpAnswer, WeChatApiError, StoreError } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))

const band = vectors('wechat-vectors.json').data_crypt[0]
const apiError = (errcode, more = {}) => new WeChatApiError({ errcode, errmsg: 'from wechat', api: '/sns/jscode2session', ...more })

test('WXCryptError: 400 with its errcode and "decrypt failed", nothing else', () => {
  const cases = [
    [() => new WXBizDataCrypt(band.appId, band.sessionKey).decryptData('', band.iv), -41003],
    [() => new WXBizDataCrypt('wx0000000000000000', band.sessionKey).decryptData(band.encryptedData, band.iv), -41003],
    [() => new WXBizDataCrypt(band.appId, band.sessionKey, { expectOpenId: 'someone-else' }).decryptData(band.encryptedData, band.iv), -41006],
    [() => new WXBizDataCrypt(band.appId, 'AAAA').decryptData(band.encryptedData, band.iv), -41001],
  ]
  for (const [fn, errcode] of cases) {
    const err = (() => {
      try {
        fn()
      } catch (e) {
        return e
      }
    })()
    assert.ok(err instanceof WXBizDataCrypt.WXCryptError, String(err))
    assert.equal(err.errcode, errcode)
    const a = httpAnswer(err)
    assert.deepEqual(a, { status: 400, body: { errcode, errmsg: 'decrypt failed' } })
    assert.deepEqual(Object.keys(a), ['status', 'body'])
    assert.deepEqual(Object.keys(a.body), ['errcode', 'errmsg'])
  }
})

test('WeChatApiError: the user-facing codes pass, the server\'s own failures are 502', () => {
  const want = [
    [apiError(40029), 400, 40029, 'invalid code'],
    [apiError(40163), 400, 40029, 'invalid code'],
    [apiError(40226), 403, 40226, 'user blocked by wechat'],
    [apiError(45011), 429, 45011, 'rate limited, retry later'],
    [apiError(-1), 503, -1, 'wechat busy, retry later'],
    [apiError(40013), 502, -1, 'wechat api unavailable'],
    [apiError(40125), 502, -1, 'wechat api unavailable'],
    [apiError(87009), 502, -1, 'wechat api unavailable'],
    [apiError(null, { code: 'ETIMEDOUT', errmsg: 'no answer within 5000 ms' }), 502, -1, 'wechat api unavailable'],
    [apiError(null, { code: 'ENETWORK' }), 502, -1, 'wechat api unavailable'],
    [apiError(null, { code: 'EBADRESPONSE' }), 502, -1, 'wechat api unavailable'],
  ]
  for (const [err, status, errcode, errmsg] of want) {
    assert.deepEqual(httpAnswer(err), { status, body: { errcode, errmsg } }, err.message)
  }
  // The answer never carries WeChat's errmsg or the hint.
  assert.ok(!JSON.stringify(httpAnswer(apiError(40029, { errmsg: 'secret-ish text' }))).includes('secret-ish'))
})

test('StoreError: 503 "session store unavailable, retry later", whichever code and operation', () => {
  for (const err of [new StoreError('get'), new StoreError('set', 'ESTORE_TIMEOUT', '1000'), new StoreError('setIfAbsent', 'ESTORE_UNAVAILABLE', 'ECONNREFUSED')]) {
    assert.deepEqual(httpAnswer(err), { status: 503, body: { errcode: -1, errmsg: 'session store unavailable, retry later' } })
  }
})

test('anything else is null (the caller maps it): plain errors, look-alikes, non-errors', () => {
  const lookAlike = Object.assign(new Error('Illegal Buffer'), { name: 'WXCryptError', errcode: -41003, code: 'IllegalBuffer' })
  const storeLike = Object.assign(new Error('store get failed'), { name: 'StoreError', code: 'ESTORE_TIMEOUT' })
  for (const err of [new Error('x'), new TypeError('bad'), lookAlike, storeLike, { errcode: 40029 }, null, undefined, 'error', 0]) {
    assert.equal(httpAnswer(err), null, String(err && err.name))
  }
})

test('the same classes from every Node entry: wxcrypt, wxcrypt/client', () => {
  const client = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))
  assert.equal(client.WeChatApiError, WXBizDataCrypt.WeChatApiError)
  assert.equal(client.WeChatClient, WXBizDataCrypt.WeChatClient)
  assert.deepEqual(httpAnswer(new WXBizDataCrypt.WeChatApiError({ errcode: 45011, errmsg: '', api: '/x' })).status, 429)
})
