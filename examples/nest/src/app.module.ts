import { Module } from '@nestjs/common'
import { WxcryptModule } from 'wxcrypt/nest'
import { AuthController } from './auth.controller'

@Module({
  imports: [
    WxcryptModule.forRoot({
      appId: process.env.WECHAT_APPID!,
      secret: process.env.WECHAT_SECRET!,
      baseUrl: process.env.WECHAT_BASE_URL, // unset: api.weixin.qq.com; a wxcrypt/simulator URL in tests
      push: { token: process.env.WX_TOKEN!, encodingAESKey: process.env.WX_AES_KEY },
      // store: createRedisStore({ url: process.env.REDIS_URL }) from 'wxcrypt/redis', for several processes
    }),
  ],
  controllers: [AuthController],
})
export class AppModule {}
