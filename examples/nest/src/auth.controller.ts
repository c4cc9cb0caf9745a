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
  async phone(@Headers('authorization') authorization: string | undefined, @Body() body: { encryptedData?: unknown; iv?: unknown }) {
    return this.wechat.phone(await this.wechat.session('/phone', authorization), body || {})
  }

  @Post('user')
  @HttpCode(200)
  async user(@Headers('authorization') authorization: string | undefined, @Body() body: Record<string, unknown>) {
    return this.wechat.user(await this.wechat.session('/user', authorization), body || {})
  }
}
