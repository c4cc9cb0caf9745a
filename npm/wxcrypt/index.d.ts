/**
 * wxcrypt: WeChat Mini Program server-side crypto, written in Rust.
 *
 * A drop-in replacement for WeChat's `WXBizDataCrypt.js`:
 *
 * ```js
 * const WXBizDataCrypt = require('wxcrypt')
 * const pc = new WXBizDataCrypt(appId, sessionKey)
 * const data = pc.decryptData(encryptedData, iv)
 * ```
 */

/**
 * Decrypts the `encryptedData` + `iv` a mini program sends, for one app and one user's
 * `session_key`. Arguments of the wrong type throw a `TypeError` (`code: 'ERR_INVALID_ARG_TYPE'`).
 */
declare class WXBizDataCrypt {
  /**
   * @param appId the mini program's appid; the decrypted watermark must carry it.
   * @param sessionKey the user's `session_key` from `jscode2session` (base64). Kept in a private
   *   field: it does not show in `console.log`, `JSON.stringify` or property enumeration.
   */
  constructor(appId: string, sessionKey: string, options?: WXBizDataCrypt.DecryptOptions)
  /** The appid given to the constructor. */
  readonly appId: string
  /**
   * Decrypts and returns exactly what `JSON.parse` of the plaintext gives, after checking that
   * `watermark.appid === appId`.
   *
   * Base64 inputs may use the standard or URL-safe alphabet, with or without padding; ASCII
   * whitespace is ignored, and spaces in a single-line value are read as `+`.
   *
   * @throws {WXCryptError} -41001 / -41002 / -41004 for a malformed key, iv or base64; -41003 for
   *   every other failure.
   */
  decryptData<T extends object = WXBizDataCrypt.OpenData>(encryptedData: string, iv: string): T
  /**
   * Decrypts and returns the plaintext string with no JSON or watermark check, for payloads that
   * are not JSON (`wx.authPrivateMessage`'s bare activityId). The padding is still checked.
   *
   * @throws {WXCryptError} as {@link WXBizDataCrypt.decryptData}.
   */
  decryptRaw(encryptedData: string, iv: string): string
  /**
   * Why does this data fail to decrypt? For server logs only — never send it to a client (it is
   * exactly the oracle the opaque error avoids). Never throws; never includes the session key.
   */
  diagnose(encryptedData: string, iv: string): WXBizDataCrypt.Diagnosis
  /** Checks getUserInfo's `signature` for `rawData` with this instance's session key. */
  verifySignature(rawData: string, signature: string): boolean
}


import Self = WXBizDataCrypt
import Client = require('./client')

/** Everything else the package exports, beside the class. */
declare namespace WXBizDataCrypt {
  /** The `watermark` WeChat adds to every decrypted payload. */
  export interface Watermark {
    /** The mini program's appid; checked against `appId` before anything is returned. */
    appid: string
    /** Unix seconds when WeChat encrypted the data: the only freshness signal. */
    timestamp: number
  }

  /** Any decrypted payload: a JSON object with a checked watermark. */
  export interface OpenData {
    watermark: Watermark
    [key: string]: unknown
  }

  /** `getUserInfo` / `getUserProfile` (since 2021 often anonymised: "微信用户" and a grey avatar). */
  export interface UserInfo extends OpenData {
    openId: string
    nickName: string
    /** 0 unknown, 1 male, 2 female. */
    gender: number
    language: string
    city: string
    province: string
    country: string
    avatarUrl: string
    unionId?: string
  }

  /** `getPhoneNumber` (legacy button flow with encryptedData + iv). */
  export interface PhoneNumber extends OpenData {
    /** With the country code for numbers outside mainland China. */
    phoneNumber: string
    /** Without the country code. */
    purePhoneNumber: string
    /** A string such as "86" in this flow. */
    countryCode: string
  }

  /** `getShareInfo`: real payloads also carry undocumented keys such as `msgTicket`. */
  export interface ShareInfo extends OpenData {
    openGId: string
  }

  /** `getWeRunData`: step counts for the last 31 days. */
  export interface WeRunData extends OpenData {
    stepInfoList: Array<{ timestamp: number; step: number }>
  }

  /** Optional checks after the watermark check. */
  export interface DecryptOptions {
    /**
     * Reject data whose `watermark.timestamp` is older than this many seconds, more than 60 s in
     * the future, or missing: errcode -41005 (`Expired`).
     */
    maxAgeSeconds?: number
    /**
     * The session's openid from `jscode2session`: reject a payload whose `openId` differs,
     * errcode -41006 (`OpenIdMismatch`). Closes the iv forgery of the identity field; payloads
     * without `openId` (phone numbers) pass.
     */
    expectOpenId?: string
  }

