'use strict'
// A small seeded PRNG (xorshift32) for the random-case suites, so a failing case can be replayed:
// the seed comes from the environment variable named (e.g. PARITY_SEED), else at random.
const crypto = require('node:crypto')

function seeded(envName) {
  const seed = Number(process.env[envName] || crypto.randomInt(1, 2 ** 31))
  let state = seed
  function rand() {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
  const int = (n) => Math.floor(rand() * n)
  const pick = (xs) => xs[int(xs.length)]
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)))
  return { seed, rand, int, pick, bytes }
}

module.exports = { seeded }
