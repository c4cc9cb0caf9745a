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
  /** The signer of checkSessionKey, resetUserSessionKey and getUserEncryptKey; default the package's `sessionKeySignature`. */
  sessionKeySignature?: (sessionKey: string) => string
  /**
   * Where the access token lives: every process using the same store (e.g. wxcrypt/redis's) shares
   * one token, fetched once across them (a lock when the store has `setIfAbsent`). Default: this
   * process's memory. When the store fails, the client goes on with an in-process token, says so
   * once through `log`, and goes back to the store when it answers again.
   */
  store?: Store
  /** Per store call, default 1000. */
  storeTimeoutMs?: number
  /** After a store failure, use the in-process token this long before trying the store again, default 1000. */
  storeRetryMs?: number
  /** Lifetime of the cross-process fetch lock, default the longest a token request can take + 1 s. */
  lockTtlMs?: number
  /** How often a process waiting for another's token fetch re-reads the store, default 50. */
  lockPollMs?: number
  /** Store outages and recoveries (`token_store_unavailable`, `token_store_recovered`); default: warnings to `console.warn`. */
  log?: (entry: ClientLogEntry) => void
  /**
   * Server-API security mode (服务端 API 签名加密): the ApiSecurity options (keys and their 编号 from
   * the MP admin, 开发管理 -> 开发设置 -> API安全). Calls to the APIs that support it
   * (getuserphonenumber, getuserencryptkey, checkencryptedmsg) are sealed and their answers opened;
   * an answer that does not verify is a WeChatApiError with code 'EAPISECURITY'. An `ApiSecurity`
   * instance is taken as it is (its `openResponseDetailed`, when present, names a retiring certificate).
   */
  apiSecurity?: ApiSecurityClientOptions | ApiSecurityOpener
}

/** What `WeChatClient` needs of a ready opener: an `ApiSecurity` instance (of any wxcrypt entry) fits. */
export interface ApiSecurityOpener {
  sealRequest(url: string, params: object): Promise<{ headers: Record<string, string>; body: string }>
  openResponse(url: string, response: { headers: Headers; body: string }): Promise<object>
  openResponseDetailed?(url: string, response: { headers: Headers; body: string }): Promise<{ answer: object; serial: string; deprecated: boolean }>
}

/** `WeChatClient`'s `apiSecurity`: the ApiSecurity options, and a hook that sees each sealed exchange (demos). */
export interface ApiSecurityClientOptions {
  appId: string
  algorithm: 'AES256_GCM+RSAwithSHA256' | 'SM4_GCM+SM2withSM3'
  symmetricKey: string
  symmetricKeySn: string
  privateKey: string
  privateKeySn: string
  platformCertificates: ReadonlyArray<{ sn: string; certificate: string }>
  maxSkewSeconds?: number
  /** Each sealed request and opened answer: the plain object beside the headers and body on the wire. */
  onExchange?: (entry: { api: string; direction: 'request' | 'response'; plain: object; headers: Record<string, string>; body: string }) => void
}

/** What WeChatClient tells its `log` hook. Never a secret. */
export interface ClientLogEntry {
  level: 'info' | 'warn'
  event: 'token_store_unavailable' | 'token_store_recovered' | 'api-security-deprecated-certificate'
  message: string
  /** The store error's code, e.g. 'ESTORE_TIMEOUT'. */
  error?: string
}

/**
 * A key-value store shaped like Keyv's (Keyv and cache-manager stores plug in as they are): values
 * are JSON-serializable, TTLs in milliseconds (0 or undefined: no expiry), a missing key is
 * `undefined`. The two optional operations must be atomic; with them the access token is fetched
 * once across processes (a lock with an owner token, released by compare-and-delete).
 */
export interface Store {
  get(key: string): Promise<any>
  set(key: string, value: unknown, ttlMs?: number): Promise<unknown>
  delete(key: string): Promise<unknown>
  /** Sets the key only if it does not exist (Redis `SET NX PX`); true when this call set it. */
  setIfAbsent?(key: string, value: unknown, ttlMs: number): Promise<boolean>
  /** Deletes the key only while it holds `value` (compared as JSON); true when it deleted it. */
  deleteIfEquals?(key: string, value: unknown): Promise<boolean>
}

