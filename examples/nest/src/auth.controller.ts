import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common'
import { WechatService } from './wechat.service'

@Controller()
export class AuthController {
  constructor(private readonly wechat: WechatService) {}

  @Post('login')
  @HttpCode(200)
  login(@Body() body: { code?: unknown }) {
    return this.wechat.login(body && body.code)
  }

  @Post('phone')
  @HttpCode(200)
  phone(@Headers('authorization') authorization: string | undefined, @Body() body: { encryptedData?: unknown; iv?: unknown }) {
    return this.wechat.phone(this.wechat.session(authorization), body || {})
  }

  @Post('user')
  @HttpCode(200)
  user(@Headers('authorization') authorization: string | undefined, @Body() body: Record<string, unknown>) {
    return this.wechat.user(this.wechat.session(authorization), body || {})
  }
}
