'use strict'
// A local WeChat API simulator for tests and demos (Node only): the server APIs a mini-program
// backend calls (jscode2session, cgi-bin/token, cgi-bin/stable_token, getuserphonenumber,
// checksession, checkencryptedmsg, resetusersessionkey, getuserencryptkey) with WeChat's behaviour
// and errcodes, and the mini-program side (wx.login codes,
// encryptedData + iv + rawData + signature, phone-number codes) that a test drives.
const crypto = require('node:crypto')
const { readBody } = require('../read-body.js')
const { createSecureSide, generateApiSecurityKeys } = require('./api-security.js')
const { sha1, safeEqual, phoneInfo, listen } = require('./helpers.js')

const CODE_TTL_MS = 5 * 60 * 1000
const OLD_TOKEN_GRACE_MS = 5 * 60 * 1000
// checkencryptedmsg knows the data WeChat made in the last 3 days.
const ENCRYPTED_DATA_DAYS_MS = 3 * 24 * 60 * 60 * 1000
// getuserencryptkey: each key lives 3600 s; the last 3 are listed.
const ENCRYPT_KEY_LIFE_S = 3600

function b64url(bytes) {
  return crypto.randomBytes(bytes).toString('base64url')
}

function newOpenid() {
  // 28 characters like a real openid ("o" + 27 base64url characters).
  return 'o' + b64url(21).slice(0, 27)
}

const ERR = {
  appidMissing: { errcode: 41002, errmsg: 'appid missing' },
  secretMissing: { errcode: 41004, errmsg: 'appsecret missing' },
  codeMissing: { errcode: 41008, errmsg: 'missing code' },
  badAppid: { errcode: 40013, errmsg: 'invalid appid' },
  badSecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  badCode: { errcode: 40029, errmsg: 'invalid code' },
  badGrant: { errcode: 40002, errmsg: 'invalid grant_type' },
  tokenMissing: { errcode: 41001, errmsg: 'access_token missing' },
  badToken: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' },
  expiredToken: { errcode: 42001, errmsg: 'access_token expired' },
  badOpenid: { errcode: 40003, errmsg: 'invalid openid' },
  badSigMethod: { errcode: 40097, errmsg: 'invalid args: sig_method must be hmac_sha256' },
  badSignature: { errcode: 87009, errmsg: 'invalid signature' },
  badHash: { errcode: 40097, errmsg: 'invalid args: encrypted_msg_hash' },
  emptyData: { errcode: 44002, errmsg: 'empty post data' },
  badJson: { errcode: 47001, errmsg: 'data format error' },
  unknownData: { errcode: 1, errmsg: 'encrypted data not exist' },
  notFound: { errcode: 404, errmsg: 'unknown api' },
}

function rid() {
  return `, rid: ${crypto.randomBytes(6).toString('hex')}`
}

/**
 * Starts a simulator on 127.0.0.1.
 *
 * @param {object} options
 * @param {string} options.appId the only appid it accepts
 * @param {string} options.secret the appsecret it accepts
 * @param {number} [options.port] default 0 (a free port)
 * @param {number} [options.expiresIn] access token lifetime in seconds, default 7200
 * @param {() => number} [options.now] clock in milliseconds (tests move it), default Date.now
 * @param {object} [options.apiSecurity] plays WeChat in server-API security mode: the platform key
 *   set (`generateApiSecurityKeys({ appId }).platform`); see ./api-security.js
 */
