'use strict'
// Lowercase hex from Web Crypto (Node 20+, Deno, Bun, edge runtimes): the session store's tokens,
// the token cache's lock owners, checkEncryptedData's hash.

/** Lowercase hex of `n` random bytes. */
function randomHex(n) {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(n))
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

/** The lowercase hex SHA-256 of a string's UTF-8 bytes. */
async function sha256Hex(text) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  let out = ''
  for (const b of new Uint8Array(digest)) out += b.toString(16).padStart(2, '0')
  return out
}

module.exports = { randomHex, sha256Hex }
