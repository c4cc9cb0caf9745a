'use strict'
// The host's RSA with node:crypto (OpenSSL), for ApiSecurity (RSA-PSS SHA-256) and WeChat Pay
// (SHA256withRSA, RSASSA-PKCS1-v1_5 SHA-256) on Node and Bun: one layer for both, the keys always
// those the core validated and exported (PKCS#8 DER / SPKI DER, base64), each imported once into
// a KeyObject. Where each operation runs is measured per feature (bench/api-security.mjs,
// bench/pay.mjs).
const crypto = require('node:crypto')

/**
 * Signature: `(pkcs8Base64) => (toSign) => base64`, synchronous (callers await it as they await
 * WebCrypto's promise). `scheme` 'pss' (ApiSecurity, salt 32, the default): `toSign` is the
 * text. 'pkcs1' (WeChat Pay's SHA256withRSA): `make.digest` is true and `toSign` is the base64
 * of the SHA-256 DigestInfo the core built (wxcrypt::pki::pkcs1v15_sha256_digest_info), which
 * `privateEncrypt` pads (type 1) and exponentiates: the same signature as
 * `crypto.sign('sha256', text, key)`, by the same OpenSSL RSA (blinded, constant-time), without
 * the digest context `crypto.sign` sets up on every call (bench/pay.mjs: about 2 µs of 218).
 * `.verifier` is {@link nodeVerifier} of the same scheme.
 */
function nodeSigner(scheme = 'pss') {
  const make = (pkcs8) => {
    const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' })
    if (scheme === 'pkcs1') {
      // A bare KeyObject: privateEncrypt's padding is RSA_PKCS1_PADDING (type 1) by default, and
      // no options object is read on every call.
      return (digestInfo) => crypto.privateEncrypt(key, Buffer.from(digestInfo, 'base64')).toString('base64')
    }
    const opts = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    return (text) => crypto.sign('sha256', Buffer.from(text, 'utf8'), opts).toString('base64')
  }
  make.host = 'node:crypto'
  make.digest = scheme === 'pkcs1'
  make.verifier = nodeVerifier(scheme)
  return make
}

/**
 * Verification with a platform key the core validated (base64 SPKI DER, imported once):
 * `(spkiBase64) => (text, signatureBase64) => boolean`. 'pss': RSASSA-PSS SHA-256, any salt
 * length (as the core's); 'pkcs1': RSASSA-PKCS1-v1_5 SHA-256. Synchronous: a public-key
 * operation is cheap enough that a job on the thread pool costs more than it.
 */
function nodeVerifier(scheme = 'pss') {
  const make = (spki) => {
    const key = crypto.createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' })
    const opts = scheme === 'pkcs1' ? key : { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }
    return (text, sig) => crypto.verify('sha256', Buffer.from(text, 'utf8'), opts, Buffer.from(sig, 'base64'))
  }
  make.host = 'node:crypto'
  return make
}

module.exports = { nodeSigner, nodeVerifier }
