'use strict'
// The host's RSA with WebCrypto (crypto.subtle), for ApiSecurity (RSA-PSS SHA-256) and WeChat Pay
// (SHA256withRSA, RSASSA-PKCS1-v1_5 SHA-256) on the edge: a Worker has a CPU budget and the
// runtime's native RSA is several times faster than RSA in wasm (bench/api-security.mjs,
// bench/pay.mjs). One layer for both features, the keys always those the core validated and
// exported (PKCS#8 DER / SPKI DER, base64), each imported once.

const encoder = new TextEncoder()

function toBase64(bytes) {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i])
  return btoa(s)
}

function fromBase64(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
}

function algorithm(scheme) {
  return scheme === 'pkcs1' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'RSA-PSS', saltLength: 32 }
}

/** A key import, its failure handled where the key is used (no unhandled rejection meanwhile). */
function imported(promise) {
  promise.catch(() => {})
  return promise
}

/**
 * Signature: `(pkcs8Base64) => (text) => Promise<base64>`, or undefined without crypto.subtle.
 * `scheme` 'pss' (ApiSecurity, salt 32, the default) or 'pkcs1' (WeChat Pay's SHA256withRSA).
 * `.verifier` is {@link webCryptoVerifier} of the same scheme.
 */
function webCryptoSigner(scheme = 'pss') {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined || typeof subtle.importKey !== 'function') return undefined
  const params = algorithm(scheme)
  const make = (pkcs8) => {
    const key = imported(subtle.importKey('pkcs8', fromBase64(pkcs8), { name: params.name, hash: 'SHA-256' }, false, ['sign']))
    return async (text) => toBase64(new Uint8Array(await subtle.sign(params, await key, encoder.encode(text))))
  }
  make.host = 'webcrypto'
  make.verifier = webCryptoVerifier(scheme)
  return make
}

/**
 * Verification with a platform key the core validated (base64 SPKI DER, imported once):
 * `(spkiBase64) => (text, signatureBase64) => Promise<boolean>`, or undefined without
 * crypto.subtle. 'pss': RSA-PSS SHA-256 salt 32 (WebCrypto fixes the salt length; WeChat's is
 * 32: a signature with another salt fails closed); 'pkcs1': RSASSA-PKCS1-v1_5 SHA-256.
 */
function webCryptoVerifier(scheme = 'pss') {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined || typeof subtle.importKey !== 'function') return undefined
  const params = algorithm(scheme)
  const make = (spki) => {
    const key = imported(subtle.importKey('spki', fromBase64(spki), { name: params.name, hash: 'SHA-256' }, false, ['verify']))
    return async (text, sig) => subtle.verify(params, await key, fromBase64(sig), encoder.encode(text))
  }
  make.host = 'webcrypto'
  return make
}

module.exports = { webCryptoSigner, webCryptoVerifier }
