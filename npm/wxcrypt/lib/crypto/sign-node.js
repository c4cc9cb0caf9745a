'use strict'
// RSA-PSS SHA-256 salt 32 with node:crypto (OpenSSL) and a KeyObject made once, for ApiSecurity
// on Node and Bun: measured faster than the core's RSA on both backends and than WebCrypto
// (bench/api-security.mjs). The key is the PKCS#8 DER the core validated.
const crypto = require('node:crypto')

// `scheme` 'pss' (ApiSecurity, the default) or 'pkcs1' (RSASSA-PKCS1-v1_5 SHA-256, WeChat Pay's
// SHA256withRSA).
function nodeSigner(scheme = 'pss') {
  const make = (pkcs8) => {
    const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' })
    const opts = scheme === 'pkcs1' ? { key } : { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    return async (text) => crypto.sign('sha256', Buffer.from(text, 'utf8'), opts).toString('base64')
  }
  make.host = 'node:crypto'
  // RSASSA-PSS SHA-256 verification (any salt length, as the core's) of an answer, with the
  // platform key the core validated (SPKI DER): `(spkiBase64) => (text, sigBase64) => Promise<bool>`.
  make.verifier = (spki) => {
    const key = crypto.createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' })
    const opts = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }
    return async (text, sig) => crypto.verify('sha256', Buffer.from(text, 'utf8'), opts, Buffer.from(sig, 'base64'))
  }
  return make
}

/**
 * SHA256withRSA (RSASSA-PKCS1-v1_5) verification with node:crypto and a KeyObject made once from
 * the SPKI PEM the core validated (WeChat Pay's platform keys): `(spkiPem) => (message, signatureB64)
 * => boolean`. The core has already checked the signature's base64 and length.
 */
function nodeVerifier() {
  const make = (spkiPem) => {
    const key = crypto.createPublicKey(spkiPem)
    return (text, signature) => crypto.verify('sha256', Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'))
  }
  make.host = 'node:crypto'
  return make
}

module.exports = { nodeSigner, nodeVerifier }