async function createSimulator(options) {
  if (!options || typeof options !== 'object') throw new TypeError('createSimulator needs { appId, secret }')
  const { appId, secret, port = 0, expiresIn = 7200, now = Date.now, apiSecurity } = options
  if (typeof appId !== 'string' || !appId) throw new TypeError('options.appId must be a non-empty string')
  if (typeof secret !== 'string' || !secret) throw new TypeError('options.secret must be a non-empty string')

  const secure = apiSecurity === undefined ? null : createSecureSide(apiSecurity, { appId, now })
  const users = new Map() // openid -> { sessionKey, unionid }
  const loginCodes = new Map() // code -> { openid, sessionKey, unionid, issuedAt, used }
  const phoneCodes = new Map() // code -> { openid, info, issuedAt, used }
  const tokens = new Map() // access_token -> expiresAt (ms)
  let stable = null // { value, expiresAt } the token stable_token hands out
  const failures = [] // { api, errcode, errmsg, times }
  const encrypted = new Map() // sha256 hex of encryptedData (the base64 text) -> created at (ms)
  const counters = {
    requests: 0,
    jscode2session: 0,
    tokenRequests: 0,
    phoneNumberRequests: 0,
    checkSessionRequests: 0,
    checkEncryptedRequests: 0,
    resetSessionKeyRequests: 0,
    encryptKeyRequests: 0,
    errors: 0,
  }

  function mintToken() {
    const value = `SIM_${b64url(48)}`
    const expiresAt = now() + expiresIn * 1000
    tokens.set(value, expiresAt)
    return { value, expiresAt }
  }

  function checkCredentials(appid, sec) {
    if (!appid) return ERR.appidMissing
    if (appid !== appId) return ERR.badAppid
    if (!sec) return ERR.secretMissing
    if (sec !== secret) return ERR.badSecret
    return null
  }

  function checkToken(token) {
    if (!token) return ERR.tokenMissing
    const expiresAt = tokens.get(token)
    if (expiresAt === undefined) return ERR.badToken
    if (now() >= expiresAt) return ERR.expiredToken
    return null
  }

  /** The user behind a request signed with `hmac_sha256(session_key, "")`, or the errcode. */
  function signedUser(q) {
    const bad = checkToken(q.get('access_token'))
    if (bad) return { err: bad }
    if (q.get('sig_method') !== 'hmac_sha256') return { err: ERR.badSigMethod }
    const openid = q.get('openid') || ''
    const user = users.get(openid)
    if (!user) return { err: ERR.badOpenid }
    const want = crypto.createHmac('sha256', Buffer.from(user.sessionKey, 'utf8')).update('').digest('hex')
    if (!safeEqual(want, q.get('signature') || '')) return { err: ERR.badSignature }
    return { openid, user }
  }

  function takeCode(map, code) {
    const entry = map.get(code)
    if (!entry || entry.used || now() - entry.issuedAt >= CODE_TTL_MS) return null
    entry.used = true
    return entry
  }

  let base = '' // the simulator's URL, once listening (the security mode's AAD and signed string use it)
  const routes = {
    'GET /sns/jscode2session'(q) {
      const bad = checkCredentials(q.get('appid'), q.get('secret'))
      if (bad) return bad
      if (q.get('grant_type') !== 'authorization_code') return ERR.badGrant
      const code = q.get('js_code')
      if (!code) return ERR.codeMissing
      const entry = takeCode(loginCodes, code)
      if (!entry) return ERR.badCode
      const out = { openid: entry.openid, session_key: entry.sessionKey }
      if (entry.unionid) out.unionid = entry.unionid
      return out
    },
    'GET /cgi-bin/token'(q) {
      if (q.get('grant_type') !== 'client_credential') return ERR.badGrant
      const bad = checkCredentials(q.get('appid'), q.get('secret'))
      if (bad) return bad
      // Each call issues a new token; older ones stay valid for 5 more minutes.
      const t = now()
      for (const [value, exp] of tokens) tokens.set(value, Math.min(exp, t + OLD_TOKEN_GRACE_MS))
      const fresh = mintToken()
      stable = fresh
      return { access_token: fresh.value, expires_in: expiresIn }
    },
    'POST /cgi-bin/stable_token'(q, body) {
      if (!body || body.grant_type !== 'client_credential') return ERR.badGrant
      const bad = checkCredentials(body.appid, body.secret)
      if (bad) return bad
      const t = now()
      if (body.force_refresh === true) {
        // Force refresh: the previous token stops working at once.
        if (stable) tokens.delete(stable.value)
        stable = mintToken()
      } else if (!stable || !tokens.has(stable.value) || stable.expiresAt - t <= Math.min(OLD_TOKEN_GRACE_MS, (expiresIn * 1000) / 2)) {
        // Normal mode: the same token while it is valid; a new one in its last minutes (the old
        // one keeps working until it expires).
        stable = mintToken()
      }
      return { access_token: stable.value, expires_in: Math.floor((stable.expiresAt - t) / 1000) }
    },
    'POST /wxa/business/getuserphonenumber'(q, body) {
      const bad = checkToken(q.get('access_token'))
      if (bad) return bad
      if (!body || typeof body.code !== 'string' || !body.code) return ERR.codeMissing
      const entry = takeCode(phoneCodes, body.code)
      if (!entry) return ERR.badCode
      if (body.openid !== undefined && body.openid !== entry.openid) return ERR.badCode
      return { errcode: 0, errmsg: 'ok', phone_info: { ...entry.info, watermark: { timestamp: Math.floor(now() / 1000), appid: appId } } }
    },
    'GET /wxa/checksession'(q) {
      const { err } = signedUser(q)
      return err || { errcode: 0, errmsg: 'ok' }
    },
    'POST /wxa/business/checkencryptedmsg'(q, body, text) {
      const bad = checkToken(q.get('access_token'))
      if (bad) return bad
      if (!text) return ERR.emptyData
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return ERR.badJson
      const hash = body.encrypted_msg_hash
      if (hash === undefined || hash === '') return ERR.emptyData
      if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) return ERR.badHash
      const createdAt = encrypted.get(hash.toLowerCase())
      if (createdAt === undefined || now() - createdAt >= ENCRYPTED_DATA_DAYS_MS) return ERR.unknownData
      // Sic: WeChat spells the field `vaild`.
      return { errcode: 0, errmsg: 'ok', vaild: true, create_time: Math.floor(createdAt / 1000) }
    },
    'GET /wxa/resetusersessionkey'(q) {
      const { err, openid, user } = signedUser(q)
      if (err) return err
      // The old key stops working at once; the new one keeps the old one's expiry.
      user.sessionKey = crypto.randomBytes(16).toString('base64')
      return { errcode: 0, errmsg: 'ok', openid, session_key: user.sessionKey }
    },
    'POST /wxa/business/getuserencryptkey'(q, body, text) {
      // Everything goes in the query: WeChat answers any request body, even `{}`, with 87009.
      if (text) return checkToken(q.get('access_token')) || ERR.badSignature
      const { err, user } = signedUser(q)
      if (err) return err
      const t = Math.floor(now() / 1000)
      const keys = (user.encryptKeys ||= [])
      if (keys.length === 0 || t >= keys[0].create_time + ENCRYPT_KEY_LIFE_S) {
        keys.unshift({
          encrypt_key: crypto.randomBytes(16).toString('base64'),
          version: keys.length ? keys[0].version + 1 : 1,
          iv: crypto.randomBytes(8).toString('hex'),
          create_time: t,
        })
        keys.length = Math.min(keys.length, 3)
      }
      const key_info_list = keys.map((k) => ({
        encrypt_key: k.encrypt_key,
        version: k.version,
        expire_in: Math.max(0, k.create_time + ENCRYPT_KEY_LIFE_S - t),
        iv: k.iv,
        create_time: k.create_time,
      }))
      return { errcode: 0, errmsg: 'ok', key_info_list }
    },
  }

  const COUNTERS = {
    '/sns/jscode2session': 'jscode2session',
    '/cgi-bin/token': 'tokenRequests',
    '/cgi-bin/stable_token': 'tokenRequests',
    '/wxa/business/getuserphonenumber': 'phoneNumberRequests',
    '/wxa/checksession': 'checkSessionRequests',
    '/wxa/business/checkencryptedmsg': 'checkEncryptedRequests',
    '/wxa/resetusersessionkey': 'resetSessionKeyRequests',
    '/wxa/business/getuserencryptkey': 'encryptKeyRequests',
  }

  async function handle(req, res) {
    counters.requests++
    const url = new URL(req.url, 'http://127.0.0.1')
    // In secure mode the APIs that support it take sealed POSTs only (./api-security.js).
    const sealed = secure !== null && secure.handles(url.pathname)
    const key = sealed ? `POST ${url.pathname}` : `${req.method} ${url.pathname}`
    const fullUrl = `${base}${url.pathname}`
    let out
    let rejected = false
    const route = routes[key]
    if (!route) out = ERR.notFound
    else {
      let body
      let text = ''
      let q = url.searchParams
      if (req.method === 'POST') {
        text = await readBody(req, 64 * 1024)
        try {
          body = text ? JSON.parse(text) : undefined
        } catch {
          body = undefined
        }
      }
      if (sealed) {
        const opened = await secure.open(fullUrl, url.pathname, url.search, req.headers, text)
        if (opened.err) [out, rejected] = [opened.err, true]
        else ({ q, body, text } = opened)
      }
      counters[COUNTERS[url.pathname]]++
      const failure = failures.find((f) => f.api === url.pathname && f.times > 0)
      if (out) {
        // Rejected by the security layer: WeChat's plain, unsigned answer.
      } else if (failure) {
        failure.times--
        out = { errcode: failure.errcode, errmsg: failure.errmsg }
      } else out = route(q, body, text)
    }
    if (out.errcode) {
      counters.errors++
      out = { errcode: out.errcode, errmsg: out.errmsg + rid() }
    }
    const answer = sealed && !rejected && route ? await secure.seal(fullUrl, out) : { headers: {}, body: JSON.stringify(out) }
    const text = answer.body
    // WeChat answers errors with HTTP 200 too.
    res.writeHead(200, { ...answer.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const server = await listen(handle, port)
  const url = `http://127.0.0.1:${server.address().port}`
  base = url

  function currentUser(openid) {
    const user = users.get(openid)
    if (!user) throw new Error(`unknown openid ${JSON.stringify(openid)}: call sim.login({ openid }) first`)
    return user
  }

  return {
    url,
    appId,
    server,

    /** `wx.login()`: a new single-use code, and a new session_key for this user. */
    login({ openid = newOpenid(), unionid } = {}) {
      const sessionKey = crypto.randomBytes(16).toString('base64')
      const prev = users.get(openid)
      const user = { sessionKey, unionid: unionid ?? (prev && prev.unionid), encryptKeys: prev && prev.encryptKeys }
      users.set(openid, user)
      const code = b64url(24)
      loginCodes.set(code, { openid, sessionKey, unionid: user.unionid, issuedAt: now(), used: false })
      return { code, openid }
    },

    /**
     * What the mini program receives from getUserInfo & co.: `data` plus a watermark encrypted
     * under the user's current session_key (AES-128-CBC, random iv), `rawData` (the JSON of
     * `data`) and `signature = sha1(rawData + session_key)`.
     */
    userData(openid, data) {
      const { sessionKey } = currentUser(openid)
      const rawData = JSON.stringify(data)
      const plain = JSON.stringify({ ...data, watermark: { timestamp: Math.floor(now() / 1000), appid: appId } })
      const iv = crypto.randomBytes(16)
      const cipher = crypto.createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
      const encryptedData = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64')
      // checkencryptedmsg knows phone-number data only (as on WeChat).
      if (data && typeof data === 'object' && 'phoneNumber' in data) {
        encrypted.set(crypto.createHash('sha256').update(encryptedData, 'utf8').digest('hex'), now())
      }
      return { encryptedData, iv: iv.toString('base64'), rawData, signature: sha1(rawData + sessionKey) }
    },

    /** The `code` a getPhoneNumber button hands the mini program (for getuserphonenumber). */
    phoneNumberCode(openid, phoneNumber) {
      currentUser(openid)
      const info = phoneInfo(String(phoneNumber))
      const code = b64url(24)
      phoneCodes.set(code, { openid, info, issuedAt: now(), used: false })
      return code
    },

    /** The user's current session_key (what jscode2session returned for the latest login). */
    sessionKey(openid) {
      return currentUser(openid).sessionKey
    },

    /** Makes the next `times` calls to `api` (a path such as '/sns/jscode2session') fail with `errcode`. */
    failNext(api, errcode = -1, times = 1, errmsg = errcode === -1 ? 'system error' : 'simulated error') {
      failures.push({ api, errcode, errmsg, times })
    },

    /** Invalidates every access token issued so far (the next API call gets 40001). */
    revokeTokens() {
      tokens.clear()
      stable = null
    },

    /** With `apiSecurity`: `rotateCertificate()` (answers signed by a new and the deprecated key; returns the new `{ sn, certificate }`) and `finishRotation()`. */
    apiSecurity: secure && { rotateCertificate: secure.rotateCertificate, finishRotation: secure.finishRotation },

    stats() {
      return secure ? { ...counters, ...secure.counters } : { ...counters }
    },

    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

module.exports = { createSimulator, phoneInfo, generateApiSecurityKeys }
module.exports.default = createSimulator
