'use strict'
// Boots one framework example in this (child) process and prints `listening <port> <backend>` on stdout:
//   node js-tests/support/framework-app.js egg|midway
// js-tests/frameworks-egg-midway.test.js runs it with WECHAT_* pointing at its simulator and kills
// it afterwards (Egg's schedule timers and Midway's container live as long as the process).
const path = require('node:path')
const http = require('node:http')

const root = path.join(__dirname, '..', '..')

const boot = {
  async egg() {
    const egg = require('egg')
    const app = await egg.start({ baseDir: path.join(root, 'examples', 'egg'), env: 'unittest', ignoreWarning: true })
    const server = http.createServer(app.callback())
    app.emit('server', server)
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    return server.address().port
  },
  async midway() {
    const server = await require(path.join(root, 'examples', 'midway', 'bootstrap.js')).start()
    return server.address().port
  },
}

boot[process.argv[2]]().then(
  (port) => process.stdout.write(`listening ${port} ${require('wxcrypt').backend}\n`),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