  /** What {@link WXBizDataCrypt.diagnose} found. */
  export interface Diagnosis {
    cause:
      | 'ok'
      | 'session_key_mismatch'
      | 'iv_mismatch'
      | 'transport_damage'
      | 'appid_mismatch'
      | 'expired'
      | 'openid_mismatch'
      | 'not_json'
      | 'malformed_input'
    /** A sentence a developer can act on. */
    hint: string
    /** What decryptData throws for the same input (0 when it succeeds). */
    errcode: number
    /** For transport damage: the repair that makes the data decrypt, if one does. */
    repair?: string
    /** For an appid mismatch: the appid the payload names. */
    found_appid?: string
    /** The watermark timestamp, when there is one. */
    timestamp?: number
  }

  /** Official error codes, by their names in WeChat's samples. */
  export const ErrorCode: {
    /** The session key does not decode to 16 bytes. */
    readonly IllegalAesKey: -41001
    /** The iv does not decode to 16 bytes. */
    readonly IllegalIv: -41002
    /**
     * Decryption failed: ciphertext length, padding, JSON, watermark or appid. The causes are
     * deliberately indistinguishable (telling them apart would be a padding oracle).
     */
    readonly IllegalBuffer: -41003
    /** A base64 field holds a character outside the standard and URL-safe alphabets. */
    readonly DecodeBase64Error: -41004
    /** `options.maxAgeSeconds`: the data is too old (or from the future). */
    readonly Expired: -41005
    /** `options.expectOpenId`: the payload belongs to another user, or was forged. */
    readonly OpenIdMismatch: -41006
    /** Message push: the msg_signature (or URL signature) does not match. */
    readonly WXBizMsgCrypt_ValidateSignature_Error: -40001
    /**
     * Message push: no `Encrypt` field in the JSON or XML body (nor WeCom's lower-case `encrypt`
     * in JSON), or a JSON body with both `Encrypt` and `encrypt`, differing.
     */
    readonly WXBizMsgCrypt_ParseXml_Error: -40002
    readonly WXBizMsgCrypt_ComputeSignature_Error: -40003
    /** Message push: the EncodingAESKey is not 43 base64 characters. */
    readonly WXBizMsgCrypt_IllegalAesKey: -40004
    /** Message push: the message was encrypted for another receiver id (appid, corp id, suite id). */
    readonly WXBizMsgCrypt_ValidateAppid_Error: -40005
    readonly WXBizMsgCrypt_EncryptAES_Error: -40006
    /** Message push: bad ciphertext length or padding. */
    readonly WXBizMsgCrypt_DecryptAES_Error: -40007
    /** Message push: the decrypted buffer's length fields are out of bounds. */
    readonly WXBizMsgCrypt_IllegalBuffer: -40008
    readonly WXBizMsgCrypt_EncodeBase64_Error: -40009
    /** Message push: Encrypt is not base64. */
    readonly WXBizMsgCrypt_DecodeBase64_Error: -40010
    /** Message push: the reply envelope cannot be written. */
    readonly WXBizMsgCrypt_GenReturnXml_Error: -40011
    /** Not a key or certificate of the expected kind. */
    readonly KeyParse: -42001
    /** Key of a refused size. */
    readonly KeySize: -42002
    /** Signature does not verify. */
    readonly SignatureInvalid: -42003
    /** Decryption failed (GCM tag mismatch). */
    readonly AeadOpen: -42004
    /** No held key has that serial. */
    readonly UnknownSerial: -42005
    /** Timestamp outside the allowed window. */
    readonly TimestampWindow: -42006
    /** A required header or field is missing. */
    readonly MissingField: -42007
    /** Malformed envelope. */
    readonly MalformedEnvelope: -42008
    /** Cannot compute the signature or ciphertext. */
    readonly CryptoFailure: -42009
    /** Invalid argument. */
    readonly InvalidArgument: -42010
    /** 缺少Wechatmp_Serial (missing Wechatmp-Serial). */
    readonly API_Missing_Wechatmp_Serial: 40230
    /** 缺少Wechatmp_Timestamp (missing Wechatmp-TimeStamp). */
    readonly API_Missing_Wechatmp_Timestamp: 40231
    /** 缺少Wechatmp_Signature (missing Wechatmp-Signature). */
    readonly API_Missing_Wechatmp_Signature: 40232
    /** 缺少Wechatmp_Appid (missing Wechatmp-Appid). */
    readonly API_Missing_Wechatmp_Appid: 40233
    /** 签名错误 (invalid signature). */
    readonly API_Invalid_Signature: 40234
    /** 错误的加密 (invalid encryption). */
    readonly API_Invalid_Encrypt: 40235
    /** 无效的Wechatmp_Appid (invalid Wechatmp-Appid). */
    readonly API_Invalid_Wechatmp_Appid: 40236
    /** Wechatmp_Appid和Token不匹配 (appid does not match the access token). */
    readonly API_Invalid_Wechatmp_Appidmatch: 40237
    /** 开发者未设置对称密钥 (no symmetric key configured). */
    readonly API_NoExist_DevSecretSym: 40238
    /** 开发者未设置公钥 (no public key configured). */
    readonly API_NoExist_DevSecretAsym: 40239
    /** 超时的数据 (expired timestamp). */
    readonly API_Expired_Wechatmp_Timestamp: 40240
  }

