'use strict'
// Starts the Midway example:
//   WECHAT_APPID=wx... WECHAT_SECRET=... WECHAT_PUSH_TOKEN=... WECHAT_AES_KEY=... [REDIS_URL=...] [PORT=7001] node examples/midway/bootstrap.js
// (@midwayjs/bootstrap's `Bootstrap.configure({ imports, moduleDetector: false }).run()` does the
// same, with cluster and signal handling.) js-tests/support/framework-app.js calls start().
const path = require('node:path')
const { initializeGlobalApplicationContext, HTTP_SERVER_KEY } = require('@midwayjs/core')

async function start() {
  const container = await initializeGlobalApplicationContext({
    baseDir: path.join(__dirname, 'src'),
    appDir: __dirname,
    imports: [require('./src/configuration.js')],
    moduleDetector: false, // no directory scan: configuration.js lists its classes
  })
  const server = container.get(HTTP_SERVER_KEY)
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  return server
}

if (require.main === module) {
  start().then(
    (server) => console.log(`wxcrypt Midway example on http://localhost:${server.address().port}`),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}

module.exports = { start }
