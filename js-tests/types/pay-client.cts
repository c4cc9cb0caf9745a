// Type checks of wxcrypt/pay-client as a TypeScript consumer writes them (js-tests/pay-notify.test.js
// runs tsc --noEmit --strict on this file, CommonJS, node16 resolution).
import { WechatPayClient, WechatPayApiError, payNotifyKoa, payNotifyExpress, payNotifyNest, payNotifyHono, createPayNotifyHandler, type PayNotification, type RequestPaymentParams } from 'wxcrypt/pay-client'

export async function order(store: Parameters<typeof createPayNotifyHandler>[0]['store']) {
  const client = new WechatPayClient({ mchId: '1900000001', merchantSerialNo: 'S', merchantPrivateKey: 'k', apiV3Key: 'x'.repeat(32), platformKeys: [{ id: 'PUB_KEY_ID_01', publicKey: 'p' }], appId: 'wx', timeoutMs: 5000, store })
  const { prepayId, requestPayment } = await client.jsapiOrder({ description: 'Coffee', out_trade_no: 'T1', notify_url: 'https://a/n', amount: { total: 1 }, payer: { openid: 'o' } })
  const p: RequestPaymentParams = requestPayment
  const state: string = (await client.queryByOutTradeNo('T1')).trade_state
  await client.closeOrder('T1')
  await client.refund({ out_trade_no: 'T1', out_refund_no: 'R1', amount: { refund: 1, total: 1, currency: 'CNY' } })
  const certs = await client.downloadCertificates()
  const serial: string = certs[0].serial
  try {
    await client.queryRefund('R1')
  } catch (e) {
    if (e instanceof WechatPayApiError) console.log(e.code, e.status, e.api)
  }
  const handler = (resource: { out_trade_no: string }, n: PayNotification<{ out_trade_no: string }>) => console.log(resource.out_trade_no, n.id)
  const handle = createPayNotifyHandler<{ out_trade_no: string }>({ pay: client, store, handler })
  const answer = await handle({ headers: new Headers(), body: new Uint8Array() })
  const status: number = answer.status
  const koa = payNotifyKoa({ pay: client, store, handler })
  const express = payNotifyExpress({ pay: client, store, handler, processingTtlMs: 30_000 })
  const nest = payNotifyNest({ pay: client, store, handler })
  const hono = payNotifyHono({ pay: client, store, handler })
  const res: Response = await hono.fetch(new Request('https://a/n'))
  return { prepayId, p, state, serial, status, koa, express, nest, res }
}