  /** The names of {@link ErrorCode}, used as `error.code`. */
  export type ErrorCodeName = keyof typeof ErrorCode

  /**
   * What wxcrypt throws. For open data (-4100x) `message` is always `'Illegal Buffer'` (what code
   * written for the official sample checks); for message push (-400xx) it names what failed.
   * `errcode` and `code` are the only enumerable properties, so serialising the error
   * (`ctx.body = { err }`) reveals nothing more.
   */
  export class WXCryptError extends Error {
    readonly name: 'WXCryptError'
    /** The official numeric code, e.g. -41003. */
    readonly errcode: (typeof ErrorCode)[ErrorCodeName]
    /** The official name of the code, e.g. 'IllegalBuffer'. */
    readonly code: ErrorCodeName
  }

  /** The algorithm pairs of WeChat's server-API security mode (MP admin, 开发管理 -> 开发设置 -> API安全). */
  export type ApiSecurityAlgorithm = 'AES256_GCM+RSAwithSHA256' | 'SM4_GCM+SM2withSM3'

  /** The keys an app holds for the server-API security mode: what `new ApiSecurity()` takes. */
  export interface ApiSecurityConfig {
    appId: string
    algorithm: ApiSecurityAlgorithm
    /** The API symmetric key, base64 (32 bytes for AES256_GCM, 16 for SM4_GCM). */
    symmetricKey: string
    /** Its 编号 (as the MP admin shows it; part of the AAD). */
    symmetricKeySn: string
    /** The app's private key, PEM (RSA PKCS#1 or PKCS#8, at least 2048 bits; SM2 PKCS#8/SEC1). */
    privateKey: string
    /** Its 编号 (sent as `Wechatmp-Serial`; the SM2 user ID of requests). Not a certificate serial. */
    privateKeySn: string
    /** The platform certificates (X.509 PEM, or SPKI public keys) with their 编号; two during a rotation. */
    platformCertificates: ReadonlyArray<{ sn: string; certificate: string }>
    /** Clock window for answers, seconds (default 300). */
    maxSkewSeconds?: number
  }

  /** A sealed request or answer: the headers to set and the exact body to send. */
  export interface ApiSecuritySealed {
    headers: Record<string, string>
    body: string
  }

  /** A request or an answer to open: headers (fetch `Headers` or a plain object, any letter case) and the raw body. */
  export interface ApiSecurityMessage {
    headers: Headers | Record<string, string | string[] | undefined> | Map<string, string>
    body: string | Uint8Array | ArrayBuffer
  }

  /** Options of the sealers (tests and vectors only; the defaults are the clock and the CSPRNG). */
  export interface ApiSecuritySealOptions {
    /** Unix seconds. */
    timestamp?: number
    /** The `_n` string. */
    nonce?: string
    /** The 12-byte iv, base64. */
    iv?: string
  }

