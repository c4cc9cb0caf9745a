'use strict'
// What a failed WeChat Pay API call is. Pure: every runtime.

/**
 * A WeChat Pay API call that failed. `status` is the HTTP status (0 when there was no answer);
 * `code` is WeChat's (`ORDER_NOT_EXIST`, `PARAM_ERROR`, `SIGN_ERROR`, ...) when its answer was
 * verified, else one of ours: 'ETIMEDOUT' (no answer within timeoutMs), 'ENETWORK', 'EBADRESPONSE'
 * (not the JSON expected), 'EBADSIGNATURE' (the answer's signature or timestamp failed: not
 * trusted, its content is not shown), 'EUNSIGNED' (an error answer without WeChat's signature
 * headers, e.g. from a proxy: its `code`/`message` are in `unverified`). `api` is `METHOD path`.
 * Never carries the merchant key, the APIv3 key or an Authorization header.
 */
class WechatPayApiError extends Error {
  constructor({ api, status = 0, code, message = '', detail, unverified, cause }) {
    super(`WeChat Pay ${api} failed: ${status ? `HTTP ${status} ` : ''}${code}${message ? ` (${message})` : ''}`)
    this.api = api
    this.status = status
    this.code = code
    this.errmsg = message
    if (detail !== undefined) this.detail = detail
    if (unverified !== undefined) this.unverified = unverified
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true, writable: true })
  }
}
Object.defineProperty(WechatPayApiError.prototype, 'name', { value: 'WechatPayApiError', writable: true, configurable: true })

module.exports = { WechatPayApiError }
