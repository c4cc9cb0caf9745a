import { HttpException, Inject, Injectable } from '@nestjs/common'
import WXBizDataCrypt = require('wxcrypt')
import { WeChatClient, WeChatApiError, WXCryptError, type PhoneNumber, type UserInfo } from 'wxcrypt'
import { createSessionStore, httpAnswer, StoreError, type Session, type SessionStore, type Store } from 'wxcrypt/client'

export const WECHAT_OPTIONS = 'WECHAT_OPTIONS'
export const LOGGER = 'WXCRYPT_DEMO_LOGGER'
/** The store of the sessions and the access token (in memory unless REDIS_URL: see main.ts). */
export const STORE = 'WXCRYPT_DEMO_STORE'

export interface WechatOptions {
  appId: string
  secret: string
  baseUrl?: string
}

/** Structured log entries; diagnostics go here, never to the client. */
export interface DemoLogger {
  info(entry: object): void
  warn(entry: object): void
}

/** The uniform error answer: `{ errcode, errmsg }`. */
export function fail(status: number, errcode: number, errmsg: string): HttpException {
  return new HttpException({ errcode, errmsg }, status)
}

/** wxcrypt's errors (decryption, WeChat API, store) as wxcrypt/client maps them; any other as it is. */
function answer(err: unknown): unknown {
  const a = httpAnswer(err)
  return a ? new HttpException(a.body, a.status) : err
}

@Injectable()
export class WechatService {
  private readonly client: WeChatClient
  // token -> session in the store (Redis with REDIS_URL, so every process sees every login).
  // session_key never leaves the server.
  private readonly sessions: SessionStore

  constructor(
    @Inject(WECHAT_OPTIONS) private readonly options: WechatOptions,
    @Inject(LOGGER) private readonly logger: DemoLogger,
    @Inject(STORE) store: Store,
  ) {
    this.client = new WeChatClient({
      appId: options.appId,
      secret: options.secret,
      baseUrl: options.baseUrl,
      store,
      log: (e) => (e.level === 'warn' ? logger.warn(e) : logger.info(e)),
    })
    this.sessions = createSessionStore({ store })
  }

  /** A store that does not answer: 503 to the client, the cause in the log. */
  private storeDown(route: string, err: StoreError): unknown {
    this.logger.warn({ event: 'session_store_unavailable', route, code: err.code, op: err.op })
    return answer(err)
  }

  async login(code: unknown): Promise<{ token: string; openid: string }> {
    if (typeof code !== 'string' || !code) throw fail(400, 40035, 'invalid code')
    try {
      const { openid, session_key, unionid } = await this.client.code2Session(code)
      // 32 random bytes; a new login replaces this user's session_key for all of the user's tokens.
      const token = await this.sessions.create({ openid, sessionKey: session_key, unionid })
      this.logger.info({ event: 'login', openid })
      return { token, openid }
    } catch (err) {
      if (err instanceof StoreError) throw this.storeDown('/login', err)
      if (err instanceof WeChatApiError) this.logger.warn({ event: 'wechat_api_error', api: err.api, errcode: err.errcode, hint: err.hint })
      throw answer(err)
    }
  }

  /** The session behind `Authorization: Bearer <token>`, or 401. */
  async session(route: string, authorization: string | undefined): Promise<Session> {
    const m = /^Bearer ([0-9a-f]{64})$/.exec(authorization || '')
    let s: Session | undefined
    try {
      s = m ? await this.sessions.get(m[1]) : undefined
    } catch (err) {
      if (err instanceof StoreError) throw this.storeDown(route, err)
      throw err
    }
    if (!s) throw fail(401, 40101, 'invalid or missing session token')
    return s
  }

  private decrypt<T extends object>(route: string, s: Session, encryptedData: unknown, iv: unknown): T {
    if (typeof encryptedData !== 'string' || typeof iv !== 'string') throw fail(400, 40035, 'invalid encryptedData or iv')
    // Identity comes from jscode2session, never from the (MAC-less) payload alone: a payload naming
    // another user fails (expectOpenId: -41006) like any other decryption failure.
    const pc = new WXBizDataCrypt(this.options.appId, s.sessionKey, { expectOpenId: s.openid })
    try {
      return pc.decryptData<T>(encryptedData, iv)
    } catch (err) {
      if (err instanceof WXCryptError) {
        const { cause, hint } = pc.diagnose(encryptedData, iv)
        this.logger.warn({ event: 'decrypt_failed', route, openid: s.openid, errcode: err.errcode, cause, hint })
      }
      throw answer(err)
    }
  }

  phone(s: Session, body: { encryptedData?: unknown; iv?: unknown }) {
    const d = this.decrypt<PhoneNumber>('/phone', s, body.encryptedData, body.iv)
    return { phoneNumber: d.phoneNumber, purePhoneNumber: d.purePhoneNumber, countryCode: d.countryCode }
  }

  user(s: Session, body: { rawData?: unknown; signature?: unknown; encryptedData?: unknown; iv?: unknown }) {
    if (typeof body.rawData !== 'string' || typeof body.signature !== 'string') throw fail(400, 40035, 'invalid rawData or signature')
    if (!new WXBizDataCrypt(this.options.appId, s.sessionKey).verifySignature(body.rawData, body.signature)) {
      this.logger.warn({ event: 'signature_mismatch', route: '/user', openid: s.openid })
      throw fail(400, -40001, 'signature mismatch')
    }
    const { watermark, ...user } = this.decrypt<UserInfo>('/user', s, body.encryptedData, body.iv)
    return { user }
  }
}
