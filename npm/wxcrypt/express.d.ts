// The options and the message are wxcrypt/koa's (one push handler serves both middlewares).
import koa = require('./koa')

/**
 * Express / Connect middleware for a message-push endpoint: answers GET URL verification, checks the URL
 * signature of every POST, decrypts safe-mode bodies (JSON or XML) into `req.wechat`, and
 * adds `res.wechatReply(msg)`, which encrypts the reply in safe mode. Plain mode passes through.
 * Failed checks answer 401 (signatures) or 400 (bodies) with no detail.
 */
declare function wechatPush(
  options: koa.WeChatPushOptions,
): (req: any, res: any, next: (err?: unknown) => void) => void

declare namespace wechatPush {
  export type WeChatPushOptions = koa.WeChatPushOptions
  export type WeChatPushMessage = koa.WeChatPushMessage
  export { wechatPush, wechatPush as default }
}

export = wechatPush
