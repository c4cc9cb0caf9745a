/** Options of {@link WeChatClient}. */
export interface WeChatClientOptions {
  /** The mini program's appid. */
  appId: string
  /** The appsecret. Kept in a private field; never in errors, logs or `util.inspect`. */
  secret: string
  /** Default `https://api.weixin.qq.com`; a simulator's `sim.url` in tests. */
  baseUrl?: string
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Per request, default 5000. */
  timeoutMs?: number
  /** Retries of a `-1` (system busy) answer, default 2. */
  retries?: number
  /** First backoff delay before a retry, doubled each time, default 200. */
  retryDelayMs?: number
  /** Refresh the access token this long before it expires (at most half its lifetime), default 5 minutes. */
  refreshMarginMs?: number
  /** Clock in milliseconds, default `Date.now` (tests inject one). */
  now?: () => number
  /** checkSessionKey's signer; default the package's `sessionKeySignature`. */
  sessionKeySignature?: (sessionKey: string) => string
}

/** What `jscode2session` returns. Keep `session_key` server-side. */
export interface Code2SessionResult {
  openid: string
  session_key: string
  unionid?: string
}

/** `getuserphonenumber`'s `phone_info`. */
export interface PhoneInfo {
  /** With the country code for numbers outside mainland China. */
  phoneNumber: string
  /** Without the country code. */
  purePhoneNumber: string
  /** A number here (86), unlike the encrypted legacy flow's string. */
  countryCode: number
  watermark: { timestamp: number; appid: string }
}

/**
 * A failed WeChat API call. `errcode` is WeChat's (40029 invalid or reused code, 45011 rate
 * limit, 40226 blocked user, -1 busy, ...), or `null` with `code` 'ETIMEDOUT' | 'ENETWORK' |
 * 'EBADRESPONSE' when no usable answer came. `message` names the API path only, never the query.
 */
export class WeChatApiError extends Error {
  readonly name: 'WeChatApiError'
  readonly errcode: number | null
  readonly errmsg: string
  /** What to do about it, in English. */
  readonly hint: string
  /** The API path, e.g. '/sns/jscode2session'. */
  readonly api: string
  readonly code?: 'ETIMEDOUT' | 'ENETWORK' | 'EBADRESPONSE'
}

/**
 * The WeChat server APIs a mini-program backend calls, over global `fetch` (Node 20+, Deno, Bun,
 * edge runtimes).
 */
export class WeChatClient {
  constructor(options: WeChatClientOptions)
  readonly appId: string
  readonly baseUrl: string
  /** `jscode2session`: exchanges a `wx.login` code (single use, 5 minutes). */
  code2Session(code: string): Promise<Code2SessionResult>
  /**
   * The access token from `POST /cgi-bin/stable_token`: cached and shared, refreshed before it
   * expires, one request in flight however many callers wait.
   */
  getAccessToken(): Promise<string>
  /** The phone number behind a getPhoneNumber button's `code`. */
  getPhoneNumber(code: string, openid?: string): Promise<PhoneInfo>
  /** Whether `sessionKey` is still the user's current session_key (87009 gives `false`). */
  checkSessionKey(openid: string, sessionKey: string): Promise<boolean>
}

/** The hint attached to a WeChat errcode. */
export function hintFor(errcode: number): string
