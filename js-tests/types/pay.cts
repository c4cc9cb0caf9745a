// Type checks of wxcrypt/pay (WechatPay, WechatPayPlatform) as a TypeScript consumer writes them
// (js-tests/pay-notify.test.js runs tsc --noEmit --strict on this file, CommonJS, node16
// resolution). Never run: the keys are placeholders.
import { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend, type WechatPayConfig, type WechatPayNotification, type WechatPayResource, type RequestPaymentParams } from 'wxcrypt/pay'

const config: WechatPayConfig = {
  mchId: '1900000001',
  merchantSerialNo: 'MERCHANT_SERIAL',
  merchantPrivateKey: '-----BEGIN PRIVATE KEY-----',
  apiV3Key: 'x'.repeat(32),
  platformKeys: [{ id: 'PUB_KEY_ID_0114232134912410000000000000', publicKey: '-----BEGIN PUBLIC KEY-----' }, { certificate: '-----BEGIN CERTIFICATE-----' }],
  maxSkewSeconds: 300,
}

interface Transaction {
  out_trade_no: string
  transaction_id: string
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED'
  amount: { total: number; payer_total: number }
}

export async function order(body: { description: string; out_trade_no: string }) {
  const pay = new WechatPay(config)
  const where: 'native' | 'wasm' = backend
  const signer: 'rust' | 'node:crypto' | 'webcrypto' = pay.signer
  const ids: string[] = pay.platformKeyIds
  const id: string = pay.addPlatformKey({ serial: 'CERT_SERIAL', certificate: '-----BEGIN CERTIFICATE-----' })
  pay.addPlatformKey({ id: 'PUB_KEY_ID_2', publicKey: '-----BEGIN PUBLIC KEY-----' })
  const text = JSON.stringify({ ...body, mchid: pay.mchId })
  const authorization: string = await pay.authorization('POST', '/v3/pay/transactions/jsapi', text)
  await pay.authorization('GET', '/v3/certificates', '', { timestamp: 1700000000, nonce: 'n' })
  await pay.authorization('POST', '/v3/x', new TextEncoder().encode(text))
  // @ts-expect-error the body exactly as sent: a string or bytes, never a number
  await pay.authorization('POST', '/v3/x', 42)
  const res = await fetch('https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: text })
  const raw = new Uint8Array(await res.arrayBuffer())
  const { serial } = await pay.verify({ headers: res.headers, body: raw }, { now: 1700000000 })
  await pay.verify({ headers: { 'Wechatpay-Serial': serial, 'Wechatpay-Timestamp': 1700000000 }, body: await res.clone().arrayBuffer() })
  // @ts-expect-error the raw body, never a parsed object
  await pay.verify({ headers: res.headers, body: { prepay_id: 'wx' } })
  const { prepay_id } = JSON.parse(new TextDecoder().decode(raw)) as { prepay_id: string }
  const params: RequestPaymentParams = await pay.requestPaymentParams({ appId: 'wx0123456789abcdef', prepayId: prepay_id })
  const signType: 'RSA' = params.signType
  await pay.requestPaymentParams({ appId: 'wx', prepayId: prepay_id, timeStamp: 1700000000, nonceStr: 'n' })
  // @ts-expect-error prepayId is required
  await pay.requestPaymentParams({ appId: 'wx' })
  const sensitive = await pay.encryptSensitive('张三', { serial })
  const header: Record<string, string> = { 'Wechatpay-Serial': sensitive.serial, 'x-name': sensitive.ciphertext }
  // @ts-expect-error encryptSensitive is asynchronous
  const notYet: string = pay.encryptSensitive('张三').ciphertext
  return { where, signer, ids, id, params, signType, header, notYet }
}

/** A payment callback: verified, decrypted, typed by the consumer. */
export async function notify(headers: Headers, rawBody: Uint8Array, resource: WechatPayResource) {
  const pay = new WechatPay(config)
  try {
    const n: WechatPayNotification<Transaction> = await pay.openNotification<Transaction>({ headers, body: rawBody })
    const state: Transaction['trade_state'] = n.resource.trade_state
    const event: string = n.event_type
    const certificate = pay.decryptResource<string>(resource)
    const parsed: unknown = pay.decryptResource(JSON.stringify(resource))
    // @ts-expect-error decryptResource is synchronous: no then
    pay.decryptResource<{ out_trade_no: string }>(resource).then(() => {})
    // @ts-expect-error a notification's resource is what the caller said
    const wrong: number = n.resource.amount
    return { state, event, certificate, parsed, wrong }
  } catch (e) {
    if (e instanceof WXCryptError) {
      if (e.code === 'SignatureInvalid' || e.code === 'TimestampWindow') return { status: 401, errcode: e.errcode }
      const unknownSerial: -42005 = ErrorCode.UnknownSerial
      // @ts-expect-error not an ErrorCode name
      if (e.code === 'SIGN_ERROR') return null
      return { status: e.errcode === unknownSerial ? 401 : 400 }
    }
    throw e
  }
}

// @ts-expect-error the APIv3 key is required
export const noKey = new WechatPay({ mchId: '1900000001', merchantSerialNo: 'S', merchantPrivateKey: 'k' })
// @ts-expect-error a platform key is a certificate or a 微信支付公钥 with its id
export const badKey = new WechatPay({ ...config, platformKeys: [{ publicKey: 'p' }] })

/** WeChat Pay's side, as a simulator or a test uses it (synchronous). */
export function platform(merchantPublicKey: string, authorization: string) {
  const side = new WechatPayPlatform({ mchId: '1900000001', serial: 'PUB_KEY_ID_01', privateKey: '-----BEGIN PRIVATE KEY-----', apiV3Key: 'x'.repeat(32), merchantPublicKey })
  const body = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' })
  const headers: Record<string, string> = side.signResponse(body, { timestamp: 1700000000, nonce: 'n' })
  const resource: WechatPayResource = side.encryptResource({ out_trade_no: 'T1' }, { associatedData: 'transaction' })
  const callback = side.notification({ resource: { out_trade_no: 'T1', trade_state: 'SUCCESS' }, eventType: 'TRANSACTION.SUCCESS' })
  const callbackBody: string = callback.body
  const who = side.verifyAuthorization('POST', '/v3/pay/transactions/jsapi', body, authorization, { now: 1700000000 })
  const mchId: string = who.mchId
  const plain: string = side.decryptSensitive('ciphertext')
  // @ts-expect-error signResponse is synchronous: the headers, not a promise of them
  const pending: Promise<Record<string, string>> = side.signResponse(body)
  // @ts-expect-error the merchant's public key is required
  new WechatPayPlatform({ mchId: '1', serial: 's', privateKey: 'k', apiV3Key: 'x' })
  return { headers, resource, callbackBody, mchId, plain, pending }
}
