// wxcrypt/pay: WeChat Pay APIv3 for mini programs: signed requests, verified and decrypted
// callbacks in both key modes (platform certificate and 微信支付公钥, at once), paySign, sensitive
// fields, and WeChat Pay's side for simulators. Every method of WechatPay is asynchronous; every
// failure is a WXCryptError with a documented code.
import type { ErrorCode as RootErrorCode, WXCryptError as RootWXCryptError } from './index.js'

export declare const WXCryptError: typeof RootWXCryptError
export type WXCryptError = RootWXCryptError
export declare const ErrorCode: typeof RootErrorCode
/** Which backend runs the core: `'native'` or `'wasm'`. */
export declare const backend: 'native' | 'wasm'

/** A platform key: a platform certificate (`serial` optional, checked against it) or a 微信支付公钥. */
export type WechatPayPlatformKey =
  | { serial?: string; certificate: string }
  | { id: string; publicKey: string }

/** What `new WechatPay()` takes. */
export interface WechatPayConfig {
  /** 商户号. */
  mchId: string
  /** The serial of the merchant API certificate (`serial_no` of `Authorization`). */
  merchantSerialNo: string
  /** `apiclient_key.pem` (PKCS#8; PKCS#1 accepted), RSA 2048..8192 bits. */
  merchantPrivateKey: string
  /** The APIv3 key: 32 characters. */
  apiV3Key: string
  /** Platform certificates and public keys, any number of both kinds (during the switch-over WeChat Pay signs with either). */
  platformKeys?: WechatPayPlatformKey[]
  /** Allowed distance of `Wechatpay-Timestamp` from the clock (default 300 s). */
  maxSkewSeconds?: number
}

/** Headers as a fetch `Headers`, a `Map`, or a plain object in any letter case. */
export type WechatPayHeaders = { forEach(cb: (value: string, name: string) => void): void } | Record<string, string | string[] | number | undefined>

/** An answer or a callback exactly as received: `body` the raw text or bytes (never a parsed object). */
export interface WechatPayMessage {
  headers: WechatPayHeaders
  body: string | Uint8Array | ArrayBuffer
}

/** An encrypted `resource` of a callback or of `/v3/certificates`. */
export interface WechatPayResource {
  algorithm: string
  ciphertext: string
  nonce: string
  associated_data?: string
  original_type?: string
}

/** A callback with `resource` decrypted and parsed. */
export interface WechatPayNotification<T = Record<string, unknown>> {
  id: string
  create_time: string
  event_type: string
  resource_type: string
  summary: string
  resource: T
  [key: string]: unknown
}

/** What `wx.requestPayment` takes. */
export interface RequestPaymentParams {
  appId: string
  timeStamp: string
  nonceStr: string
  /** `prepay_id=...`. */
  package: string
  signType: 'RSA'
  paySign: string
}

/**
 * The merchant's side of WeChat Pay APIv3.
 *
 * ```js
 * const pay = new WechatPay({ mchId, merchantSerialNo, merchantPrivateKey, apiV3Key,
 *   platformKeys: [{ id: 'PUB_KEY_ID_...', publicKey }, { serial, certificate }] })
 * const n = await pay.openNotification({ headers: req.headers, body: rawBody })
 * ```
 */
export declare class WechatPay {
  constructor(config: WechatPayConfig)
  readonly mchId: string
  readonly merchantSerialNo: string
  /** Where the merchant's private-key operation runs: `'rust'`, `'node:crypto'` or `'webcrypto'`. */
  readonly signer: 'rust' | 'node:crypto' | 'webcrypto'
  /** Where platform signatures are verified (the core makes every other check and counts the verdict only from the key the serial names): `'rust'`, `'node:crypto'` or `'webcrypto'`. */
  readonly verifier: 'rust' | 'node:crypto' | 'webcrypto'
  /** The ids of the platform keys held. */
  readonly platformKeyIds: string[]
  /** Adds a platform key (e.g. one decrypted from `/v3/certificates`); returns its id. Throws KeyParse/KeySize. */
  addPlatformKey(key: WechatPayPlatformKey): string
  /** The `Authorization` header value of a request; `body` exactly as sent (`''` for GET). */
  authorization(method: string, pathWithQuery: string, body?: string | Uint8Array | ArrayBuffer, options?: { timestamp?: number; nonce?: string }): Promise<string>
  /** Verifies an answer or a callback; resolves to the platform key id that verified it. */
  verify(message: WechatPayMessage, options?: { now?: number }): Promise<{ serial: string }>
  /** Verifies a callback and decrypts its resource. */
  openNotification<T = Record<string, unknown>>(message: WechatPayMessage, options?: { now?: number }): Promise<WechatPayNotification<T>>
  /** Decrypts a resource: the parsed JSON, or the text when it is not JSON (a certificate PEM). */
  decryptResource<T = unknown>(resource: WechatPayResource | string): T
  /** The parameters of `wx.requestPayment` for a `prepay_id`. */
  requestPaymentParams(params: { appId: string; prepayId: string; timeStamp?: string | number; nonceStr?: string }): Promise<RequestPaymentParams>
  /** RSAES-OAEP (SHA-1) under a platform key; send `serial` as `Wechatpay-Serial`. */
  encryptSensitive(text: string, options?: { serial?: string }): Promise<{ ciphertext: string; serial: string }>
}

/** WeChat Pay's keys, for {@link WechatPayPlatform}. */
export interface WechatPayPlatformConfig {
  mchId: string
  /** The id answers carry in `Wechatpay-Serial`: a platform certificate serial or `PUB_KEY_ID_...`. */
  serial: string
  /** The platform private key (PEM). */
  privateKey: string
  apiV3Key: string
  /** The merchant's public key (SPKI PEM) or merchant API certificate. */
  merchantPublicKey: string
  maxSkewSeconds?: number
}

/** WeChat Pay's side, for simulators and tests (synchronous). */
export declare class WechatPayPlatform {
  constructor(config: WechatPayPlatformConfig)
  readonly mchId: string
  readonly serial: string
  /** The `Wechatpay-Timestamp`, `-Nonce`, `-Signature`, `-Serial` headers for a body. */
  signResponse(body: string | Uint8Array | ArrayBuffer, options?: { timestamp?: number; nonce?: string }): Record<string, string>
  /** An encrypted `resource` (AEAD_AES_256_GCM with the APIv3 key). */
  encryptResource(plaintext: string | object, options?: { associatedData?: string; originalType?: string; nonce?: string }): WechatPayResource
  /** A complete signed callback. */
  notification(
    event: { resource: string | object; id?: string; createTime?: string; eventType?: string; summary?: string; associatedData?: string; originalType?: string },
    options?: { timestamp?: number; nonce?: string; resourceNonce?: string },
  ): { headers: Record<string, string>; body: string }
  /** Decrypts a sensitive field. */
  decryptSensitive(ciphertext: string): string
  /** Verifies a merchant's `Authorization`; throws a WXCryptError. */
  verifyAuthorization(
    method: string,
    pathWithQuery: string,
    body: string | Uint8Array | ArrayBuffer,
    authorization: string,
    options?: { now?: number },
  ): { mchId: string; serialNo: string; nonce: string; timestamp: string }
}
