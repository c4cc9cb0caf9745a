'use strict'
// The simulator's platform side of the server-API security mode (服务端 API 签名加密): with
// `createSimulator({ apiSecurity })` it demands sealed requests to the APIs of
// ../client/secure-apis.js, rejects the rest with WeChat's 40230-40240 answers, seals its own
// answers, and runs certificate rotations. The crypto is the package's ApiSecurityPlatform (the
// core's platform side); the local key set comes from generateApiSecurityKeys (node:crypto).
const crypto = require('node:crypto')
const { SECURE_APIS, supportsApiSecurity } = require('../client/secure-apis.js')
const { policy } = require('../crypto/policy.js')

const ALGORITHM = 'AES256_GCM+RSAwithSHA256'

// The errmsg of each rejection: the name of WeChat's code in its guide's error table, from the
// core's table (lib/crypto/policy.js, wxcrypt::Error::ALL). WeChat's exact errmsg text for these is
// not published; the simulator appends its `, rid: ...` as for every error.
const ERRMSG = Object.fromEntries(policy.errors.filter((e) => e.errcode >= 40230 && e.errcode <= 40240).map((e) => [e.errcode, e.name]))

/** A 32-hex-digit 编号 like the MP admin's (it is not a certificate serial number). */
function newSn() {
  return crypto.randomBytes(16).toString('hex')
}

function rsaPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  }
}

/**
 * A local key set for the simulator (AES256_GCM + RSAwithSHA256): the app's side (ApiSecurity /
 * WeChatClient `apiSecurity` options) and the platform's (createSimulator `apiSecurity`). The
 * "platform certificate" is the platform's public key as SPKI PEM, which ApiSecurity accepts in
 * place of a certificate (the core reads certificates, SPKI and PKCS#1 public keys alike).
 * Never use these keys with WeChat: they are made here, for local tests.
 */
function generateApiSecurityKeys({ appId, algorithm = ALGORITHM } = {}) {
  if (typeof appId !== 'string' || !appId) throw new TypeError('generateApiSecurityKeys needs { appId }')
  if (algorithm !== ALGORITHM) throw new TypeError(`generateApiSecurityKeys makes ${ALGORITHM} key sets only`)
  const symmetricKey = crypto.randomBytes(32).toString('base64')
  const symmetricKeySn = newSn()
  const appKeys = rsaPair()
  const appKeySn = newSn()
  const platformKeys = rsaPair()
  const platformSn = newSn()
  return {
    app: {
      appId,
      algorithm,
      symmetricKey,
      symmetricKeySn,
      privateKey: appKeys.privateKey,
      privateKeySn: appKeySn,
      platformCertificates: [{ sn: platformSn, certificate: platformKeys.publicKey }],
    },
    platform: {
      appId,
      algorithm,
      symmetricKey,
      symmetricKeySn,
      appPublicKey: appKeys.publicKey,
      appKeySn,
      platformPrivateKey: platformKeys.privateKey,
      platformSn,
    },
  }
}

function platformClass(options) {
  if (typeof options.ApiSecurityPlatform === 'function') return options.ApiSecurityPlatform
  const cls = require('../crypto/node.js').ApiSecurityPlatform
  if (typeof cls !== 'function') throw new TypeError('this wxcrypt build has no ApiSecurityPlatform')
  return cls
}

/** The secure side of one simulator; `appId` must be the platform options' appId. */
function createSecureSide(options, { appId, now }) {
  if (!options || typeof options !== 'object') throw new TypeError('options.apiSecurity must be the platform key set (generateApiSecurityKeys().platform)')
  const Platform = platformClass(options)
  const { ApiSecurityPlatform: _cls, ...initial } = options
  if (initial.appId !== undefined && initial.appId !== appId) throw new TypeError('options.apiSecurity.appId must be options.appId')
  let config = { ...initial, appId }
  let platform = new Platform(config)
  const counters = { secureRequests: 0, secureRejected: 0 }
  const seconds = () => Math.floor(now() / 1000)

  return {
    counters,
    handles: supportsApiSecurity,

    /**
     * Opens a request to a secure API: `{ q, body, text }` as the plain route takes them, or
     * `{ err }` with WeChat's 40230-40240 answer.
     */
    async open(fullUrl, path, query, headers, text) {
      counters.secureRequests++
      let params
      try {
        params = await platform.openRequest(fullUrl, { headers, body: text }, { now: seconds() })
      } catch (err) {
        counters.secureRejected++
        const errcode = err && ERRMSG[err.errcode] ? err.errcode : 40235
        return { err: { errcode, errmsg: ERRMSG[errcode] } }
      }
      const q = new URLSearchParams(query)
      if (SECURE_APIS[path].params === 'query') {
        for (const [k, v] of Object.entries(params)) q.set(k, String(v))
        return { q, body: undefined, text: '' }
      }
      return { q, body: params, text: JSON.stringify(params) }
    },

    /** `{ headers, body }` of a sealed answer. */
    seal(fullUrl, answer) {
      return platform.sealResponse(fullUrl, answer, { timestamp: seconds() })
    },

    /**
     * Starts a certificate rotation: a new platform key and 编号 sign every answer, the current
     * one keeps signing as `Wechatmp-Serial-Deprecated`. Returns the new `{ sn, certificate }`
     * (what the MP admin offers for download).
     */
    rotateCertificate() {
      const next = rsaPair()
      const sn = newSn()
      config = { ...config, platformPrivateKey: next.privateKey, platformSn: sn, deprecated: { privateKey: config.platformPrivateKey, sn: config.platformSn } }
      platform = new Platform(config)
      return { sn, certificate: next.publicKey }
    },

    /** Ends a rotation: only the new certificate signs. */
    finishRotation() {
      const { deprecated: _old, ...rest } = config
      config = rest
      platform = new Platform(config)
    },
  }
}

module.exports = { createSecureSide, generateApiSecurityKeys, ERRMSG }
