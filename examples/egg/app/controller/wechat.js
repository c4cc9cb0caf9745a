'use strict'
// #region egg-controller
const { Controller } = require('egg')
const WXBizDataCrypt = require('wxcrypt')

module.exports = class WechatController extends Controller {
  async login() {
    const { ctx, app } = this
    const { openid, session_key: sessionKey } = await app.wechat.code2Session(String(ctx.request.body.code))
    ctx.body = { token: await app.sessions.create({ openid, sessionKey }), openid }
  }

  async phone() {
    const { ctx, app } = this
    const token = /^Bearer (\w+)$/.exec(ctx.get('authorization'))?.[1]
    const session = token && (await app.sessions.get(token))
    if (!session) {
      ctx.status = 401
      ctx.body = { errcode: 40101, errmsg: 'invalid or missing session token' }
      return
    }
    const { encryptedData, iv } = ctx.request.body
    const pc = new WXBizDataCrypt(app.config.wxcrypt.appId, session.sessionKey, { expectOpenId: session.openid })
    const { phoneNumber, purePhoneNumber, countryCode } = pc.decryptData(encryptedData, iv) // throws: wxcrypt_errors answers
    ctx.body = { phoneNumber, purePhoneNumber, countryCode }
  }

  async push() {
    // Verified (signature, msg_signature) and decrypted by wxcrypt/koa: ctx.state.wechat.
    const { message } = this.ctx.state.wechat
    if (message.MsgType === 'text') {
      this.ctx.wechatReply({ touser: message.FromUserName, msgtype: 'text', text: { content: 'got it' } }) // encrypted reply
    } else {
      this.ctx.wechatReply('success')
    }
  }
}
// #endregion egg-controller
