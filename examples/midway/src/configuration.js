'use strict'
// Midway recipe for wxcrypt (see README "Midway"), in plain JavaScript: the decorators are called as
// functions (in TypeScript, write `@Configuration({...})`, `@Controller()`, `@Post('/api/login')`,
// `@Catch([...])`). Boot it with @midwayjs/bootstrap (`Bootstrap.run()`), or as
// js-tests/frameworks-egg-midway.test.js does: initializeGlobalApplicationContext({ baseDir, imports: [require('./configuration')] }).
const { Configuration, CustomModuleDetector } = require('@midwayjs/core')
const koa = require('@midwayjs/koa')
const { WechatController, WxcryptErrorFilter } = require('./wechat.js')

const env = process.env

// #region midway-configuration
const wechatPush = require('wxcrypt/koa')

class MainConfiguration {
  async onReady(container, app) {
    // wxcrypt/koa reads the push body itself: it runs on its path only, before Midway's bodyParser
    // (which would otherwise read the body first and hand it over as {} for XML).
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
// #endregion midway-configuration

module.exports = { MainConfiguration, Configuration: MainConfiguration }
