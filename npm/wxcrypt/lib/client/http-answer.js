'use strict'
// One mapping from wxcrypt's errors to an HTTP answer, for servers that answer every failure with
// the same small body `{ errcode, errmsg }` and keep the cause (diagnose(), WeChat's hint, the
// store's code) for their own logs. The Koa and NestJS examples answer with it.
const { WXCryptError } = require('../crypto/api.js')
const { StoreError } = require('../store/errors.js')
const { WeChatApiError } = require('./errors.js')

const answer = (status, errcode, errmsg) => ({ status, body: { errcode, errmsg } })

/** What the client sees when a WeChat API call fails. */
function fromWeChat(errcode) {
  switch (errcode) {
    case 40029:
    case 40163:
      return answer(400, 40029, 'invalid code')
    case 40226:
      return answer(403, 40226, 'user blocked by wechat')
    case 45011:
      return answer(429, 45011, 'rate limited, retry later')
    case -1:
      return answer(503, -1, 'wechat busy, retry later')
    default:
      // Configuration errors (40013 appid, 40125 secret) and network failures are the server's,
      // not the user's.
      return answer(502, -1, 'wechat api unavailable')
  }
}

/**
 * `{ status, body: { errcode, errmsg } }` for an error wxcrypt throws, or null for any other:
 * - WXCryptError: 400, its errcode, 'decrypt failed' (nothing more: the cause is diagnose()'s);
 * - WeChatApiError: 400 40029 'invalid code' (40029, 40163), 403 40226, 429 45011, 503 -1 when
 *   WeChat is busy, else 502 -1 'wechat api unavailable' (a wrong appid or secret, a network failure);
 * - StoreError: 503 -1 'session store unavailable, retry later'.
 */
function httpAnswer(err) {
  if (err instanceof WXCryptError) return answer(400, err.errcode, 'decrypt failed')
  if (err instanceof WeChatApiError) return fromWeChat(err.errcode)
  if (err instanceof StoreError) return answer(503, -1, 'session store unavailable, retry later')
  return null
}

module.exports = { httpAnswer }
