/**
 * wxcrypt/pay-client: the WeChat Pay APIv3 calls an ordering backend makes (WechatPayClient) and
 * WeChat Pay callbacks handled exactly once (Koa, Express, NestJS, Hono), over wxcrypt/pay's
 * WechatPay. On Node `WechatPayClient` is bound to wxcrypt/pay (native or wasm backend); on the
 * edge entries (workerd, edge-light, Deno, browsers) use `payClientWith(WechatPay)` with the
 * WechatPay of wxcrypt/pay's edge entry.
 */

/** The WechatPay surface the client and the callbacks use (wxcrypt/pay's WechatPay has it). */
export interface WechatPayLike {
  authorization(method: string, pathWithQuery: string, body: string, options?: { timestamp?: number | string; nonce?: string }): Promise<string>
  verify(message: { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array }, options?: { now?: number }): Promise<unknown>
  openNotification(message: { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array }, options?: { now?: number }): Promise<PayNotification>
  decryptResource(resource: EncryptedResource): unknown
  requestPaymentParams(args: { appId: string; prepayId: string; timeStamp: string; nonceStr: string }): Promise<RequestPaymentParams>
}

export type PlatformKey = { serial: string; certificate: string } | { id: string; publicKey: string }

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM'
  nonce: string
  associated_data?: string
  ciphertext: string
  original_type?: string
}

/** A callback with `resource` decrypted and parsed. */
export interface PayNotification<R = Record<string, any>> {
  id: string
  create_time: string
  event_type: string
  resource_type: string
  summary?: string
  resource: R
}

/** What `wx.requestPayment` takes. */
export interface RequestPaymentParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

export interface WechatPayClientOptions {
  mchId: string
  merchantSerialNo: string
  /** PKCS#8 PEM; kept in a private field, never in errors, logs or inspect output. */
  merchantPrivateKey: string
  /** The 32-character APIv3 key; private like the merchant key. */
  apiV3Key: string
  /** Configured platform keys: certificates and/or the `PUB_KEY_ID_...` public key. */
  platformKeys?: PlatformKey[]
  maxSkewSeconds?: number
  /** The appid of JSAPI orders (or `appid` in each order). */
  appId?: string
  /** Default `https://api.mch.weixin.qq.com`; a simulator's URL in tests. */
  baseUrl?: string
  /** Default `globalThis.fetch`; inject workerd's or a fake. Called unbound. */
  fetch?: typeof fetch
  /** Per request, the answer's body included. Default 10000. */
  timeoutMs?: number
  /** Where downloaded platform certificates are shared (memory, wxcrypt/redis, KV). Default: none (this process only). */
  store?: { get(key: string): Promise<unknown>; set(key: string, value: unknown, ttlMs?: number): Promise<unknown>; delete(key: string): Promise<unknown> }
  /** Per store call, default 1000 (a store that bounds its own calls keeps its own). */
  storeTimeoutMs?: number
  /** How long stored certificates are reused, default 12 h. */
  certificatesTtlMs?: number
  /** The least time between downloads caused by an unknown `Wechatpay-Serial`, default 60 s. */
  refreshIntervalMs?: number
  /** Clock in milliseconds (answers' timestamps are checked against it), default Date.now. */
  now?: () => number
  log?: (entry: { level: 'info' | 'warn' | 'error'; event: string; message: string }) => void
}

export interface PlatformCertificate {
  serial: string
  effectiveTime: string
  expireTime: string
  /** PEM. */
  certificate: string
}

/**
 * WeChat Pay APIv3 client. Every request is signed (`Authorization`); every answer, errors
 * included, is verified (signature over the raw bytes and the timestamp window) before anything in
 * it is used: an answer that fails is a `WechatPayApiError` 'EBADSIGNATURE' and its content is
 * dropped. An answer signed by an unknown platform certificate makes the client download
 * `/v3/certificates` first (at most once per `refreshIntervalMs`).
 */
export declare class WechatPayClient {
  constructor(options: WechatPayClientOptions)
  readonly mchId: string
  readonly appId?: string
  readonly baseUrl: string
  /** The WechatPay in use (configured keys + downloaded certificates). */
  readonly pay: WechatPayLike
  /**
   * `POST /v3/pay/transactions/jsapi` (`mchid` filled in, `appid` defaulting to options.appId),
   * then `requestPaymentParams`: what the mini program passes to `wx.requestPayment`.
   */
  jsapiOrder(order: {
    appid?: string
    description: string
    out_trade_no: string
    notify_url: string
    amount: { total: number; currency?: 'CNY' }
    payer: { openid: string }
    [field: string]: unknown
  }): Promise<{ prepayId: string; requestPayment: RequestPaymentParams }>
  /** `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=`. */
  queryByOutTradeNo(outTradeNo: string): Promise<Record<string, any>>
  /** `GET /v3/pay/transactions/id/{transaction_id}?mchid=`. */
  queryByTransactionId(transactionId: string): Promise<Record<string, any>>
  /** `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close` (204). */
  closeOrder(outTradeNo: string): Promise<void>
  /** `POST /v3/refund/domestic/refunds`. */
  refund(refund: {
    transaction_id?: string
    out_trade_no?: string
    out_refund_no: string
    reason?: string
    notify_url?: string
    amount: { refund: number; total: number; currency: 'CNY' }
    [field: string]: unknown
  }): Promise<Record<string, any>>
  /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
  queryRefund(outRefundNo: string): Promise<Record<string, any>>
  /**
   * `GET /v3/certificates`: decrypted with the APIv3 key, the answer verified with them (or a known
   * key), added to the verifier and saved in the store under `paycerts:<mchId>`.
   */
  downloadCertificates(): Promise<PlatformCertificate[]>
  /** Any APIv3 call, signed and verified; resolves to the answer's JSON (null for 204). */
  request(method: string, path: string, options?: { query?: Record<string, string>; body?: unknown; wechatpaySerial?: string }): Promise<any>
  /** `pay.openNotification`, downloading the certificates first when the callback names an unknown one. */
  openNotification(message: { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array }, options?: { now?: number }): Promise<PayNotification>
  toJSON(): { mchId: string; baseUrl: string }
}

