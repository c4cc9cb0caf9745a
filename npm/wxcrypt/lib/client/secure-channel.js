'use strict'
// WeChatClient's side of the server-API security mode: seals the calls to the APIs of
// ./secure-apis.js with an ApiSecurity (the core's request sealer and answer opener) and opens
// every answer to them. Fail closed: an answer that is not signed and encrypted is an error, never
// accepted as it stands (WeChat's own 40230-40240 rejections, which it cannot seal for an app it
// could not authenticate, are reported as those errors, never as success).
// The keys live inside the ApiSecurity object; nothing here logs or stores them.
const { WeChatApiError } = require('./errors.js')
const { supportsApiSecurity } = require('./secure-apis.js')

const SECURITY_ERRCODES = { min: 40230, max: 40240 }

function headerOf(headers, name) {
  if (!headers) return null
  if (typeof headers.get === 'function') return headers.get(name)
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
  return key === undefined ? null : headers[key]
}

function plainHeaders(headers) {
  if (!headers || typeof headers.forEach !== 'function') return { ...headers }
  const out = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

class SecureChannel {
  #sec
  #sns
  #warned = new Set()
  #log
  #onExchange

  /**
   * @param {object} apiSecurity ApiSecurity options, or an object with sealRequest/openResponse
   * @param {Function|null} ApiSecurity the entry's class (builds one from options)
   * @param {(entry: object) => void} log the client's log
   */
  constructor(apiSecurity, ApiSecurity, log) {
    if (!apiSecurity || typeof apiSecurity !== 'object') throw new TypeError('WeChatClient: options.apiSecurity must be an object')
    const { onExchange, ...options } = apiSecurity
    if (onExchange !== undefined && typeof onExchange !== 'function') throw new TypeError('WeChatClient: apiSecurity.onExchange must be a function')
    if (typeof apiSecurity.sealRequest === 'function' && typeof apiSecurity.openResponse === 'function') {
      this.#sec = apiSecurity
      this.#sns = null
    } else {
      if (typeof ApiSecurity !== 'function') throw new TypeError('WeChatClient: this entry has no ApiSecurity class; pass an ApiSecurity instance as options.apiSecurity')
      this.#sec = new ApiSecurity(options)
      this.#sns = new Set((options.platformCertificates || []).map((c) => c && c.sn))
    }
    this.#log = log
    this.#onExchange = onExchange || null
  }

  /** Whether calls to `api` are sealed. */
  seals(api) {
    return supportsApiSecurity(api)
  }

  /** The fetch arguments of a sealed call: `{ url, init }`; `url` keeps only the access_token. */
  async seal(baseUrl, api, { query = {}, body, token }) {
    const params = { ...query, ...(body || {}) }
    const sealed = await this.#sec.sealRequest(`${baseUrl}${api}`, params)
    const qs = token === undefined ? '' : `?${new URLSearchParams({ access_token: token })}`
    const headers = { accept: 'application/json', 'content-type': 'application/json', ...plainHeaders(sealed.headers) }
    this.#exchange({ api, direction: 'request', plain: params, headers, body: sealed.body })
    return { url: `${baseUrl}${api}${qs}`, init: { method: 'POST', headers, body: sealed.body } }
  }

  /** The answer object of a sealed call, or a WeChatApiError. */
  async open(baseUrl, api, res, text) {
    const url = `${baseUrl}${api}`
    const signed = headerOf(res.headers, 'wechatmp-signature')
    if (!signed) {
      // Unsigned: only WeChat's own security rejections are reported as themselves.
      const data = parseObject(text)
      const errcode = data && Number(data.errcode)
      if (errcode >= SECURITY_ERRCODES.min && errcode <= SECURITY_ERRCODES.max) {
        throw new WeChatApiError({ api, errcode, errmsg: String(data.errmsg ?? '') })
      }
    }
    let answer
    let deprecated = null
    try {
      if (typeof this.#sec.openResponseDetailed === 'function') {
        const d = await this.#sec.openResponseDetailed(url, { headers: res.headers, body: text })
        answer = d.answer
        if (d.deprecated) deprecated = d.serial
      } else answer = await this.#sec.openResponse(url, { headers: res.headers, body: text })
    } catch (err) {
      const why = (err && (err.code || err.errcode)) || 'failed'
      throw new WeChatApiError({
        api,
        code: 'EAPISECURITY',
        errmsg: `the answer did not verify and decrypt (${why})`,
        hint: 'Secure mode refuses any answer that is not signed by a platform certificate you configured and encrypted with your symmetric key: check platformCertificates (编号 and certificate) and symmetricKey/symmetricKeySn against the MP admin (开发管理 -> 开发设置 -> API安全).',
      })
    }
    this.#warnIfDeprecated(res.headers, deprecated)
    this.#exchange({ api, direction: 'response', plain: answer, headers: plainHeaders(res.headers), body: text })
    return answer
  }

  /** One warning per 编号 when the answer verified only with a certificate WeChat is retiring. */
  #warnIfDeprecated(headers, reported) {
    const current = headerOf(headers, 'wechatmp-serial')
    // What the opener reports (openResponseDetailed), else read off the headers and our 编号.
    const old = reported || (this.#sns && !(current && this.#sns.has(current)) ? headerOf(headers, 'wechatmp-serial-deprecated') : null)
    if (!old || (this.#sns && !this.#sns.has(old)) || this.#warned.has(old)) return
    this.#warned.add(old)
    this.#log({
      level: 'warn',
      event: 'api-security-deprecated-certificate',
      message: `WeChat is retiring the platform certificate 编号 ${old}: download the new platform certificate (编号 ${current || 'see the MP admin'}) in the MP admin (开发管理 -> 开发设置 -> API安全) and add it to apiSecurity.platformCertificates before the old one stops working.`,
      serial: old,
      newSerial: current || null,
    })
  }

  #exchange(entry) {
    if (this.#onExchange) this.#onExchange(entry)
  }
}

function parseObject(text) {
  try {
    const v = JSON.parse(text)
    return v && typeof v === 'object' ? v : null
  } catch {
    return null
  }
}

module.exports = { SecureChannel }
