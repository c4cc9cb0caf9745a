import { Body, Controller, HttpCode, Post } from '@nestjs/common'
import { WxAuth, WxMessage, WxPush, WxSession, WxcryptService, type Session, type WeChatPushMessage } from 'wxcrypt/nest'

// POST /login {code}, POST /phone {encryptedData, iv} | {code}, POST /user {rawData, signature,
// encryptedData, iv} (Authorization: Bearer <token>), GET|POST /wechat/push. wxcrypt/nest answers
// every failure with { errcode, errmsg } and logs the cause (diagnose(), WeChat's hint).
@Controller()
export class AuthController {
  constructor(private readonly wx: WxcryptService) {}

  @Post('login')
  @HttpCode(200)
  login(@Body() body: { code?: string }) {
    return this.wx.login(body?.code)
  }

  @Post('phone')
  @HttpCode(200)
  @WxAuth()
  phone(@WxSession() session: Session, @Body() body: { code?: string; encryptedData?: string; iv?: string }) {
    return this.wx.phoneNumber(session, body)
  }

  @Post('user')
  @HttpCode(200)
  @WxAuth()
  user(@WxSession() session: Session, @Body() body: Record<string, string>) {
    return { user: this.wx.userInfo(session, body) }
  }

  @WxPush('wechat/push')
  push(@WxMessage() { message }: WeChatPushMessage) {
    return message && message.MsgType === 'text' ? { touser: message.FromUserName, msgtype: 'text', text: { content: 'got it' } } : 'success'
  }
}