/** The client class over a given WechatPay class (the edge entries' way to get WechatPayClient). */
export declare function payClientWith(WechatPay: new (options: any) => WechatPayLike): typeof WechatPayClient

/**
 * A failed WeChat Pay call. `code`: WeChat's (ORDER_NOT_EXIST, PARAM_ERROR, SIGN_ERROR, ...) from a
 * verified answer, or ETIMEDOUT, ENETWORK, EBADRESPONSE, EBADSIGNATURE (answer not trusted),
 * EUNSIGNED (an error answer without WeChat's signature, e.g. a proxy: see `unverified`).
 */
export declare class WechatPayApiError extends Error {
  readonly name: 'WechatPayApiError'
  /** `METHOD path`. */
  readonly api: string
  /** HTTP status, 0 without an answer. */
  readonly status: number
  readonly code: string
  readonly errmsg: string
  readonly detail?: unknown
  readonly unverified?: unknown
}

export interface PayNotifyOptions<R = Record<string, any>, C = unknown> {
  /** A WechatPayClient (downloads unknown certificates) or a WechatPay. */
  pay: { openNotification: WechatPayLike['openNotification'] }
  /**
   * Runs once per notification id, across every process sharing the store. Throwing leaves the id
   * unprocessed (WeChat gets 500 FAIL and retries). Must finish within `processingTtlMs`.
   */
  handler: (resource: R, notification: PayNotification<R>, context: C) => unknown
  /** A store with setIfAbsent and deleteIfEquals: the memory store (one process) or wxcrypt/redis. */
  store: {
    get(key: string): Promise<unknown>
    set(key: string, value: unknown, ttlMs?: number): Promise<unknown>
    delete(key: string): Promise<unknown>
    setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>
    deleteIfEquals(key: string, value: unknown): Promise<boolean>
  }
  /** Default 'paynotify:'. */
  prefix?: string
  /** The claim's lifetime, default 60000. */
  processingTtlMs?: number
  /** How long a processed id is remembered, default 72 h. */
  doneTtlMs?: number
  storeTimeoutMs?: number
  /** Default 64 KiB. */
  maxBodyBytes?: number
  log?: (entry: { level: 'info' | 'warn' | 'error'; event: string; message: string; id?: string }) => void
}

export interface PayNotifyAnswer {
  /** 204 (handled, or a duplicate), 401 (refused), 400, 413, 500 (handler failed, or no raw body), 503 (store down, or being processed). */
  status: number
  headers: Record<string, string>
  /** '' or `{"code":"FAIL","message":"..."}`. */
  body: string
  outcome: 'handled' | 'duplicate' | 'busy' | 'refused' | 'failed' | 'store-down'
}

/** The framework-agnostic core: `handle({ headers, body })` with the RAW body (a string or bytes). */
export declare function createPayNotifyHandler<R = Record<string, any>>(
  options: PayNotifyOptions<R>,
): (request: { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array; now?: number; context?: unknown }) => Promise<PayNotifyAnswer>

/** Koa middleware (mount before a JSON body parser, or after koa-bodyparser/@koa/bodyparser whose rawBody it uses). */
export declare function payNotifyKoa(options: PayNotifyOptions<any, any>): (ctx: any, next?: () => Promise<void>) => Promise<void>
/** Express / Connect middleware (before express.json(), or after express.raw()). */
export declare function payNotifyExpress(options: PayNotifyOptions<any, any>): (req: any, res: any, next: (err?: unknown) => void) => void
/** For a NestJS controller (`NestFactory.create(AppModule, { rawBody: true })`): `@Post() n(@Req() req, @Res() res) { return notify(req, res) }`. */
export declare function payNotifyNest(options: PayNotifyOptions<any, any>): (req: any, res: any) => Promise<{ outcome: PayNotifyAnswer['outcome'] }>
/** Hono route handler (`app.post(path, payNotifyHono(o))`), with `.fetch(request)` for a bare fetch server. */
export declare function payNotifyHono(options: PayNotifyOptions<any, any>): ((c: any) => Promise<Response>) & { fetch(request: Request): Promise<Response> }
