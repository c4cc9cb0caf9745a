'use strict'
// #region egg-router
module.exports = (app) => {
  const { controller, router } = app
  router.post('/api/login', controller.wechat.login)
  router.post('/api/phone', controller.wechat.phone)
  router.all('/wechat/push', controller.wechat.push) // config.wechatPush matches this path
}
// #endregion egg-router
