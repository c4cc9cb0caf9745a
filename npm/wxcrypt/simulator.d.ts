import type { Server } from 'node:http'

/** Options of {@link createSimulator}. */
export interface SimulatorOptions {
  /** The only appid it accepts (40013 otherwise). */
  appId: string
  /** The appsecret it accepts (40125 otherwise). */
  secret: string
  /** Default 0: a free port. It listens on 127.0.0.1 only. */
  port?: number
  /** Access token lifetime in seconds, default 7200. */
  expiresIn?: number
  /** Clock in milliseconds, default `Date.now`; tests move it to expire codes and tokens. */
  now?: () => number
  /** Plays WeChat in server-API security mode: the platform side of a key set (`generateApiSecurityKeys(...).platform`). */
  apiSecurity?: ApiSecurityKeySet['platform']
}

/** A local key set (AES256_GCM + RSAwithSHA256) for the simulator; never for WeChat. */
export interface ApiSecurityKeySet {
  /** WeChatClient's `apiSecurity` (ApiSecurity options). */
  app: {
    appId: string
    algorithm: 'AES256_GCM+RSAwithSHA256'
    symmetricKey: string
    symmetricKeySn: string
    privateKey: string
    privateKeySn: string
    platformCertificates: Array<{ sn: string; certificate: string }>
  }
  /** createSimulator's `apiSecurity` (ApiSecurityPlatform options). */
  platform: {
    appId: string
    algorithm: 'AES256_GCM+RSAwithSHA256'
    symmetricKey: string
    symmetricKeySn: string
    appPublicKey: string
    appKeySn: string
    platformPrivateKey: string
    platformSn: string
    maxSkewSeconds?: number
  }
}

/** What the mini program gets from getUserInfo & co. */
export interface SimulatedUserData {
  encryptedData: string
  iv: string
  /** `JSON.stringify(data)` (without the watermark). */
  rawData: string
  /** `sha1(rawData + session_key)`. */
  signature: string
}

