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
  constructor(appId: string, sessionKey: string)
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
  /** Checks getUserInfo's `signature` for `rawData` with this instance's session key. */
  verifySignature(rawData: string, signature: string): boolean
}


import Self = WXBizDataCrypt

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
  }

  /** The names of {@link ErrorCode}, used as `error.code`. */
  export type ErrorCodeName = keyof typeof ErrorCode

  /**
   * What decryption throws. `message` is always `'Illegal Buffer'` (what code written for the
   * official sample checks). `errcode` and `code` are the only enumerable properties, so
   * serialising the error (`ctx.body = { err }`) reveals nothing more.
   */
  export class WXCryptError extends Error {
    readonly message: 'Illegal Buffer'
    readonly name: 'WXCryptError'
    /** The official numeric code, e.g. -41003. */
    readonly errcode: (typeof ErrorCode)[ErrorCodeName]
    /** The official name of the code, e.g. 'IllegalBuffer'. */
    readonly code: ErrorCodeName
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

  export { Self as WXBizDataCrypt, Self as default }
}

export = WXBizDataCrypt
