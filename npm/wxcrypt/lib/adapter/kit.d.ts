// The types wxcrypt/nest and wxcrypt/fastify share: the login kit's options and steps.
import type { HttpAnswer, Session, SessionStore, Store, WeChatClient, WeChatClientOptions } from '../../client'
import type { WeChatPushOptions, WeChatPushMessage } from '../../koa'
import WXBizDataCrypt = require('../../index')

/** Structured log entries (`{ event, ... }`): the causes the client never sees. Never a secret. */
export interface WxcryptLogger {
  info(entry: object): void
  warn(entry: object): void
}

/** Options of WxcryptModule (wxcrypt/nest) and of the wxcrypt/fastify plugin. */
export interface WxcryptOptions {
  /** The mini program's appid. */
  appId: string
  /** The appsecret (kept private by WeChatClient). */
  secret: string
  /** Default `https://api.weixin.qq.com`; a simulator's `sim.url` in tests. */
  baseUrl?: string
  /** Any other WeChatClient option (timeoutMs, retries, fetch...). */
  clientOptions?: Omit<WeChatClientOptions, 'appId' | 'secret' | 'baseUrl' | 'store' | 'log'>
  /** A WeChatClient you made (then appId, secret, baseUrl and clientOptions are unused). */
  client?: WeChatClient
  /**
   * The sessions and the access token: in memory by default, `createRedisStore({ url })` from
   * wxcrypt/redis for several processes.
   */
  store?: Store
  /** A session store you made (default `createSessionStore({ store, ttlMs: sessionTtlMs })`). */
  sessions?: SessionStore
  /** Session lifetime, default 24 hours. */
  sessionTtlMs?: number
  /** Message push: the Token and EncodingAESKey of the push settings (`appId` defaults to the above). */
  push?: WeChatPushOptions
  /** Where `login`, `decrypt_failed` (diagnose()'s cause), `wechat_api_error` and the like go; default the framework's logger. */
  logger?: WxcryptLogger
}

/** getPhoneNumber's body: the newer `code`, or `encryptedData` + `iv`. */
export interface PhoneNumberBody {
  code?: unknown
  encryptedData?: unknown
  iv?: unknown
}

/** getUserInfo's body. */
export interface UserInfoBody {
  rawData?: unknown
  signature?: unknown
  encryptedData?: unknown
  iv?: unknown
}

/** The phone number as the routes answer it. */
export interface PhoneNumberAnswer {
  phoneNumber: string
  purePhoneNumber: string
  countryCode: string
}

/** The user info as `userInfo` answers it: UserInfo's fields without the watermark. */
export type UserProfile = Omit<{ [K in keyof WXBizDataCrypt.UserInfo as string extends K ? never : K]: WXBizDataCrypt.UserInfo[K] }, 'watermark'>

/** The routes' steps, one implementation for every framework. Refusals are 400/401 `{ errcode, errmsg }`. */
export interface WxcryptSteps {
  readonly appId: string
  readonly client: WeChatClient
  readonly sessions: SessionStore
  /** `wx.login`'s code -> jscode2session -> a new session (400 40035 without a code, 400 40029 for a used one). */
  login(code: unknown): Promise<{ token: string; openid: string }>
  /** The session behind an `Authorization: Bearer <64 hex>` header value, else 401 40101. */
  session(authorization: string | undefined): Promise<Session>
  /** A WXBizDataCrypt with the session's key and `expectOpenId` its openid. */
  crypt(session: Session): WXBizDataCrypt
  /** Decrypts the session's open data; a failure is logged with diagnose()'s cause, then thrown (400 with its errcode). */
  decrypt<T extends object = WXBizDataCrypt.OpenData>(session: Session, encryptedData: string, iv: string, route?: string): T
  /** getPhoneNumber's `{ code }` (getuserphonenumber) or `{ encryptedData, iv }`. */
  phoneNumber(session: Session, body: PhoneNumberBody | undefined, route?: string): Promise<PhoneNumberAnswer>
  /** getUserInfo's data: rawData's signature checked (400 -40001), then decrypted, without the watermark. */
  userInfo(session: Session, body: UserInfoBody | undefined, route?: string): UserProfile
}

export type { HttpAnswer, Session, SessionStore, Store, WeChatPushOptions, WeChatPushMessage }
