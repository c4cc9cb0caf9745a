// wxcrypt/hono: the mini program's login sessions, open-data decryption and message push as Hono
// middleware (hono/factory's createMiddleware), typed for Hono's Env: the Variables below are what
// `c.var` holds after each middleware. Runs on Node, Bun, Deno, Cloudflare Workers and Vercel Edge.
import type { Context, Env, ErrorHandler, MiddlewareHandler } from 'hono'
import type { Session, SessionStore, Store } from './client.js'
import type wechatPush from './koa.js'

export { Session, SessionStore, Store, HttpAnswer, createMemoryStore, createSessionStore, httpAnswer } from './client.js'

/** A KV namespace binding (Cloudflare Workers KV), or anything with the same three methods. */
export interface KvNamespaceLike {
  get(key: string, type: 'json'): Promise<unknown>
  get(key: string): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>
  delete(key: string): Promise<unknown>
}

/**
 * A store over a KV namespace, for sessions and the access token on Workers. KV has no atomic
 * set-if-absent, so the store has no setIfAbsent: WeChatClient takes no cross-isolate lock before
 * fetching the access token (stable_token's normal mode hands back the same valid token, so this
 * costs requests, not correctness). TTLs under 60 s are raised to 60 s (KV's minimum).
 */
export function createKvStore(namespace: KvNamespaceLike, options?: { prefix?: string }): Store

/** What wxcrypt/hono puts on `c.var` after `session()`. */
export interface SessionVariables {
  /** The logged-in user: `{ openid, sessionKey, unionid? }` (session_key never leaves the server). */
  session: Session
  /**
   * Decrypts open data (getPhoneNumber, getUserInfo, getShareInfo, ...) with the session's key,
   * checking that it is this user's. Throws WXCryptError (answered 400 by `onError`) after
   * logging diagnose()'s cause.
   */
  decrypt: <T = any>(encryptedData: string, iv: string) => T
}

/** What wxcrypt/hono puts on `c.var` after `push()` lets a verified message through. */
export interface PushVariables {
  wechat: wechatPush.WeChatPushMessage
  /** The reply: encrypted in safe mode, in the request's envelope; `'success'` when called with nothing. */
  wechatReply: (msg?: string | object) => Response
  /** The failed check of a refused push (answered 401 or 400 already). */
  wechatError?: Error
}

/** The Hono Env of an app that uses every wxcrypt/hono middleware. */
export interface WxcryptEnv {
  Variables: SessionVariables & PushVariables
}

/** A log entry: `{ level, event, ... }` (login, decrypt_failed, wechat_api_error, session_store_unavailable, internal_error). */
export interface HonoLogEntry {
  level: 'info' | 'warn' | 'error'
  event: string
  [field: string]: unknown
}

export interface WeChatOptions {
  appId: string
  /** The appsecret. */
  secret: string
  /** Default https://api.weixin.qq.com (a simulator's URL in tests). */
  baseUrl?: string
  /** Default globalThis.fetch. */
  fetch?: typeof fetch
  /** Sessions and the access token: createKvStore(env.KV) on Workers, wxcrypt/redis on Node; default in memory. */
  store?: Store
  /** Default createSessionStore({ store, ttlMs: sessionTtlMs }). */
  sessions?: SessionStore
  /** Session lifetime, default 24 hours. */
  sessionTtlMs?: number
  /** Enables push(): the message-push settings (appId defaults to the one above). */
  push?: wechatPush.WeChatPushOptions
  /** Structured entries; default: warnings and errors to console.warn as JSON. */
  log?: (entry: HonoLogEntry) => void
}

export interface WeChat<E extends Env = Env> {
  /** `Authorization: Bearer <token>` -> `c.var.session` and `c.var.decrypt`; else 401 `{ errcode: 40101 }`. */
  session(): MiddlewareHandler<E & { Variables: SessionVariables }>
  /** POST `{ code }` (wx.login's) -> `{ token, openid }`. */
  login(): MiddlewareHandler<E>
  /** After session(): POST `{ code }` or `{ encryptedData, iv }` -> `{ phoneNumber, purePhoneNumber, countryCode }`. */
  phone(): MiddlewareHandler<E & { Variables: SessionVariables }>
  /** Message push (options.push): verification and decryption, then `c.var.wechat` and `c.var.wechatReply`. */
  push(): MiddlewareHandler<E & { Variables: PushVariables }>
  /** For `app.onError`: wxcrypt's errors as httpAnswer maps them, HTTPException's own answer, else 500. */
  onError: ErrorHandler<E>
  /** The WeChatClient and session store (set up on the first request). */
  services(c: Context<E>): { client: import('./client.js').WeChatClient; sessions: SessionStore }
}

/**
 * The middlewares for one mini program. `options` may be a function of the first request's
 * Context (on Workers the appsecret and the KV binding are in `c.env`); it is called once.
 */
export function wechat<E extends Env = Env>(options: WeChatOptions | ((c: Context<E>) => WeChatOptions)): WeChat<E>
