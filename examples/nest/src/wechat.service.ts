import { HttpException, Inject, Injectable } from '@nestjs/common'
import WXBizDataCrypt = require('wxcrypt')
import { WeChatClient, WeChatApiError, WXCryptError, type PhoneNumber, type UserInfo } from 'wxcrypt'
import { createSessionStore, StoreError, type Session, type SessionStore, type Store } from 'wxcrypt/client'

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
  private storeDown(route: string, err: StoreError): HttpException {
    this.logger.warn({ event: 'session_store_unavailable', route, code: err.code, op: err.op })
    return fail(503, -1, 'session store unavailable, retry later')
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
      if (!(err instanceof WeChatApiError)) throw err
      this.logger.warn({ event: 'wechat_api_error', api: err.api, errcode: err.errcode, hint: err.hint })
      if (err.errcode === 40029 || err.errcode === 40163) throw fail(400, 40029, 'invalid code')
      if (err.errcode === 45011) throw fail(429, 45011, 'rate limited, retry later')
      if (err.errcode === 40226) throw fail(403, 40226, 'user blocked by wechat')
      if (err.errcode === -1) throw fail(503, -1, 'wechat busy, retry later')
      throw fail(502, -1, 'wechat api unavailable')
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
    const pc = new WXBizDataCrypt(this.options.appId, s.sessionKey)
    try {
      return pc.decryptData<T>(encryptedData, iv)
    } catch (err) {
      if (!(err instanceof WXCryptError)) throw err
      const entry: Record<string, unknown> = { event: 'decrypt_failed', route, openid: s.openid, errcode: err.errcode }
      const diagnose = (pc as unknown as { diagnose?: (e: string, i: string) => { cause: string; hint: string } }).diagnose
      if (typeof diagnose === 'function') {
        try {
          const d = diagnose.call(pc, encryptedData, iv)
          entry.cause = d.cause
          entry.hint = d.hint
        } catch {
          // an older backend without diagnose
        }
      }
      this.logger.warn(entry)
      throw fail(400, err.errcode, 'decrypt failed')
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
    // Identity comes from jscode2session, never from the (MAC-less) payload alone.
    if (user.openId !== undefined && user.openId !== s.openid) {
      this.logger.warn({ event: 'decrypt_failed', route: '/user', openid: s.openid, errcode: -41003, cause: 'openid_mismatch' })
      throw fail(400, -41003, 'decrypt failed')
    }
    return { user }
  }
}
