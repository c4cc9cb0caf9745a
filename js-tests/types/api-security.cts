// Type checks of ApiSecurity (server-API security mode) and WeChatClient's `apiSecurity` as a
// TypeScript consumer writes them (js-tests/pay-notify.test.js runs tsc --noEmit --strict on this
// file, CommonJS, node16 resolution). Never run: the keys are placeholders.
import { ApiSecurity, ApiSecurityPlatform, WeChatClient, WeChatApiError, WXCryptError, ErrorCode, type ApiSecurityConfig, type ApiSecuritySealed } from 'wxcrypt'
import { generateApiSecurityKeys } from 'wxcrypt/simulator'

const config: ApiSecurityConfig = {
  appId: 'wx0123456789abcdef',
  algorithm: 'AES256_GCM+RSAwithSHA256',
  symmetricKey: 'k',
  symmetricKeySn: 'sym-sn',
  privateKey: '-----BEGIN PRIVATE KEY-----',
  privateKeySn: 'asym-sn',
  platformCertificates: [{ sn: 'cert-sn', certificate: '-----BEGIN CERTIFICATE-----' }],
}

export async function callPhoneApi(code: string, token: string) {
  const sec = new ApiSecurity(config)
  const signer: 'rust' | 'node:crypto' | 'webcrypto' = sec.signer
  const url = 'https://api.weixin.qq.com/wxa/business/getuserphonenumber'
  const sealed: ApiSecuritySealed = await sec.sealRequest(url, { code })
  const res = await fetch(`${url}?access_token=${token}`, { method: 'POST', headers: sealed.headers, body: sealed.body })
  const body = await res.text()
  const answer = await sec.openResponse<{ errcode: number; phone_info?: { phoneNumber: string } }>(url, { headers: res.headers, body })
  const phone: string | undefined = answer.phone_info?.phoneNumber
  const detailed = await sec.openResponseDetailed(url, { headers: { 'Wechatmp-Serial': 'cert-sn' }, body: new TextEncoder().encode(body) })
  const serial: string = detailed.serial
  const retiring: boolean = detailed.deprecated
  const loose: Record<string, unknown> = detailed.answer
  await sec.sealRequest(url, JSON.stringify({ code }), { timestamp: 1700000000, nonce: 'n', iv: 'aXYxMjM0NTY3ODkw' })
  // @ts-expect-error the parameters are an object or its JSON text, not a number
  await sec.sealRequest(url, 42)
  // @ts-expect-error an answer needs its raw body
  await sec.openResponse(url, { headers: res.headers })
  // @ts-expect-error openResponse is asynchronous: no field before awaiting it
  sec.openResponse(url, { headers: res.headers, body }).errcode
  return { signer, phone, serial, retiring, loose }
}

// @ts-expect-error the symmetric key's 编号 is required
export const missingSn = new ApiSecurity({ appId: 'wx', algorithm: 'AES256_GCM+RSAwithSHA256', symmetricKey: 'k', privateKey: 'p', privateKeySn: 's', platformCertificates: [] })
// @ts-expect-error only WeChat's two algorithm pairs
export const badAlgorithm = new ApiSecurity({ ...config, algorithm: 'AES128_CBC' })

/** WeChat's side, as a test double would use it. */
export function platformSide(url: string, request: { headers: Record<string, string>; body: string }) {
  const keys = generateApiSecurityKeys({ appId: 'wx0123456789abcdef' })
  const platform = new ApiSecurityPlatform(keys.platform)
  const params = platform.openRequest<{ code: string }>(url, request, { now: 1700000000 })
  const code: string = params.code
  const reply: ApiSecuritySealed = platform.sealResponse(url, { errcode: 0, phone_info: { phoneNumber: '13800138000' } })
  // @ts-expect-error sealResponse is synchronous
  platform.sealResponse(url, {}).then(() => {})
  return { code, reply, app: new ApiSecurity(keys.app) }
}

export async function client(store?: ConstructorParameters<typeof WeChatClient>[0]['store']) {
  const c = new WeChatClient({
    appId: config.appId,
    secret: 's',
    store,
    apiSecurity: {
      ...config,
      maxSkewSeconds: 300,
      onExchange: ({ api, direction, plain, headers, body }) => console.log(api, direction === 'request' ? plain : headers, body.length),
    },
    log: (e) => e.event === 'api-security-deprecated-certificate' && console.warn(e.message),
  })
  try {
    const info = await c.getPhoneNumber('code')
    const cc: number = info.countryCode
    const check = await c.checkEncryptedData('data')
    const created: number | null = check.createTime
    const keys = await c.getUserEncryptKey('openid', 'session_key')
    return { cc, created, version: keys[0].version }
  } catch (e) {
    if (e instanceof WeChatApiError) {
      // An answer that did not verify (fail closed), or WeChat's own 40230-40240 rejection.
      if (e.code === 'EAPISECURITY') return { refused: e.hint }
      if (e.errcode === ErrorCode.API_Invalid_Signature) return { rejected: e.errmsg }
      // @ts-expect-error not a code WeChatApiError has
      if (e.code === 'EBADSIGNATURE') return null
    }
    if (e instanceof WXCryptError) {
      // The code narrows: each name has its number.
      if (e.code === 'API_Expired_Wechatmp_Timestamp') {
        const n: 40240 = ErrorCode[e.code]
        return { expired: n }
      }
      const name: keyof typeof ErrorCode = e.code
      // @ts-expect-error not an ErrorCode name
      if (e.code === 'API_Timeout') return null
      return { name, errcode: e.errcode }
    }
    throw e
  }
}

// @ts-expect-error apiSecurity needs its keys, not only the appid
export const incomplete = new WeChatClient({ appId: 'wx', secret: 's', apiSecurity: { appId: 'wx', algorithm: 'AES256_GCM+RSAwithSHA256' } })

// A ready ApiSecurity instance is an `apiSecurity` too; an object with only one of its methods is not.
export const fromInstance = new WeChatClient({ appId: 'wx', secret: 's', apiSecurity: new ApiSecurity(config) })
// @ts-expect-error an opener needs both sealRequest and openResponse
export const halfOpener = new WeChatClient({ appId: 'wx', secret: 's', apiSecurity: { sealRequest: async () => ({ headers: {}, body: '' }) } })

