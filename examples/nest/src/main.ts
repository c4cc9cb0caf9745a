import 'reflect-metadata'
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { AuthController } from './auth.controller'
import { createMemoryStore, type Store } from 'wxcrypt/client'
import { createRedisStore } from 'wxcrypt/redis'
import { LOGGER, STORE, WECHAT_OPTIONS, WechatService, type DemoLogger, type WechatOptions } from './wechat.service'

@Module({})
export class AppModule {
  static forRoot(wechat: WechatOptions, logger: DemoLogger, store: Store): DynamicModule {
    return {
      module: AppModule,
      controllers: [AuthController],
      providers: [
        { provide: WECHAT_OPTIONS, useValue: wechat },
        { provide: LOGGER, useValue: logger },
        { provide: STORE, useValue: store },
        WechatService,
      ],
    }
  }
}

const consoleLogger: DemoLogger = {
  info: (e) => console.log(JSON.stringify(e)),
  warn: (e) => console.warn(JSON.stringify(e)),
}

/**
 * The NestJS demo app, not yet listening (tests call `app.listen(0, '127.0.0.1')`). `store` holds the
 * sessions and the access token: in memory by default, `createRedisStore({ url })` for several processes.
 */
export async function createNestApp(options: { wechat: WechatOptions; logger?: DemoLogger; store?: Store }): Promise<INestApplication> {
  const store = options.store || createMemoryStore()
  return NestFactory.create(AppModule.forRoot(options.wechat, options.logger || consoleLogger, store), { logger: false })
}

// WECHAT_APPID=wx... WECHAT_SECRET=... [WECHAT_BASE_URL=...] [REDIS_URL=redis://...] [PORT=3000] node examples/nest/dist/main.js
if (require.main === module) {
  const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, REDIS_URL, PORT = '3000' } = process.env
  if (!WECHAT_APPID || !WECHAT_SECRET) {
    console.error('Set WECHAT_APPID and WECHAT_SECRET (WECHAT_BASE_URL to use a simulator).')
    process.exit(1)
  }
  const store = REDIS_URL ? createRedisStore({ url: REDIS_URL }) : undefined
  createNestApp({ wechat: { appId: WECHAT_APPID, secret: WECHAT_SECRET, baseUrl: WECHAT_BASE_URL }, store })
    .then((app) => app.listen(Number(PORT)))
    .then(() => console.log(`wxcrypt NestJS demo on http://localhost:${PORT}`))
}
