/**
 * Koa middleware for a message-push endpoint: answers GET URL verification, checks the URL
 * signature of every POST, decrypts safe-mode bodies (JSON or XML) into `ctx.state.wechat`, and
 * adds `ctx.wechatReply(msg)`, which encrypts the reply in safe mode. Plain mode passes through.
 * Failed checks answer 401 (signatures) or 400 (bodies) with no detail.
 */
declare function wechatPush(
  options: wechatPush.WeChatPushOptions,
): (ctx: any, next: () => Promise<unknown>) => Promise<void>

declare namespace wechatPush {
  /** Options of the message-push middlewares. */
  export interface WeChatPushOptions {
    /** The Token set on the mini program's message-push page. */
    token: string
    /** The 43-character EncodingAESKey (needed for safe mode, `encrypt_type=aes`). */
    encodingAESKey?: string
    /** The mini program's appid (checked inside every encrypted message). */
    appId?: string
    /** Largest body read (default 1 MiB); larger requests get 413. */
    maxBodyBytes?: number
  }

  /** What a verified push request carries. */
  export interface WeChatPushMessage {
    /** Whether the body was encrypted (safe mode). */
    encrypted: boolean
    /** The message's own format. */
    format: 'json' | 'xml' | 'text'
    /** The parsed JSON message, or the message text for XML. */
    message: any
    /** The message text (decrypted in safe mode). */
    text: string
    /** `openid` from the query string, when WeChat sent one. */
    openid?: string
  }

  export { wechatPush, wechatPush as default }
}

export = wechatPush
