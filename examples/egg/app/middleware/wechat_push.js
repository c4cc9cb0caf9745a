'use strict'
// #region egg-push-middleware
// config.wechatPush: { match, token, encodingAESKey, appId } (Egg applies `match` itself).
module.exports = ({ token, encodingAESKey, appId }) => require('wxcrypt/koa')({ token, encodingAESKey, appId })
// #endregion egg-push-middleware