/** A store call that failed ('ESTORE_UNAVAILABLE') or took too long ('ESTORE_TIMEOUT'). Answer 503. */
export class StoreError extends Error {
  readonly name: 'StoreError'
  readonly code: 'ESTORE_TIMEOUT' | 'ESTORE_UNAVAILABLE'
  /** The store operation: 'get', 'set', 'setIfAbsent', ... */
  readonly op: string
}

/** The in-memory store (one process); values kept as JSON, so `get` returns copies as Redis does. */
export function createMemoryStore(options?: { now?: () => number }): Required<Store> & { readonly size: number }

/** A mini-program login ("3rd session"). */
export interface Session {
  openid: string
  sessionKey: string
  unionid?: string
}

/** Login sessions in a {@link Store}; see {@link createSessionStore}. */
export interface SessionStore {
  readonly store: Store
  /** Stores a login; returns a new token: 32 random bytes as 64 hex characters. */
  create(session: Session): Promise<string>
  /** The session of a live token, else undefined (a malformed token too). */
  get(token: string): Promise<Session | undefined>
  /** Logs this token out. */
  delete(token: string): Promise<boolean>
}

/**
 * Login sessions in a store several processes share: `session:<token>` -> `{ openid }` and
 * `user:<openid>` -> `{ sessionKey, unionid }` (a new login replaces the user's session_key for all
 * of the user's tokens). Store failures are `StoreError`s; every call is bounded by `timeoutMs`.
 */
export function createSessionStore(options?: { store?: Store; ttlMs?: number; timeoutMs?: number }): SessionStore

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
 * 'EBADRESPONSE' when no usable answer came, 'EAPISECURITY' when (with `apiSecurity`) the answer
 * did not verify and decrypt. `message` names the API path only, never the query.
 */
export class WeChatApiError extends Error {
  readonly name: 'WeChatApiError'
  readonly errcode: number | null
  readonly errmsg: string
  /** What to do about it, in English. */
  readonly hint: string
  /** The API path, e.g. '/sns/jscode2session'. */
  readonly api: string
  readonly code?: 'ETIMEDOUT' | 'ENETWORK' | 'EBADRESPONSE' | 'EAPISECURITY'
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
  /**
   * `checkencryptedmsg`: did WeChat make this encryptedData (phone-number data, last 3 days)? Sends
   * the SHA-256 hex of the base64 text as received. Unknown or older data is `{ valid: false, createTime: null }`.
   */
  checkEncryptedData(encryptedData: string): Promise<EncryptedDataCheck>
  /** `resetusersessionkey`: a new session_key for the user; the old one stops working. */
  resetUserSessionKey(openid: string, sessionKey: string): Promise<Code2SessionResult>
  /** `getuserencryptkey`: the user's last three encryption keys, newest first. */
  getUserEncryptKey(openid: string, sessionKey: string): Promise<UserEncryptKey[]>
}

/** What checkEncryptedData returns (WeChat's `vaild` field, spelled right). */
export interface EncryptedDataCheck {
  valid: boolean
  /** When WeChat made the data, in seconds; null when not valid. */
  createTime: number | null
}

/** One entry of getuserencryptkey's `key_info_list`. */
export interface UserEncryptKey {
  /** base64 of the 16-byte key. */
  encrypt_key: string
  iv: string
  version: number
  /** Seconds left (a key lives 3600 s); 0 for the older ones. */
  expire_in: number
  /** Unix seconds. */
  create_time: number
}

/** The hint attached to a WeChat errcode. */
export function hintFor(errcode: number): string

/** An HTTP answer to a failed request: the status and the uniform `{ errcode, errmsg }` body. */
export interface HttpAnswer {
  status: number
  body: { errcode: number; errmsg: string }
}

/**
 * The answer for an error wxcrypt throws, or `null` for any other (yours to map, e.g. to 500):
 * - `WXCryptError`: 400 with its errcode and `'decrypt failed'` (log `diagnose()`'s cause instead);
 * - `WeChatApiError`: 400 `40029 'invalid code'` (40029 and 40163), 403 `40226`, 429 `45011`,
 *   503 `-1` when WeChat is busy, else 502 `-1 'wechat api unavailable'` (a wrong appid or
 *   secret, a network failure: the server's problem, not the user's);
 * - `StoreError`: 503 `-1 'session store unavailable, retry later'`.
 */
export function httpAnswer(err: unknown): HttpAnswer | null
