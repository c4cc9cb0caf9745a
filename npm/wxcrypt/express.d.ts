// The options and the message are wxcrypt/koa's (one push handler serves both middlewares).
import koa = require('./koa')

/**
 * Express / Connect middleware for a message-push endpoint of any Tencent sender (mini program,
 * official account, open platform, WeCom): answers GET URL verification (WeCom's encrypted
 * `echostr` when the query has `msg_signature`, else the plain `signature` check and echo), checks
 * every POST's signatures (`signature`, plus `msg_signature` in safe mode; WeCom's
 * `msg_signature` alone), decrypts safe-mode and WeCom bodies (JSON, WeCom's lower-case JSON,
 * XML) into `req.wechat`, and adds `res.wechatReply(msg)`, which encrypts the reply in the
 * request's envelope. Plain mode passes through. Failed checks answer 401 (signatures) or 400
 * (bodies) with no detail.
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
