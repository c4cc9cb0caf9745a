// Type checks of wxcrypt/nest and wxcrypt/fastify as a TypeScript consumer writes them
// (js-tests/nest.test.js runs tsc --noEmit --strict on this file, CommonJS, node16 resolution).
import Fastify from 'fastify'
import wxcrypt = require('wxcrypt/fastify')
import { Module } from '@nestjs/common'
import { WxcryptModule, WxcryptService, WxSession, WxAuth, WxPush, WxMessage, WXCRYPT_SESSIONS, WeChatClient, type Session, type SessionStore, type WeChatPushMessage } from 'wxcrypt/nest'

export async function fastifyApp() {
  const app = Fastify()
  await app.register(wxcrypt, { appId: 'wx', secret: 's', push: { token: 't', encodingAESKey: 'k' }, errorHandler: true })
  app.post('/login', (req) => app.wxcrypt.login((req.body as { code?: string } | undefined)?.code))
  app.post('/phone', { preHandler: app.wxcrypt.authenticate }, (req) => app.wxcrypt.phoneNumber(req.wxSession!, req.body as object))
  app.wxPush('/wechat/push', async (req) => (req.wechat.format === 'json' ? { ok: true } : 'success'))
  const client: WeChatClient = app.wechat
  const sessions: SessionStore = app.wxSessions
  const n: number | undefined = app.wxcrypt.answer(new Error('x'))?.status
  // @ts-expect-error appId is required
  await app.register(wxcrypt, { secret: 's' })
  return [client, sessions, n]
}

@Module({
  imports: [
    WxcryptModule.forRoot({ appId: 'wx', secret: 's', isGlobal: true }),
    WxcryptModule.forRootAsync({ imports: [], inject: ['CONFIG'], useFactory: (config: { appId: string; secret: string }) => ({ appId: config.appId, secret: config.secret }), exceptionFilter: false }),
  ],
})
export class AppModule {}

export class Controllerish {
  constructor(private readonly wx: WxcryptService) {}
  @WxAuth()
  async phone(@WxSession() session: Session, @WxSession('openid') openid: string) {
    const p = await this.wx.phoneNumber(session, { code: 'c' })
    const pc = this.wx.crypt(session)
    const nick: string = this.wx.userInfo(session, {}).nickName
    return [p.countryCode, pc.appId, nick, openid]
  }
  @WxPush('wechat/push')
  push(@WxMessage() push: WeChatPushMessage, @WxMessage('message') message: unknown) {
    return push.encrypted ? message : 'success'
  }
}

export const tokens = [WXCRYPT_SESSIONS]
// @ts-expect-error forRoot needs the options
WxcryptModule.forRoot()
