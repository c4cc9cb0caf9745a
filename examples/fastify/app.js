const Fastify = require('fastify')
const wxcrypt = require('wxcrypt/fastify')

async function createApp(options) {
  const app = Fastify()
  // options: { appId, secret, push: { token, encodingAESKey }, store? (wxcrypt/redis), logger? }
  await app.register(wxcrypt, options)

  app.post('/login', (req) => app.wxcrypt.login(req.body?.code))
  app.post('/phone', { preHandler: app.wxcrypt.authenticate }, (req) => app.wxcrypt.phoneNumber(req.wxSession, req.body))
  app.wxPush('/wechat/push', async (req) => {
    const { message } = req.wechat // verified and decrypted; the return value is the (encrypted) reply
    return message.MsgType === 'text' ? { touser: message.FromUserName, msgtype: 'text', text: { content: 'got it' } } : 'success'
  })
  return app
}

module.exports = { createApp }
