'use strict'
// RSA-PSS SHA-256 salt 32 with WebCrypto (crypto.subtle), for ApiSecurity on the edge: a Worker
// has a CPU budget and the runtime's native RSA is several times faster than RSA in wasm
// (bench/api-security.mjs). The key is the PKCS#8 DER the core validated, imported once.

const encoder = new TextEncoder()

function toBase64(bytes) {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i])
  return btoa(s)
}

function fromBase64(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
}

/**
 * `(pkcs8Base64) => (stringToSign) => Promise<base64>`, or undefined without crypto.subtle.
 * `scheme` 'pss' (ApiSecurity, the default) or 'pkcs1' (RSASSA-PKCS1-v1_5 SHA-256, WeChat Pay).
 */
function webCryptoSigner(scheme = 'pss') {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined || typeof subtle.importKey !== 'function') return undefined
  const make = (pkcs8) => {
    const name = scheme === 'pkcs1' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS'
    const params = scheme === 'pkcs1' ? { name } : { name, saltLength: 32 }
    const key = subtle.importKey('pkcs8', fromBase64(pkcs8), { name, hash: 'SHA-256' }, false, ['sign'])
    return async (text) => toBase64(new Uint8Array(await subtle.sign(params, await key, encoder.encode(text))))
  }
  make.host = 'webcrypto'
  // RSASSA-PSS SHA-256 salt 32 verification of an answer with the platform key the core
  // validated (SPKI DER): `(spkiBase64) => (text, sigBase64) => Promise<bool>` (WebCrypto fixes
  // the salt length; WeChat's is 32: a signature with another salt fails closed).
  make.verifier = (spki) => {
    const key = subtle.importKey('spki', fromBase64(spki), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify'])
    return async (text, sig) => subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, await key, fromBase64(sig), encoder.encode(text))
  }
  return make
}

/**
 * SHA256withRSA (RSASSA-PKCS1-v1_5) verification with WebCrypto, the key imported once from the
 * SPKI PEM the core validated: `(spkiPem) => (message, signatureB64) => Promise<boolean>`, or
 * undefined without crypto.subtle.
 */
function webCryptoVerifier() {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined || typeof subtle.importKey !== 'function') return undefined
  const make = (spkiPem) => {
    const der = fromBase64(spkiPem.replace(/-----[^-]+-----|\s/g, ''))
    const key = subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    return async (text, signature) => subtle.verify('RSASSA-PKCS1-v1_5', await key, fromBase64(signature), encoder.encode(text))
  }
  make.host = 'webcrypto'
  return make
}

module.exports = { webCryptoSigner, webCryptoVerifier }