  /**
   * The app's side of WeChat's server-API security mode (服务端 API 签名加密): seals requests to
   * `api.weixin.qq.com` and opens (verifies, decrypts and checks) its answers. Every key is parsed
   * and checked in the constructor (throws `KeyParse`, `KeySize`, `InvalidArgument`); failures of
   * the methods reject with a {@link WXCryptError}; wrong argument types with a TypeError.
   *
   * ```js
   * const sec = new ApiSecurity({ appId, algorithm: 'AES256_GCM+RSAwithSHA256', symmetricKey, symmetricKeySn,
   *   privateKey, privateKeySn, platformCertificates: [{ sn, certificate }] })
   * const url = 'https://api.weixin.qq.com/wxa/business/getuserphonenumber'
   * const { headers, body } = await sec.sealRequest(url, { code })
   * const res = await fetch(`${url}?access_token=${token}`, { method: 'POST', headers, body })
   * const answer = await sec.openResponse(url, { headers: res.headers, body: await res.text() })
   * ```
   */
  export class ApiSecurity {
    constructor(config: ApiSecurityConfig)
    readonly appId: string
    readonly algorithm: ApiSecurityAlgorithm
    /** Where the private-key operation runs: `'rust'` (the core), `'node:crypto'` or `'webcrypto'` (RSA only). */
    readonly signer: 'rust' | 'node:crypto' | 'webcrypto'
    /** Seals a call to `url` (`params`: the API's parameters, an object or its JSON text). */
    sealRequest(url: string, params: object | string, options?: ApiSecuritySealOptions): Promise<ApiSecuritySealed>
    /** Opens an answer: the answer object without `_n`, `_appid`, `_timestamp`. */
    openResponse<T = Record<string, unknown>>(url: string, response: ApiSecurityMessage, options?: { now?: number }): Promise<T>
    /** As openResponse, also naming the platform certificate 编号 that verified it and whether it is being retired. */
    openResponseDetailed<T = Record<string, unknown>>(
      url: string,
      response: ApiSecurityMessage,
      options?: { now?: number },
    ): Promise<{ answer: T; serial: string; deprecated: boolean }>
  }

  /** WeChat's keys for one app, for {@link ApiSecurityPlatform}. */
  export interface ApiSecurityPlatformConfig {
    appId: string
    algorithm: ApiSecurityAlgorithm
    symmetricKey: string
    symmetricKeySn: string
    /** The app's public key (SPKI PEM or certificate PEM). */
    appPublicKey: string
    /** The app's asymmetric key 编号. */
    appKeySn: string
    /** The platform's current private key, PEM. */
    platformPrivateKey: string
    /** The current platform certificate's 编号. */
    platformSn: string
    /** During a rotation: the retiring key and its 编号 (answers then carry both signatures). */
    deprecated?: { privateKey: string; sn: string }
    maxSkewSeconds?: number
  }

  /**
   * WeChat's side of the server-API security mode, for simulators and tests (synchronous): opens
   * requests with WeChat's 40230-40240 errors (`API_*` codes) and seals answers.
   */
  export class ApiSecurityPlatform {
    constructor(config: ApiSecurityPlatformConfig)
    readonly appId: string
    readonly algorithm: ApiSecurityAlgorithm
    /** The request's parameters object (without the security fields). */
    openRequest<T = Record<string, unknown>>(url: string, request: ApiSecurityMessage, options?: { now?: number }): T
    /** Seals an answer object (or its JSON text). */
    sealResponse(url: string, answer: object | string, options?: ApiSecuritySealOptions): ApiSecuritySealed
  }

