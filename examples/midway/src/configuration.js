'use strict'
// Midway recipe for wxcrypt (see README "Midway"), in plain JavaScript: the decorators are called as
// functions (in TypeScript: `@Configuration({...})`, `@Controller('/')`, `@Post('/api/login')`,
// `@Catch([...])`). Started by ../bootstrap.js (node examples/midway/bootstrap.js), which
// js-tests/frameworks-egg-midway.test.js boots through js-tests/support/framework-app.js.
// #region midway-configuration
const { Configuration, CustomModuleDetector } = require('@midwayjs/core')
const koa = require('@midwayjs/koa')
const wechatPush = require('wxcrypt/koa')
const { WechatController, WxcryptErrorFilter } = require('./wechat.js')

const env = process.env

class MainConfiguration {
  async onReady(container, app) {
    // wxcrypt/koa reads the push body itself: on its path only, before Midway's bodyParser, which
    // then skips the request (ctx.disableBodyParser).
    const push = wechatPush({ token: env.WECHAT_PUSH_TOKEN, encodingAESKey: env.WECHAT_AES_KEY, appId: env.WECHAT_APPID })
    app.getMiddleware().insertFirst((ctx, next) => (ctx.path === '/wechat/push' ? push(ctx, next) : next()))
    app.useFilter([WxcryptErrorFilter]) // wxcrypt's errors -> httpAnswer(err)
  }
}
Configuration({
  imports: [koa],
  importConfigs: [{ default: { keys: env.MIDWAY_KEYS || 'dev-only-key', koa: { port: Number(env.PORT || 7001) } } }],
  detector: new CustomModuleDetector({ modules: [WechatController, WxcryptErrorFilter] }),
})(MainConfiguration)

module.exports = { Configuration: MainConfiguration }
// #endregion midway-configuration
