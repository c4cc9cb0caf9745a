import type { WeChatPushOptions, WeChatPushMessage } from './push-types'

/**
 * Koa middleware for a message-push endpoint: answers GET URL verification, checks the URL
 * signature of every POST, decrypts safe-mode bodies (JSON or XML) into `ctx.state.wechat`, and
 * adds `ctx.wechatReply(msg)`, which encrypts the reply in safe mode. Plain mode passes through.
 * Failed checks answer 401 (signatures) or 400 (bodies) with no detail.
 */
declare function wechatPush(
  options: WeChatPushOptions,
): (ctx: any, next: () => Promise<unknown>) => Promise<void>

declare namespace wechatPush {
  export { wechatPush, wechatPush as default, WeChatPushOptions, WeChatPushMessage }
}

export = wechatPush
