import { Hono } from 'hono'
import { wechat, createKvStore } from 'wxcrypt/hono'

const app = new Hono()
const wx = wechat((c) => ({
  appId: c.env.WECHAT_APPID,
  secret: c.env.WECHAT_SECRET,
  baseUrl: c.env.WECHAT_BASE_URL || undefined, // tests: the simulator
  store: createKvStore(c.env.SESSIONS),
  push: { token: c.env.PUSH_TOKEN, encodingAESKey: c.env.PUSH_AES_KEY },
}))

app.post('/login', wx.login())
app.post('/phone', wx.session(), wx.phone())
app.all('/wechat/push', wx.push(), (c) => c.var.wechatReply('success'))
app.onError(wx.onError)

export default app
