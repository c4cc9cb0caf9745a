import wechatPush = require('./middleware/koa')
export = wechatPush
