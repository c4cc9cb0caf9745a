'use strict'
// A straightforward node:crypto implementation of AES256_GCM + RSAwithSHA256 (PSS, salt 32) of
// WeChat's server-API security mode, with the shapes of the package's ApiSecurity and
// ApiSecurityPlatform: an independent implementation to check the package's against
// (js-tests/api-security-kit.test.js runs the client against a simulator on this platform side).
const crypto = require('node:crypto')

const CODES = {
  40230: 'API_Missing_Wechatmp_Serial',
  40231: 'API_Missing_Wechatmp_Timestamp',
  40232: 'API_Missing_Wechatmp_Signature',
  40233: 'API_Missing_Wechatmp_Appid',
  40234: 'API_Invalid_Signature',
  40235: 'API_Invalid_Encrypt',
  40236: 'API_Invalid_Wechatmp_Appid',
  40239: 'API_NoExist_DevSecretAsym',
  40240: 'API_Expired_Wechatmp_Timestamp',
}
const fail = (errcode) => Object.assign(new Error(CODES[errcode]), { errcode, code: CODES[errcode] })

function header(headers, name) {
  if (typeof headers.get === 'function') return headers.get(name)
  const k = Object.keys(headers).find((x) => x.toLowerCase() === name.toLowerCase())
  return k === undefined ? null : headers[k]
}
const urlPath = (url) => url.split('?')[0]

function sealBody(key, sn, path, appId, ts, obj, ivB64) {
  const iv = ivB64 ? Buffer.from(ivB64, 'base64') : crypto.randomBytes(12)
  const c = crypto.createCipheriv('aes-256-gcm', key, iv)
  c.setAAD(Buffer.from(`${path}|${appId}|${ts}|${sn}`))
  const data = Buffer.concat([c.update(JSON.stringify(obj)), c.final()])
  return JSON.stringify({ iv: iv.toString('base64'), data: data.toString('base64'), authtag: c.getAuthTag().toString('base64') })
}
function openBody(key, sn, path, appId, ts, body) {
  const { iv, data, authtag } = JSON.parse(body)
  const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
  d.setAAD(Buffer.from(`${path}|${appId}|${ts}|${sn}`))
  d.setAuthTag(Buffer.from(authtag, 'base64'))
  return JSON.parse(Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString())
}
const PSS = { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
const sign = (key, m) => crypto.sign('sha256', Buffer.from(m), { key, ...PSS }).toString('base64')
const verify = (key, m, sig) => crypto.verify('sha256', Buffer.from(m), { key, ...PSS }, Buffer.from(sig, 'base64'))

class ApiSecurity {
  #o
  constructor(o) {
    this.#o = { ...o, key: Buffer.from(o.symmetricKey, 'base64'), priv: crypto.createPrivateKey(o.privateKey), certs: new Map(o.platformCertificates.map((c) => [c.sn, crypto.createPublicKey(c.certificate)])) }
  }
  async sealRequest(url, params, { timestamp = Math.floor(Date.now() / 1000), nonce = crypto.randomBytes(16).toString('base64'), iv } = {}) {
    const o = this.#o
    const path = urlPath(url)
    const body = sealBody(o.key, o.symmetricKeySn, path, o.appId, timestamp, { _n: nonce, _appid: o.appId, _timestamp: timestamp, ...params }, iv)
    const sig = sign(o.priv, `${path}\n${o.appId}\n${timestamp}\n${body}`)
    return { headers: { 'Wechatmp-Appid': o.appId, 'Wechatmp-TimeStamp': String(timestamp), 'Wechatmp-Signature': sig, 'Wechatmp-Serial': o.privateKeySn }, body }
  }
  async openResponse(url, { headers, body }, { now = Math.floor(Date.now() / 1000) } = {}) {
    const o = this.#o
    const path = urlPath(url)
    const ts = header(headers, 'Wechatmp-TimeStamp')
    const pairs = [[header(headers, 'Wechatmp-Serial'), header(headers, 'Wechatmp-Signature')], [header(headers, 'Wechatmp-Serial-Deprecated'), header(headers, 'Wechatmp-Signature-Deprecated')]]
    const pair = pairs.find(([sn, sig]) => sn && sig && o.certs.has(sn))
    if (!ts || !pair) throw fail(40234)
    if (!verify(o.certs.get(pair[0]), `${path}\n${o.appId}\n${ts}\n${body}`, pair[1])) throw fail(40234)
    if (Math.abs(now - Number(ts)) > (o.maxSkewSeconds ?? 300)) throw fail(40240)
    let out
    try {
      out = openBody(o.key, o.symmetricKeySn, path, o.appId, ts, typeof body === 'string' ? body : Buffer.from(body).toString())
    } catch {
      throw fail(40235)
    }
    if (out._appid !== o.appId) throw fail(40236)
    if (String(out._timestamp) !== ts) throw fail(40240)
    delete out._n
    delete out._appid
    delete out._timestamp
    return out
  }
}

class ApiSecurityPlatform {
  #o
  constructor(o) {
    this.#o = { ...o, key: Buffer.from(o.symmetricKey, 'base64'), app: crypto.createPublicKey(o.appPublicKey), priv: crypto.createPrivateKey(o.platformPrivateKey), dep: o.deprecated && { sn: o.deprecated.sn, priv: crypto.createPrivateKey(o.deprecated.privateKey) } }
  }
  async openRequest(url, { headers, body }, { now = Math.floor(Date.now() / 1000) } = {}) {
    const o = this.#o
    const path = urlPath(url)
    const appid = header(headers, 'Wechatmp-Appid')
    const ts = header(headers, 'Wechatmp-TimeStamp')
    const sig = header(headers, 'Wechatmp-Signature')
    const serial = header(headers, 'Wechatmp-Serial')
    if (!appid) throw fail(40233)
    if (!ts) throw fail(40231)
    if (!sig) throw fail(40232)
    if (appid !== o.appId) throw fail(40236)
    if (!/^\d+$/.test(ts) || Math.abs(now - Number(ts)) > (o.maxSkewSeconds ?? 300)) throw fail(40240)
    if (serial && serial !== o.appKeySn) throw fail(40239)
    if (!verify(o.app, `${path}\n${appid}\n${ts}\n${body}`, sig)) throw fail(40234)
    let out
    try {
      out = openBody(o.key, o.symmetricKeySn, path, appid, ts, body)
    } catch {
      throw fail(40235)
    }
    if (out._appid !== appid) throw fail(40236)
    if (String(out._timestamp) !== ts) throw fail(40240)
    delete out._n
    delete out._appid
    delete out._timestamp
    return out
  }
  async sealResponse(url, answer, { timestamp = Math.floor(Date.now() / 1000) } = {}) {
    const o = this.#o
    const path = urlPath(url)
    const body = sealBody(o.key, o.symmetricKeySn, path, o.appId, timestamp, { _n: crypto.randomBytes(16).toString('base64'), _appid: o.appId, _timestamp: timestamp, ...answer })
    const m = `${path}\n${o.appId}\n${timestamp}\n${body}`
    const headers = { 'Wechatmp-Appid': o.appId, 'Wechatmp-TimeStamp': String(timestamp), 'Wechatmp-Serial': o.platformSn, 'Wechatmp-Signature': sign(o.priv, m) }
    if (o.dep) Object.assign(headers, { 'Wechatmp-Serial-Deprecated': o.dep.sn, 'Wechatmp-Signature-Deprecated': sign(o.dep.priv, m) })
    return { headers, body }
  }
}

module.exports = { ApiSecurity, ApiSecurityPlatform }
