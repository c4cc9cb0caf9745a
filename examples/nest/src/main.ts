import 'reflect-metadata'
import { Module, type INestApplication } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { WxcryptModule, type WxcryptOptions } from 'wxcrypt/nest'
import { createRedisStore } from 'wxcrypt/redis'
import { AuthController } from './auth.controller'

/**
 * The NestJS demo app on the Express (default) or the Fastify platform, not yet listening (tests
 * call `app.listen(0, '127.0.0.1')`). Sessions and the access token live in memory, or in
 * `createRedisStore({ url })` for several processes.
 */
export async function createNestApp({ wechat, platform = 'express', ...options }: { wechat: Pick<WxcryptOptions, 'appId' | 'secret' | 'baseUrl'>; platform?: 'express' | 'fastify' } & Omit<WxcryptOptions, 'appId' | 'secret' | 'baseUrl'>): Promise<INestApplication> {
  @Module({ imports: [WxcryptModule.forRoot({ ...wechat, ...options })], controllers: [AuthController] })
  class AppModule {}
  return platform === 'fastify' ? NestFactory.create(AppModule, new FastifyAdapter(), { logger: false }) : NestFactory.create(AppModule, { logger: false })
}

// WECHAT_APPID=wx... WECHAT_SECRET=... [WECHAT_BASE_URL=...] [REDIS_URL=redis://...] [WX_TOKEN=... WX_AES_KEY=...] [PORT=3000] node examples/nest/dist/main.js
if (require.main === module) {
  const { WECHAT_APPID, WECHAT_SECRET, WECHAT_BASE_URL, REDIS_URL, WX_TOKEN, WX_AES_KEY, PORT = '3000' } = process.env
  if (!WECHAT_APPID || !WECHAT_SECRET) {
    console.error('Set WECHAT_APPID and WECHAT_SECRET (WECHAT_BASE_URL to use a simulator).')
    process.exit(1)
  }
  createNestApp({
    wechat: { appId: WECHAT_APPID, secret: WECHAT_SECRET, baseUrl: WECHAT_BASE_URL },
    store: REDIS_URL ? createRedisStore({ url: REDIS_URL }) : undefined,
    push: WX_TOKEN ? { token: WX_TOKEN, encodingAESKey: WX_AES_KEY } : undefined,
  })
    .then((app) => app.listen(Number(PORT)))
    .then(() => console.log(`wxcrypt NestJS demo on http://localhost:${PORT}`))
}