/** Request counters. `tokenRequests` counts `/cgi-bin/token` and `/cgi-bin/stable_token`. */
export interface SimulatorStats {
  requests: number
  jscode2session: number
  tokenRequests: number
  phoneNumberRequests: number
  checkSessionRequests: number
  checkEncryptedRequests: number
  resetSessionKeyRequests: number
  encryptKeyRequests: number
  /** Answers with a non-zero errcode. */
  errors: number
  /** With `apiSecurity`: requests to the secure APIs, and those rejected with 40230-40240. */
  secureRequests?: number
  secureRejected?: number
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:54321`: the `baseUrl` for WeChatClient. */
  readonly url: string
  readonly appId: string
  readonly server: Server
  /** `wx.login()`: a single-use code (5 minutes) and a new session_key for the user. */
  login(options?: { openid?: string; unionid?: string }): { code: string; openid: string }
  /** `data` + watermark, AES-128-CBC under the user's current session_key, random iv, signed rawData. */
  userData(openid: string, data: object): SimulatedUserData
  /** A code for getuserphonenumber: `'13800138000'` (+86) or `'+1 2025550123'`. */
  phoneNumberCode(openid: string, phoneNumber: string): string
  /** The user's current session_key (tests only: the mini program never sees it). */
  sessionKey(openid: string): string
  /** The next `times` calls to `api` (e.g. '/sns/jscode2session') answer `errcode` (default -1, busy). */
  failNext(api: string, errcode?: number, times?: number, errmsg?: string): void
  /** Invalidates every access token issued so far (the next call gets 40001). */
  revokeTokens(): void
  stats(): SimulatorStats
  /** With `apiSecurity`: certificate rotation (both signatures, then only the new one); else null. */
  readonly apiSecurity: null | {
    /** A new platform key signs; the current one keeps signing as deprecated. Returns the new certificate. */
    rotateCertificate(): { sn: string; certificate: string }
    finishRotation(): void
  }
  close(): Promise<void>
}

/** Starts a WeChat API simulator on 127.0.0.1. */
export function createSimulator(options: SimulatorOptions): Promise<Simulator>
export default createSimulator
/** Parses a phone number the way the simulator fills `phone_info`. */
/** A local key set for the simulator (`app` for WeChatClient, `platform` for createSimulator). */
export function generateApiSecurityKeys(options: { appId: string; algorithm?: 'AES256_GCM+RSAwithSHA256' }): ApiSecurityKeySet
export function phoneInfo(phoneNumber: string): { phoneNumber: string; purePhoneNumber: string; countryCode: number }

/** Options of {@link createPaySimulator}. */
export interface PaySimulatorOptions {
  /** The merchant it serves (`mchid`). */
  mchId: string
  /** The merchant certificate serial every `Authorization` must name. */
  merchantSerialNo: string
  /** The merchant's public key (PEM, a certificate, or a KeyObject) that checks `Authorization`. */
  merchantPublicKey: string | import('node:crypto').KeyObject
  /** The 32-character APIv3 key callbacks and certificates are encrypted under. */
  apiV3Key: string
  /**
   * Which platform key signs answers and callbacks: `'certificate'`, `'publicKey'` (default: what
   * new merchants get, `PUB_KEY_ID_...`), or `'both'` at random (the ~7-day switch-over).
   */
  mode?: 'certificate' | 'publicKey' | 'both'
  /** If set, the only appid orders may name. */
  appId?: string
  /** Multiplies WeChat's callback retry schedule (0.001: 15 s becomes 15 ms). Default 1. */
  timeScale?: number
  /** Default 0: a free port. It listens on 127.0.0.1 only. */
  port?: number
  /** Clock in milliseconds, default `Date.now`. */
  now?: () => number
  /** In `'both'` mode, a value below 0.5 picks the certificate. Default `Math.random`. */
  random?: () => number
}

/** One callback the simulator sends until acknowledged. */
export interface PayDelivery {
  /** The notification id (the same on every retry). */
  readonly id: string
  /** The out_trade_no (TRANSACTION.SUCCESS) or out_refund_no (REFUND.SUCCESS). */
  readonly key: string
  readonly eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS'
  readonly notifyUrl: string
  readonly attempts: number
  /** The HTTP status of each attempt (0: unreachable or timed out). */
  readonly statuses: number[]
  readonly acknowledged: boolean
  /** Settles when a 2xx came back or the schedule ran out. */
  readonly done: Promise<{ attempts: number; acknowledged: boolean }>
}

export type PaySimulatorPlatformKey = { serial: string; certificate: string } | { id: string; publicKey: string }

export interface PaySimulator {
  /** e.g. `http://127.0.0.1:54321`: the pay client's base URL. */
  readonly url: string
  readonly mode: 'certificate' | 'publicKey' | 'both'
  readonly mchId: string
  readonly server: Server
  /** The platform keys a merchant configures for this mode (`new WechatPay({ platformKeys })`). */
  readonly platformKeys: PaySimulatorPlatformKey[]
  readonly platformCertificate: { serial: string; certificate: string }
  readonly platformPublicKey: { id: string; publicKey: string }
  /** The serial sensitive fields are encrypted to in this mode. */
  readonly encryptionSerial: string
  /** The user pays the order of a prepay_id (or out_trade_no): TRANSACTION.SUCCESS goes to its notify_url. */
  pay(prepayIdOrOutTradeNo: string, options?: { openid?: string }): PayDelivery
  /**
   * `wx.requestPayment(params)` as the WeChat client runs it: appId, package and paySign checked
   * under the merchant key, then {@link PaySimulator.pay}. Throws `requestPayment:fail ...`.
   */
  requestPayment(params: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string }): PayDelivery
  /** Sends an already delivered notification once more (WeChat repeats callbacks): the HTTP status. */
  resend(notificationId: string): Promise<number>
  /** The order as a query answers it. */
  order(outTradeNo: string): Record<string, unknown> | undefined
  /** Decrypts an RSAES-OAEP sensitive field encrypted to `serial`. */
  decryptSensitive(ciphertext: string, serial?: string): string
  readonly deliveries: PayDelivery[]
  stats(): { requests: number; signErrors: number; callbacks: number; callbackAttempts: number }
  close(): Promise<void>
}

/**
 * Starts a WeChat Pay APIv3 simulator on 127.0.0.1: JSAPI orders, queries, close, refunds,
 * /v3/certificates, Authorization checked (401 SIGN_ERROR), answers and callbacks signed.
 */
export function createPaySimulator(options: PaySimulatorOptions): Promise<PaySimulator>
