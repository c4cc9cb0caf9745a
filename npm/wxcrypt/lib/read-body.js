'use strict'
// Reads a Node request stream, shared by the push middlewares (lib/push/push.js) and the simulator
// (lib/simulator/simulator.js). Node only; loads no backend.

/** Reads a request stream as UTF-8, up to `limit` bytes (beyond it: an error with status 413). */
function readBody(stream, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    stream.on('data', (c) => {
      size += c.length
      if (size > limit) {
        const err = new Error('request body too large')
        err.status = 413
        reject(err)
        stream.destroy()
        return
      }
      chunks.push(c)
    })
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    stream.on('error', reject)
  })
}

module.exports = { readBody }
