// A worker for workerd (js-tests/workerd-simulators.test.js): the package's own clients, as a
// Workers backend imports them, driven over HTTP by the test against the real simulators on
// loopback (createSimulator in server-API security mode, createPaySimulator in each key mode).
//   POST /apisec            { name, config, steps }  WeChatClient with `apiSecurity` (one per name,
//                                                    kept across requests: the rotation warning is
//                                                    once per client)
//   POST /pay/:name/run     { config, steps }        WechatPayClient (one per name)
//   POST /pay/:name/notify                           the callback, through payNotifyHono
//   GET  /pay/:name/paid                             the resources the callback handler received
// Each step answers { ok: true, value } or { ok: false, name, code, errcode, status }.
import { WeChatClient } from 'wxcrypt'
import { WechatPay } from 'wxcrypt/pay'
import { payClientWith, payNotifyHono } from 'wxcrypt/pay-client'

const WechatPayClient = payClientWith(WechatPay)
const apisec = new Map()
const pay = new Map()

function memoryStore() {
  const m = new Map()
  return {
    async get(k) {
      return m.has(k) ? JSON.parse(m.get(k)) : undefined
    },
    async set(k, v) {
      m.set(k, JSON.stringify(v))
      return true
    },
    async delete(k) {
      return m.delete(k)
    },
    async setIfAbsent(k, v) {
      if (m.has(k)) return false
      m.set(k, JSON.stringify(v))
      return true
    },
    async deleteIfEquals(k, v) {
      return m.get(k) === JSON.stringify(v) && m.delete(k)
    },
  }
}

async function run(steps, one) {
  const out = []
  for (const step of steps) {
    try {
      out.push({ ok: true, value: (await one(step)) ?? null })
    } catch (err) {
      out.push({ ok: false, name: err && err.name, code: err && err.code, errcode: err && err.errcode, status: err && err.status, message: String(err && err.message) })
    }
  }
  return out
}

const json = (obj, status = 200) => new Response(JSON.stringify(obj), { status, headers: { 'content-type': 'application/json' } })

async function apiSecurity(body) {
  if (!apisec.has(body.name)) {
    const logs = []
    apisec.set(body.name, { logs, client: new WeChatClient({ ...body.config, log: (e) => logs.push(e) }) })
  }
  const { client, logs } = apisec.get(body.name)
  logs.length = 0
  const results = await run(body.steps, (s) => {
    if (s.op === 'phone') return client.getPhoneNumber(s.code)
    if (s.op === 'encryptKey') return client.getUserEncryptKey(s.openid, s.sessionKey)
    throw new Error(`unknown op ${s.op}`)
  })
  return { results, logs: logs.map(({ level, event, message }) => ({ level, event, message })) }
}

function payEntry(name, config) {
  if (!pay.has(name)) {
    const store = memoryStore()
    const paid = []
    const client = new WechatPayClient({ ...config, store, log: () => {} })
    const notify = payNotifyHono({ pay: client, store, handler: (resource) => paid.push(resource), log: () => {} })
    pay.set(name, { client, notify, paid })
  }
  return pay.get(name)
}

async function payRun(name, body) {
  const { client } = payEntry(name, body.config)
  const results = await run(body.steps, (s) => {
    switch (s.op) {
      case 'download':
        return client.downloadCertificates()
      case 'order':
        return client.jsapiOrder(s.order)
      case 'query':
        return client.queryByOutTradeNo(s.outTradeNo)
      case 'queryTx':
        return client.queryByTransactionId(s.transactionId)
      case 'refund':
        return client.refund(s.refund)
      case 'queryRefund':
        return client.queryRefund(s.outRefundNo)
      case 'close':
        return client.closeOrder(s.outTradeNo)
      default:
        throw new Error(`unknown op ${s.op}`)
    }
  })
  return { results }
}

export default {
  async fetch(request) {
    const url = new URL(request.url)
    const parts = url.pathname.split('/').filter(Boolean)
    if (request.method === 'POST' && url.pathname === '/apisec') return json(await apiSecurity(await request.json()))
    if (parts[0] === 'pay' && parts.length === 3) {
      const [, name, what] = parts
      if (what === 'run' && request.method === 'POST') return json(await payRun(name, await request.json()))
      if (what === 'notify' && pay.has(name)) return pay.get(name).notify.fetch(request)
      if (what === 'paid' && pay.has(name)) return json(pay.get(name).paid)
    }
    if (url.pathname === '/') return new Response('ok')
    return json({ error: 'not found' }, 404)
  },
}