  /**
   * Message-push crypto in safe mode (WeChat's WXBizMsgCrypt), for every Tencent sender: mini
   * programs, official accounts, the open platform and WeCom; JSON, WeCom's lower-case JSON and
   * XML bodies.
   *
   * ```js
   * const mc = new WXBizMsgCrypt(token, encodingAESKey, appId)
   * const { message, format } = mc.decryptBody(query.msg_signature, query.timestamp, query.nonce, body)
   * const reply = mc.encryptMsg(JSON.stringify({ ok: 1 }), query.timestamp, query.nonce, format)
   * ```
   */
  export class WXBizMsgCrypt {
    /**
     * @param token the Token of the message-push settings.
     * @param encodingAESKey the 43-character EncodingAESKey.
     * @param appId the receiver id, checked exactly in every message: the appid (mini program,
     *   official account), the component appid (open platform), the corp id (WeCom app), the
     *   suite id or authorizing corp id (WeCom third party), or `''` (WeCom intelligent robot).
     * @throws {WXCryptError} -40004 when the EncodingAESKey is malformed.
     */
    constructor(token: string, encodingAESKey: string, appId: string)
    readonly appId: string
    /**
     * Checks `msgSignature` (constant time) and decrypts. `body` is the request body: a JSON
     * string (`Encrypt`, or WeCom's lower-case `encrypt`), an XML string, its bytes, or an
     * object a body parser made (`{ Encrypt }` or `{ encrypt }`).
     * @returns the decrypted message text (JSON or XML, as the app is configured).
     * @throws {WXCryptError} -40001 signature, -40002 no Encrypt field (or both `Encrypt` and
     *   `encrypt`, differing), -40010 base64, -40007 decryption, -40008 lengths, -40005 receiver id.
     */
    decryptMsg(
      msgSignature: string,
      timestamp: string | number,
      nonce: string | number,
      body: string | Uint8Array | WXBizMsgCrypt.ParsedBody,
    ): string
    /**
     * As {@link WXBizMsgCrypt.decryptMsg}, also saying which envelope the body came in: the
     * format to reply in (`encryptMsg(reply, ts, nonce, format)`). A parsed object with only
     * `encrypt` is `'wecom-json'`; with `Encrypt` (or both, equal) `'json'`.
     * @throws {WXCryptError} as {@link WXBizMsgCrypt.decryptMsg}.
     */
    decryptBody(
      msgSignature: string,
      timestamp: string | number,
      nonce: string | number,
      body: string | Uint8Array | WXBizMsgCrypt.ParsedBody,
    ): { message: string; format: WXBizMsgCrypt.Format }
    /**
     * Encrypts a reply into its envelope (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`; for
     * `'wecom-json'` WeCom's `encrypt`, `msgsignature`, `timestamp`, `nonce`, all strings) with a
     * fresh random prefix. `timestamp` defaults to now, `nonce` to a random number; an object
     * reply is sent as its JSON text.
     * @param options.random testing only: a fixed 16-character random prefix, to reproduce
     *   published vectors. Never in production.
     */
    encryptMsg(
      replyMsg: string | object,
      timestamp?: string | number,
      nonce?: string | number,
      format?: WXBizMsgCrypt.Format,
      options?: { random?: string },
    ): string
    /**
     * GET URL verification of mini programs and official accounts: returns `echostr` when the
     * (plain) `signature` holds.
     * @throws {WXCryptError} -40001 otherwise.
     */
    verifyUrl(signature: string, timestamp: string | number, nonce: string | number, echostr: string): string
    /**
     * GET URL verification of WeCom: `echostr` is encrypted and signed with `msg_signature`.
     * Returns the decrypted `echostr`, the answer WeCom expects.
     * @throws {WXCryptError} -40001 signature, -40005 receiver id, or a decryption error.
     */
    verifyUrlEncrypted(msgSignature: string, timestamp: string | number, nonce: string | number, echostr: string): string
  }

  export namespace WXBizMsgCrypt {
    /** A push body's envelope: `Encrypt` JSON, XML, or WeCom's lower-case JSON (`encrypt`). */
    export type Format = 'json' | 'xml' | 'wecom-json'
    /** A body a framework already parsed (JSON, or XML into an object). */
    export interface ParsedBody {
      Encrypt?: unknown
      encrypt?: unknown
      [key: string]: unknown
    }
  }

  /** Which implementation runs: the native addon, or the WebAssembly build. */
  export const backend: 'native' | 'wasm'

  /** `sha1(rawData + sessionKey)` (the key as its base64 text), lowercase hex. */
  export function rawDataSignature(rawData: string, sessionKey: string): string
  /** Checks getUserInfo's `signature` in constant time; upper-case hex is accepted. */
  export function verifyRawDataSignature(rawData: string, sessionKey: string, signature: string): boolean
  /** Message-push URL signature: `sha1` of the sorted, joined `token`, `timestamp`, `nonce`. */
  export function urlSignature(token: string, timestamp: string | number, nonce: string | number): string
  /** Checks a message-push URL signature in constant time; upper-case hex is accepted. */
  export function verifyUrlSignature(
    token: string,
    timestamp: string | number,
    nonce: string | number,
    signature: string,
  ): boolean
  /** `msg_signature`: `sha1` of the sorted, joined `token`, `timestamp`, `nonce`, `Encrypt`. */
  export function msgSignature(
    token: string,
    timestamp: string | number,
    nonce: string | number,
    encrypt: string,
  ): string
  /** Checks a `msg_signature` in constant time; upper-case hex is accepted. */
  export function verifyMsgSignature(
    token: string,
    timestamp: string | number,
    nonce: string | number,
    encrypt: string,
    signature: string,
  ): boolean
  /** checkSessionKey's signature: `hmac_sha256(key = sessionKey text, message = '')`, lowercase hex. */
  export function sessionKeySignature(sessionKey: string): string

  /** Calls WeChat's server APIs (jscode2session, stable_token, getuserphonenumber, checksession). */
  export import WeChatClient = Client.WeChatClient
  /** A failed WeChat API call: `errcode`, `errmsg` and a `hint`; never the secret. */
  export import WeChatApiError = Client.WeChatApiError
  export type WeChatClientOptions = Client.WeChatClientOptions
  export type Code2SessionResult = Client.Code2SessionResult
  export type PhoneInfo = Client.PhoneInfo

  export { Self as WXBizDataCrypt, Self as default }
}

export = WXBizDataCrypt
