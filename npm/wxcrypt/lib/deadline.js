'use strict'
// The one time bound of a call to an outside service (WeChat's APIs, WeChat Pay). An
// AbortController alone is not enough: a fetch given in the options may ignore its signal, and a
// body stream may never end and ignore the abort, so the caller would wait forever. Here the call
// is raced against the deadline: at `ms` the signal is aborted AND the promise rejects, whatever
// the call does. Only globals (AbortController, setTimeout): scripts/build-js.mjs mirrors this
// file to ESM for the edge entries.

/** The rejection of a call that outlived its deadline (callers turn it into their ETIMEDOUT). */
class DeadlineError extends Error {
  constructor(ms) {
    super(`no answer within ${ms} ms`)
    this.name = 'DeadlineError'
  }
}

/**
 * `fn(signal)`, settled within `ms`: its result, its failure, or a DeadlineError at `ms` (the
 * signal then aborted). The timer is cleared as soon as `fn` settles; a failure of `fn` after the
 * deadline is swallowed (nobody waits for it, and it must not be an unhandled rejection).
 */
function withDeadline(ms, fn) {
  const ctl = new AbortController()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ctl.abort()
      // Synchronously after the abort: a call that rejects on abort settles a microtask later,
      // so the deadline is what the caller sees (as a timed-out fetch always was).
      reject(new DeadlineError(ms))
    }, ms)
    let call
    try {
      call = Promise.resolve(fn(ctl.signal))
    } catch (err) {
      call = Promise.reject(err)
    }
    // Settling twice is a no-op, so the loser (either side) is simply ignored.
    call.then(resolve, reject).finally(() => clearTimeout(timer))
  })
}

module.exports = { DeadlineError, withDeadline }
