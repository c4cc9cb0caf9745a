'use strict'
// Runs the Koa demo against the real WeChat API:
//   WECHAT_APPID=wx... WECHAT_SECRET=... [WECHAT_PUSH_TOKEN=... WECHAT_AES_KEY=...] [PORT=3000] node examples/koa/server.js
// (`npm start` runs it against the local simulator instead: examples/start.js.)
const { createApp } = require('./app.js')

const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, WECHAT_PUSH_TOKEN, WECHAT_AES_KEY, PORT = '3000' } = process.env
if (!WECHAT_APPID || !WECHAT_SECRET) {
  console.error('Set WECHAT_APPID and WECHAT_SECRET (or run `npm start` for the simulator demo).')
  process.exit(1)
}
const app = createApp({
  wechat: { appId: WECHAT_APPID, secret: WECHAT_SECRET, baseUrl: WECHAT_BASE_URL },
  push: WECHAT_PUSH_TOKEN ? { token: WECHAT_PUSH_TOKEN, encodingAESKey: WECHAT_AES_KEY } : undefined,
})
app.listen(Number(PORT), () => console.log(`wxcrypt Koa demo on http://localhost:${PORT}`))
