import wechatPush = require('./middleware/express')
export = wechatPush
