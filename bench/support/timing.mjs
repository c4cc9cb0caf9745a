// The benches' clock (bench/api-security.mjs, bench/pay.mjs): noise-tolerant timing in one
// process on a shared machine.

/** One round of `fn` for `timeMs`: µs per call. */
export async function round(fn, timeMs) {
  let n = 0
  const t0 = process.hrtime.bigint()
  const end = t0 + BigInt(timeMs) * 1_000_000n
  let t = t0
  while (t < end) {
    await fn()
    n++
    t = process.hrtime.bigint()
  }
  return Number(t - t0) / 1000 / n
}

/**
 * Times `cands` (`[[name, fn], ...]`): each warmed up, then `rounds` rounds run interleaved (one
 * round of each candidate in turn, so a change in the machine's load falls on all alike), each
 * keeping its best round. Resolves to a Map name -> µs per call, in order.
 */
export async function interleaved(cands, { timeMs, rounds }) {
  for (const [, fn] of cands) for (let i = 0; i < 20; i++) await fn()
  const best = cands.map(() => Infinity)
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cands.length; i++) best[i] = Math.min(best[i], await round(cands[i][1], timeMs))
  }
  return new Map(cands.map(([name], i) => [name, best[i]]))
}
