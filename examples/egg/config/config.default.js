'use strict'
// Egg.js recipe for wxcrypt (see README "Egg.js"). Run from the repo root:
//   WECHAT_APPID=wx... WECHAT_SECRET=... WECHAT_PUSH_TOKEN=... WECHAT_AES_KEY=... npx egg-scripts start examples/egg
// (egg-scripts / egg-bin are not installed here; js-tests/frameworks-egg-midway.test.js boots it with egg.start).
const env = process.env

module.exports = (appInfo) => ({
  keys: env.EGG_KEYS || `${appInfo.name}_dev_only_key`,
  // #region egg-config
  wxcrypt: { appId: env.WECHAT_APPID, secret: env.WECHAT_SECRET, baseUrl: env.WECHAT_BASE_URL, redisUrl: env.REDIS_URL },
  // app/middleware/wxcrypt_errors.js answers wxcrypt's errors with httpAnswer(err);
  // app/middleware/wechat_push.js is wxcrypt/koa, on the push path only.
  middleware: ['wxcryptErrors', 'wechatPush'],
  wechatPush: { match: '/wechat/push', token: env.WECHAT_PUSH_TOKEN, encodingAESKey: env.WECHAT_AES_KEY, appId: env.WECHAT_APPID },
  // egg-bodyparser runs before every app middleware and would read the push body first (XML
  // becomes {}): leave that path to wxcrypt/koa, which reads the raw body itself.
  bodyParser: { ignore: '/wechat/push' },
  // The mini program and WeChat send no cookies and no CSRF token (sessions are Bearer tokens).
  security: { csrf: { ignore: ['/api', '/wechat/push'] } },
  // #endregion egg-config
  logger: { dir: env.EGG_LOG_DIR || `${appInfo.root}/logs/${appInfo.name}` },
  rundir: env.EGG_RUN_DIR || `${appInfo.baseDir}/run`,
})
