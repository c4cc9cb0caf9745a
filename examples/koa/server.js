'use strict'
// Runs the Koa demo against the real WeChat API:
//   WECHAT_APPID=wx... WECHAT_SECRET=... [WECHAT_PUSH_TOKEN=... WECHAT_AES_KEY=...] [REDIS_URL=redis://...] [PORT=3000] node examples/koa/server.js
// REDIS_URL puts the sessions and the access token in Redis (wxcrypt/redis), so several processes
// (examples/koa/cluster.js, pm2 -i, Kubernetes replicas) share them; without it they stay in memory.
// (`npm start` runs it against the local simulator instead: examples/start.js.)
const { createApp } = require('./app.js')

/** The app (and its store) from the environment; `require.main` listens on PORT. */
function createFromEnv(env = process.env) {
  const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, WECHAT_PUSH_TOKEN, WECHAT_AES_KEY, REDIS_URL } = env
  if (!WECHAT_APPID || !WECHAT_SECRET) {
    console.error('Set WECHAT_APPID and WECHAT_SECRET (or run `npm start` for the simulator demo).')
    process.exit(1)
  }
  const store = REDIS_URL ? require('wxcrypt/redis').createRedisStore({ url: REDIS_URL }) : undefined
  const app = createApp({
    wechat: { appId: WECHAT_APPID, secret: WECHAT_SECRET, baseUrl: WECHAT_BASE_URL },
    push: WECHAT_PUSH_TOKEN ? { token: WECHAT_PUSH_TOKEN, encodingAESKey: WECHAT_AES_KEY } : undefined,
    store,
  })
  return { app, store }
}

if (require.main === module) {
  const { PORT = '3000', REDIS_URL } = process.env
  const { app } = createFromEnv()
  app.listen(Number(PORT), () => console.log(`wxcrypt Koa demo on http://localhost:${PORT} (sessions ${REDIS_URL ? 'in Redis' : 'in memory'})`))
}

module.exports = { createFromEnv }
