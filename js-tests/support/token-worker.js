'use strict'
// One "process" of a cluster for js-tests/redis.test.js: a WeChatClient whose access token lives in
// Redis. Driven over IPC by the test: { cmd: 'tokens', n } -> n concurrent getAccessToken();
// { cmd: 'phones', codes } -> concurrent getPhoneNumber(); 'logs' -> the client's log entries.
const path = require('node:path')
const root = path.join(__dirname, '..', '..')
const { WeChatClient } = require(path.join(root, 'npm', 'wxcrypt', 'client.js'))
const { createRedisStore } = require(path.join(root, 'npm', 'wxcrypt', 'redis.js'))

const { APP_ID, SECRET, SIM_URL, REDIS_URL, PREFIX } = process.env
const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX, timeoutMs: 1000 })
const logs = []
const client = new WeChatClient({
  appId: APP_ID,
  secret: SECRET,
  baseUrl: SIM_URL,
  store,
  storeRetryMs: 200,
  retryDelayMs: 1,
  log: (e) => logs.push(e),
})

const settle = (promises) =>
  Promise.allSettled(promises).then((rs) => rs.map((r) => (r.status === 'fulfilled' ? { ok: r.value } : { err: `${r.reason && r.reason.name}: ${r.reason && r.reason.message}` })))

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'tokens') {
      const t0 = Date.now()
      const results = await settle(Array.from({ length: msg.n }, () => client.getAccessToken()))
      process.send({ cmd: 'tokens', results, ms: Date.now() - t0 })
    } else if (msg.cmd === 'phones') {
      const t0 = Date.now()
      const results = await settle(msg.codes.map((c) => client.getPhoneNumber(c).then((p) => p.purePhoneNumber)))
      process.send({ cmd: 'phones', results, ms: Date.now() - t0 })
    } else if (msg.cmd === 'logs') {
      process.send({ cmd: 'logs', logs })
    } else if (msg.cmd === 'exit') {
      await store.close()
      process.exit(0)
    }
  } catch (err) {
    process.send({ cmd: 'error', message: String(err && err.stack) })
  }
})

// Ready once the store answers (the first connection is up).
;(async () => {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await store.get('probe')
      break
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  process.send({ cmd: 'ready' })
})().catch((err) => {
  process.send({ cmd: 'error', message: String(err && err.stack) })
  process.exit(1)
})
