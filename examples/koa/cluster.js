'use strict'
// The Koa demo on every core with node:cluster (what `pm2 start examples/koa/server.js -i max` does):
//   WECHAT_APPID=wx... WECHAT_SECRET=... REDIS_URL=redis://127.0.0.1:6379 [WORKERS=4] [PORT=3000] node examples/koa/cluster.js
// The workers share the port; a user may log in on one worker and call the next on another, so
// REDIS_URL is required: the sessions and the access token live in Redis. Each answer carries
// `x-worker: <id>` so you can see which worker served it.
const cluster = require('node:cluster')
const http = require('node:http')
const os = require('node:os')

if (cluster.isPrimary) {
  if (!process.env.REDIS_URL) {
    console.error('Set REDIS_URL: workers that keep sessions in memory do not know each other\'s logins.')
    process.exit(1)
  }
  const n = Number(process.env.WORKERS || os.availableParallelism())
  let listening = 0
  for (let i = 0; i < n; i++) cluster.fork()
  cluster.on('listening', () => {
    if (++listening === n) console.log(JSON.stringify({ event: 'cluster_ready', workers: n, port: Number(process.env.PORT || 3000) }))
  })
  // A worker that dies is reported, not silently replaced: a crash is a bug to see.
  cluster.on('exit', (worker, code, signal) => console.error(JSON.stringify({ event: 'worker_exit', worker: worker.id, code, signal })))
  const stop = () => {
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM')
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
} else {
  const { createFromEnv } = require('./server.js')
  const { app, store } = createFromEnv()
  const handle = app.callback()
  const id = String(cluster.worker.id)
  const server = http.createServer((req, res) => {
    res.setHeader('x-worker', id)
    handle(req, res)
  })
  server.listen(Number(process.env.PORT || 3000), process.env.HOST)
  process.once('SIGTERM', () => {
    server.close()
    server.closeAllConnections()
    Promise.resolve(store && store.close()).finally(() => process.exit(0))
  })
}
