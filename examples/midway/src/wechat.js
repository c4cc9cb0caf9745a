'use strict'
// #region midway-controller
const { Controller, Post, All, Catch } = require('@midwayjs/core')
const WXBizDataCrypt = require('wxcrypt')
const { WeChatClient, WXCryptError, WeChatApiError } = WXBizDataCrypt
const { createMemoryStore, createSessionStore, httpAnswer, StoreError } = require('wxcrypt/client')

// One client and one session store per process; several processes (cluster, pm2) share Redis.
const store = process.env.REDIS_URL ? require('wxcrypt/redis').createRedisStore({ url: process.env.REDIS_URL }) : createMemoryStore()
const appId = process.env.WECHAT_APPID
const wechat = new WeChatClient({ appId, secret: process.env.WECHAT_SECRET, baseUrl: process.env.WECHAT_BASE_URL, store })
const sessions = createSessionStore({ store })

class WechatController {
  async login(ctx) {
    const { openid, session_key: sessionKey } = await wechat.code2Session(String(ctx.request.body.code))
    return { token: await sessions.create({ openid, sessionKey }), openid }
  }

  async phone(ctx) {
    const token = /^Bearer (\w+)$/.exec(ctx.get('authorization'))?.[1]
    const session = token && (await sessions.get(token))
    if (!session) {
      ctx.status = 401
      return { errcode: 40101, errmsg: 'invalid or missing session token' }
    }
    const { encryptedData, iv } = ctx.request.body
    const pc = new WXBizDataCrypt(appId, session.sessionKey, { expectOpenId: session.openid })
    const { phoneNumber, purePhoneNumber, countryCode } = pc.decryptData(encryptedData, iv) // throws: the filter answers
    return { phoneNumber, purePhoneNumber, countryCode }
  }

  async push(ctx) {
    // Verified (signature, msg_signature) and decrypted by wxcrypt/koa: ctx.state.wechat.
    const { message } = ctx.state.wechat
    if (message.MsgType === 'text') {
      ctx.wechatReply({ touser: message.FromUserName, msgtype: 'text', text: { content: 'got it' } }) // encrypted reply
    } else {
      ctx.wechatReply('success')
    }
  }
}
Controller('/')(WechatController)
Post('/api/login')(WechatController.prototype, 'login')
Post('/api/phone')(WechatController.prototype, 'phone')
All('/wechat/push')(WechatController.prototype, 'push')

class WxcryptErrorFilter {
  catch(err, ctx) {
    const { status, body } = httpAnswer(err)
    ctx.logger.warn('[wxcrypt] %s errcode=%s %s', err.name, err.errcode ?? err.code, err.hint || '')
    ctx.status = status
    return body
  }
}
Catch([WXCryptError, WeChatApiError, StoreError])(WxcryptErrorFilter)
// #endregion midway-controller

module.exports = { WechatController, WxcryptErrorFilter }
