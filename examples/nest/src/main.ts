import 'reflect-metadata'
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { AuthController } from './auth.controller'
import { LOGGER, WECHAT_OPTIONS, WechatService, type DemoLogger, type WechatOptions } from './wechat.service'

@Module({})
export class AppModule {
  static forRoot(wechat: WechatOptions, logger: DemoLogger): DynamicModule {
    return {
      module: AppModule,
      controllers: [AuthController],
      providers: [{ provide: WECHAT_OPTIONS, useValue: wechat }, { provide: LOGGER, useValue: logger }, WechatService],
    }
  }
}

const consoleLogger: DemoLogger = {
  info: (e) => console.log(JSON.stringify(e)),
  warn: (e) => console.warn(JSON.stringify(e)),
}

/** The NestJS demo app, not yet listening (tests call `app.listen(0, '127.0.0.1')`). */
export async function createNestApp(options: { wechat: WechatOptions; logger?: DemoLogger }): Promise<INestApplication> {
  return NestFactory.create(AppModule.forRoot(options.wechat, options.logger || consoleLogger), { logger: false })
}

// WECHAT_APPID=wx... WECHAT_SECRET=... [WECHAT_BASE_URL=...] [PORT=3000] node examples/nest/dist/main.js
if (require.main === module) {
  const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, PORT = '3000' } = process.env
  if (!WECHAT_APPID || !WECHAT_SECRET) {
    console.error('Set WECHAT_APPID and WECHAT_SECRET (WECHAT_BASE_URL to use a simulator).')
    process.exit(1)
  }
  createNestApp({ wechat: { appId: WECHAT_APPID, secret: WECHAT_SECRET, baseUrl: WECHAT_BASE_URL } })
    .then((app) => app.listen(Number(PORT)))
    .then(() => console.log(`wxcrypt NestJS demo on http://localhost:${PORT}`))
}
