/**
 * Koa middleware for a message-push endpoint of any Tencent sender (mini program, official
 * account, open platform, WeCom): answers GET URL verification (WeCom's encrypted `echostr` when
 * the query has `msg_signature`, else the plain `signature` check and echo), checks every POST's
 * signatures (`signature`, plus `msg_signature` in safe mode; WeCom's `msg_signature` alone),
 * decrypts safe-mode and WeCom bodies (JSON, WeCom's lower-case JSON, XML) into
 * `ctx.state.wechat`, and adds `ctx.wechatReply(msg)`, which encrypts the reply in the request's
 * envelope. Plain mode passes through. Failed checks answer 401 (signatures) or 400 (bodies)
 * with no detail. Mount it before any body parser (or keep the parser off its path): it reads the
 * raw body itself and then sets `ctx.disableBodyParser`, which koa-bodyparser and @koa/bodyparser
 * (so Egg's and Midway's) honour.
 */
declare function wechatPush(
  options: wechatPush.WeChatPushOptions,
): (ctx: any, next: () => Promise<unknown>) => Promise<void>

declare namespace wechatPush {
  /** Options of the message-push middlewares. */
  export interface WeChatPushOptions {
    /** The Token of the message-push (callback) settings. */
    token: string
    /** The 43-character EncodingAESKey (needed for safe mode, `encrypt_type=aes`, and WeCom). */
    encodingAESKey?: string
    /**
     * The receiver id, checked exactly inside every encrypted message: the appid (mini program,
     * official account), the component appid (open platform), the corp id (WeCom app), the suite
     * id or the authorizing corp id (WeCom third party), or `''` (WeCom intelligent robot).
     */
    appId?: string
    /** Largest body read (default 1 MiB); larger requests get 413. */
    maxBodyBytes?: number
  }

  /** What a verified push request carries. */
  export interface WeChatPushMessage {
    /** Whether the body was encrypted (safe mode, and every WeCom callback). */
    encrypted: boolean
    /**
     * The encrypted body's envelope, in which the reply is encrypted: `'json'` (`Encrypt`),
     * `'xml'`, or `'wecom-json'` (WeCom's lower-case `encrypt`). Absent in plain mode.
     */
    envelope?: 'json' | 'xml' | 'wecom-json'
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
