'use strict'
// What a failed WeChat API call is: WeChatApiError, and the hint for each errcode WeChat returns.

/** What to do about each errcode WeChat returns. */
const HINTS = {
  '-1': 'WeChat is busy; retry after a short delay.',
  40001: 'The access_token is invalid or not the latest; fetch a new one (WeChatClient refreshes it once by itself).',
  40002: 'Invalid grant_type.',
  40013: 'Invalid appid: check the appId option.',
  1: 'The encrypted data is unknown to WeChat: not made by WeChat, or made more than 3 days ago.',
  40003: 'Invalid openid: the user never logged in to this mini program (check the appId).',
  40014: 'Invalid access_token; fetch a new one.',
  40029: 'Invalid code: a wx.login / phone code is single use and expires after 5 minutes. Call wx.login again and send the new code.',
  40125: 'Invalid appsecret: check the secret option (reset it on the mini program admin page if it leaked).',
  40163: 'The code was already used: call wx.login again and send the new code.',
  40226: 'High-risk user: WeChat blocked this login. Do not retry.',
  41001: 'The access_token is missing.',
  41002: 'The appid is missing.',
  41004: 'The appsecret is missing.',
  41008: 'The code is missing.',
  40097: 'Invalid arguments (e.g. sig_method must be hmac_sha256, encrypted_msg_hash a SHA-256 hex digest).',
  42001: 'The access_token expired; fetch a new one (WeChatClient refreshes it once by itself).',
  44002: 'The request body is empty.',
  47001: 'The request body is not the JSON this API expects.',
  45011: 'Rate limited: too many requests for this API; slow down (jscode2session allows 100 per minute per user).',
  87009: 'The session_key signature is invalid: the session_key is stale (wx.login refreshed it) or wrong.',
  // Server-API security mode (服务端 API 签名加密): WeChat refused the sealed request.
  40230: 'API security: the request has no Wechatmp-Serial header (see the README on this header).',
  40231: 'API security: the request has no Wechatmp-TimeStamp header.',
  40232: 'API security: the request has no Wechatmp-Signature header.',
  40233: 'API security: the request has no Wechatmp-Appid header (an unsealed call to an API the MP admin set to secure mode?).',
  40234: "API security: the signature does not verify: check privateKey and privateKeySn against the public key configured in the MP admin; 'wxcrypt api-security open-request' checks a captured request.",
  40235: "API security: the body does not decrypt: check symmetricKey and symmetricKeySn; 'wxcrypt api-security open-request' checks a captured request.",
  40236: 'API security: Wechatmp-Appid (or _appid) is not this app.',
  40237: 'API security: Wechatmp-Appid is not the access token\'s app.',
  40238: 'API security: no symmetric key is configured in the MP admin for this 编号.',
  40239: 'API security: no public key is configured in the MP admin for this 编号.',
  40240: 'API security: the timestamp is outside WeChat\'s window: check this server\'s clock.',
}

function hintFor(errcode) {
  return HINTS[errcode] || 'See the errcode table of this WeChat API.'
}

/**
 * A failed WeChat API call: a non-zero `errcode` from WeChat, or (with `errcode` null and a
 * `code`) a timeout, a network failure or a response that is not JSON. `message` names the API
 * path (never the query string, which carries secrets) and the hint.
 */
class WeChatApiError extends Error {
  constructor({ errcode = null, errmsg = '', api, code, hint }) {
    const what = errcode === null ? `${code}: ${errmsg}` : `errcode ${errcode} (${errmsg})`
    const h = hint || (errcode === null ? 'Check the network path to the WeChat API.' : hintFor(errcode))
    super(`WeChat API ${api} failed: ${what}. ${h}`)
    this.errcode = errcode
    this.errmsg = errmsg
    this.hint = h
    this.api = api
    if (code) this.code = code
  }
}
Object.defineProperty(WeChatApiError.prototype, 'name', { value: 'WeChatApiError', writable: true, configurable: true })

module.exports = { WeChatApiError, hintFor }
