// wxcrypt/hono's checks, run in every runtime against the installed package (imported as
// 'wxcrypt/hono', so the runtime's own condition picks the entry) with Hono's app.request():
// login (jscode2session through a fetch stand-in), a session, open-data decryption and its error
// answer, and message push (URL verification, a safe-mode POST, a refused signature). Plain code,
// no Node built-ins. `runHono(...)` resolves to [{ name, error }] with error === null for a pass.
function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

export async function runHono(Hono, hono, wx, vectors) {
  const band = vectors.data_crypt.find((v) => v.id === 'official_band_userinfo')
  const url = vectors.url_signature[0]
  const msg = vectors.msg_crypt.find((v) => v.id === 'mp_doc_json_safe_mode_inbound')
  const fakeWeChat = async (input) => {
    const path = new URL(typeof input === 'string' ? input : input.url).pathname
    if (path === '/sns/jscode2session') return Response.json({ openid: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', session_key: band.sessionKey })
    return Response.json({ errcode: 40013, errmsg: 'invalid appid' })
  }
  const logs = []
  const wxApp = hono.wechat({
    appId: band.appId,
    secret: 'the-secret',
    fetch: fakeWeChat,
    push: { token: msg.token, encodingAESKey: msg.encodingAESKey, appId: msg.appid },
    log: (e) => logs.push(e),
  })
  const app = new Hono()
  app.post('/login', wxApp.login())
  app.post('/user', wxApp.session(), (c) => {
    const { encryptedData, iv } = c.req.query()
    return c.json(c.var.decrypt(encryptedData, iv))
  })
  app.all('/push', wxApp.push(), (c) => c.var.wechatReply(c.var.wechat.message.debug_str))
  app.onError(wxApp.onError)
  let token
  const checks = {
    async 'hono: login'() {
      const res = await app.request('/login', { method: 'POST', body: JSON.stringify({ code: 'c1' }), headers: { 'content-type': 'application/json' } })
      eq(res.status, 200, 'status')
      const body = await res.json()
      eq(body.openid, 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', 'openid')
      eq(/^[0-9a-f]{64}$/.test(body.token), true, 'token')
      token = body.token
    },
    async 'hono: session and open-data decryption'() {
      const q = new URLSearchParams({ encryptedData: band.encryptedData, iv: band.iv })
      const res = await app.request(`/user?${q}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      eq(res.status, 200, 'status')
      eq((await res.json()).nickName, 'Band', 'nickName')
      const none = await app.request(`/user?${q}`, { method: 'POST' })
      eq(none.status, 401, 'no token')
    },
    async 'hono: a failed decryption answers 400 and logs the cause'() {
      const q = new URLSearchParams({ encryptedData: band.encryptedData, iv: 'AAAAAAAAAAAAAAAAAAAAAA==' })
      const res = await app.request(`/user?${q}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      eq(res.status, 400, 'status')
      eq((await res.json()).errmsg, 'decrypt failed', 'errmsg')
      eq(logs.some((e) => e.event === 'decrypt_failed' && typeof e.cause === 'string'), true, 'decrypt_failed logged')
    },
    async 'hono: push URL verification'() {
      const q = new URLSearchParams({ signature: url.signature, timestamp: url.timestamp, nonce: url.nonce, echostr: url.echostr })
      const res = await app.request(`/push?${q}`)
      eq(res.status, 200, 'status')
      eq(await res.text(), url.echostr, 'echostr')
      q.set('signature', '0'.repeat(40))
      eq((await app.request(`/push?${q}`)).status, 401, 'bad signature')
    },
    async 'hono: safe-mode push decrypted, reply encrypted'() {
      const signature = wx.urlSignature(msg.token, msg.timestamp, msg.nonce)
      const q = new URLSearchParams({ signature, timestamp: msg.timestamp, nonce: msg.nonce, encrypt_type: 'aes', msg_signature: msg.msg_signature })
      const res = await app.request(`/push?${q}`, { method: 'POST', body: JSON.stringify({ ToUserName: 'gh_97417a04a28d', Encrypt: msg.encrypt }), headers: { 'content-type': 'application/json' } })
      eq(res.status, 200, 'status')
      const reply = await res.json()
      const crypt = new wx.WXBizMsgCrypt(msg.token, msg.encodingAESKey, msg.appid)
      eq(crypt.decryptBody(reply.MsgSignature, String(reply.TimeStamp), reply.Nonce, reply).message, 'hello world', 'reply')
    },
  }
  const results = []
  for (const [name, fn] of Object.entries(checks)) {
    try {
      await fn()
      results.push({ name, error: null })
    } catch (err) {
      results.push({ name, error: String((err && err.stack) || err) })
    }
  }
  return results
}
