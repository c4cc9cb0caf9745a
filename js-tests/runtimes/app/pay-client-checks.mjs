// wxcrypt/pay-client in every runtime (workerd first): WechatPayClient with an injected fetch
// over a stand-in WechatPay (WebCrypto HMAC in place of RSA: this checks the client's own code:
// signing every request, verifying every answer before use, timeouts, an unbound fetch), and
// payNotifyHono's exactly-once callbacks. Plain code, no Node built-ins.
// `runPayClient(payClient)` resolves to [{ name, error }] with error === null for a pass.

const enc = new TextEncoder()
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))

async function hmacKey() {
  return crypto.subtle.importKey('raw', enc.encode('platform-key-for-the-runtime-check'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}
const header = (h, n) => (typeof h.get === 'function' ? h.get(n) : h[n] ?? h[Object.keys(h).find((k) => k.toLowerCase() === n)])
const bytesOf = (body) => (typeof body === 'string' ? enc.encode(body) : body)

/** The stand-in WechatPay: HMAC "signatures" over WeChat Pay's signed strings. */
function standIn(key) {
  return class StandInWechatPay {
    constructor(options) {
      this.mchId = options.mchId
    }
    async authorization(method, pathWithQuery, body) {
      const sig = b64(await crypto.subtle.sign('HMAC', key, enc.encode(`${method}\n${pathWithQuery}\n1\nn\n${body}\n`)))
      return `WECHATPAY2-SHA256-RSA2048 mchid="${this.mchId}",signature="${sig}"`
    }
    async verify({ headers, body }, { now } = {}) {
      const ts = header(headers, 'wechatpay-timestamp')
      if (Math.abs(Number(ts) - now) > 300) throw Object.assign(new Error('stale'), { code: 'TIMESTAMP' })
      const head = enc.encode(`${ts}\n${header(headers, 'wechatpay-nonce')}\n`)
      const b = bytesOf(body)
      const msg = new Uint8Array(head.length + b.length + 1)
      msg.set(head)
      msg.set(b, head.length)
      msg[msg.length - 1] = 10
      const sig = Uint8Array.from(atob(header(headers, 'wechatpay-signature') || ''), (c) => c.charCodeAt(0))
      if (!(await crypto.subtle.verify('HMAC', key, sig, msg))) throw Object.assign(new Error('bad signature'), { code: 'SIGNATURE' })
      return true
    }
    async openNotification(req, opts) {
      await this.verify(req, opts)
      const n = JSON.parse(typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body))
      return { ...n, resource: JSON.parse(n.resource.ciphertext) }
    }
    decryptResource() {
      throw new Error('not in the runtime check')
    }
    async requestPaymentParams({ appId, prepayId, timeStamp, nonceStr }) {
      return { appId, timeStamp, nonceStr, package: `prepay_id=${prepayId}`, signType: 'RSA', paySign: 'stand-in' }
    }
  }
}

async function signed(key, status, data, { tamper = false } = {}) {
  const body = data === null ? '' : JSON.stringify(data)
  const ts = String(Math.floor(Date.now() / 1000))
  const sig = b64(await crypto.subtle.sign('HMAC', key, enc.encode(`${ts}\nnonce1\n${body}\n`)))
  const out = tamper ? body.replace('wx', 'wX') : body
  const headers = { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'nonce1', 'wechatpay-signature': sig, 'wechatpay-serial': 'PUB_KEY_ID_0100' }
  return { status, headers, body: out }
}

function memoryStore() {
  const m = new Map()
  return {
    async get(k) { return m.has(k) ? JSON.parse(m.get(k)) : undefined },
    async set(k, v) { m.set(k, JSON.stringify(v)); return true },
    async delete(k) { return m.delete(k) },
    async setIfAbsent(k, v) { if (m.has(k)) return false; m.set(k, JSON.stringify(v)); return true },
    async deleteIfEquals(k, v) { return m.get(k) === JSON.stringify(v) && m.delete(k) },
  }
}

export async function runPayClient(payClient) {
  const key = await hmacKey()
  const WechatPayClient = payClient.payClientWith(standIn(key))
  const base = { mchId: '1900000001', merchantSerialNo: 'S', merchantPrivateKey: 'k', apiV3Key: 'x'.repeat(32), appId: 'wx0123456789abcdef', platformKeys: [{ id: 'PUB_KEY_ID_0100', publicKey: 'p' }] }
  let tamper = false
  const seen = []
  // A plain function, called unbound (workerd's own fetch refuses to be a method of another object).
  const fetch = async function (url, init) {
    if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation')
    seen.push(`${init.method} ${new URL(url).pathname}`)
    if (!String(init.headers.authorization).startsWith('WECHATPAY2-SHA256-RSA2048 ')) return new Response('{}', { status: 401 })
    const r = await signed(key, 200, { prepay_id: 'wx201410272009395522657a690389285100' }, { tamper })
    return new Response(r.body, { status: r.status, headers: r.headers })
  }
  const results = []
  const check = async (name, fn) => {
    try {
      await fn()
      results.push({ name: `pay-client: ${name}`, error: null })
    } catch (err) {
      results.push({ name: `pay-client: ${name}`, error: (err && err.stack) || String(err) })
    }
  }
  await check('JSAPI order through an injected fetch: signed, answer verified, requestPayment params', async () => {
    const client = new WechatPayClient({ ...base, fetch, baseUrl: 'https://pay.test' })
    const { prepayId, requestPayment } = await client.jsapiOrder({ description: 'x', out_trade_no: 'T1', notify_url: 'https://a.test/n', amount: { total: 1 }, payer: { openid: 'o' } })
    if (prepayId !== 'wx201410272009395522657a690389285100') throw new Error(`prepayId ${prepayId}`)
    if (requestPayment.package !== `prepay_id=${prepayId}` || !/^[A-Za-z0-9]{32}$/.test(requestPayment.nonceStr)) throw new Error(JSON.stringify(requestPayment))
    if (seen[0] !== 'POST /v3/pay/transactions/jsapi') throw new Error(seen.join())
  })
  await check('a tampered answer is refused (EBADSIGNATURE)', async () => {
    tamper = true
    const client = new WechatPayClient({ ...base, fetch })
    const err = await client.jsapiOrder({ description: 'x', out_trade_no: 'T2', notify_url: 'https://a.test/n', amount: { total: 1 }, payer: { openid: 'o' } }).then(() => null, (e) => e)
    tamper = false
    if (!(err instanceof payClient.WechatPayApiError) || err.code !== 'EBADSIGNATURE') throw new Error(`got ${err && err.code}`)
  })
  await check('bounded: a fetch that never answers is ETIMEDOUT', async () => {
    const hang = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))))
    const client = new WechatPayClient({ ...base, fetch: hang, timeoutMs: 50 })
    const err = await client.queryRefund('R1').then(() => null, (e) => e)
    if (!err || err.code !== 'ETIMEDOUT') throw new Error(`got ${err && err.code}`)
  })
  await check('payNotifyHono: handled once, the duplicate acknowledged, a tampered callback 401 FAIL', async () => {
    const ran = []
    const Pay = standIn(key)
    const route = payClient.payNotifyHono({ pay: new Pay(base), store: memoryStore(), handler: (r) => ran.push(r.out_trade_no), log: () => {} })
    const n = await signed(key, 200, { id: 'EV-1', event_type: 'TRANSACTION.SUCCESS', resource: { ciphertext: JSON.stringify({ out_trade_no: 'T1' }) } })
    const post = (body) => route.fetch(new Request('https://a.test/n', { method: 'POST', headers: n.headers, body }))
    const a = await post(n.body)
    const b = await post(n.body)
    const c = await post(n.body.replace('T1', 'T9'))
    if (a.status !== 204 || b.status !== 204 || c.status !== 401) throw new Error(`${a.status} ${b.status} ${c.status}`)
    if ((await c.json()).code !== 'FAIL') throw new Error('no FAIL body')
    if (ran.join() !== 'T1') throw new Error(ran.join())
  })
  return results
}

/**
 * The client over this runtime's real wxcrypt/pay (`pay`: its WechatPay and WechatPayPlatform),
 * with the keys of wechatpay-go's tests (vectors.wechatpay) and the api_security merchant key: an
 * injected fetch plays WeChat Pay (Authorization checked by WechatPayPlatform, answers signed by it).
 */
export async function runPayClientReal(payClient, pay, vectors) {
  const w = vectors.wechatpay
  const a = vectors.api_security
  const PUB_ID = 'PUB_KEY_ID_0114232134912410000000000000'
  const APIV3 = '0123456789abcdefghijklmnopqrstuv'
  const MCH = '1900009191'
  const platform = new pay.WechatPayPlatform({ mchId: MCH, serial: PUB_ID, privateKey: w.keys.private_key_pkcs8, apiV3Key: APIV3, merchantPublicKey: a.private_key_public })
  const WechatPayClient = payClient.payClientWith(pay.WechatPay)
  let tamper = false
  const fetch = async (url, init) => {
    const u = new URL(url)
    try {
      platform.verifyAuthorization(init.method, u.pathname + u.search, init.body ?? '', init.headers.authorization)
    } catch {
      return new Response(JSON.stringify({ code: 'SIGN_ERROR', message: 'bad Authorization' }), { status: 401 })
    }
    const body = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' })
    return new Response(tamper ? body.replace('wx2', 'wx3') : body, { status: 200, headers: { 'content-type': 'application/json', ...platform.signResponse(body) } })
  }
  const client = new WechatPayClient({
    mchId: MCH, merchantSerialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C', merchantPrivateKey: a.private_key, apiV3Key: APIV3,
    platformKeys: [{ id: PUB_ID, publicKey: w.keys.public_key }], appId: 'wxd678efh567hg6787', fetch,
  })
  const results = []
  const check = async (name, fn) => {
    try {
      await fn()
      results.push({ name: `pay-client (wxcrypt/pay): ${name}`, error: null })
    } catch (err) {
      results.push({ name: `pay-client (wxcrypt/pay): ${name}`, error: (err && err.stack) || String(err) })
    }
  }
  const order = { description: 'x', out_trade_no: 'T1', notify_url: 'https://a.test/n', amount: { total: 1 }, payer: { openid: 'o' } }
  await check('JSAPI order signed (checked by WechatPayPlatform), answer verified, paySign made', async () => {
    const { prepayId, requestPayment } = await client.jsapiOrder(order)
    if (prepayId !== 'wx201410272009395522657a690389285100') throw new Error(`prepayId ${prepayId}`)
    if (requestPayment.signType !== 'RSA' || typeof requestPayment.paySign !== 'string' || requestPayment.paySign.length < 300) throw new Error(JSON.stringify(requestPayment))
  })
  await check('a tampered answer is refused (EBADSIGNATURE)', async () => {
    tamper = true
    const err = await client.jsapiOrder(order).then(() => null, (e) => e)
    tamper = false
    if (!(err instanceof payClient.WechatPayApiError) || err.code !== 'EBADSIGNATURE') throw new Error(`got ${err && err.code}`)
  })
  await check('payNotifyHono over the client: a real callback handled once, the duplicate acknowledged', async () => {
    const ran = []
    const route = payClient.payNotifyHono({ pay: client, store: memoryStore(), handler: (r) => ran.push(r.out_trade_no), log: () => {} })
    const n = platform.notification({ resource: { out_trade_no: 'T7', trade_state: 'SUCCESS' } })
    const post = () => route.fetch(new Request('https://a.test/n', { method: 'POST', headers: n.headers, body: n.body }))
    const s = [(await post()).status, (await post()).status]
    if (s.join() !== '204,204' || ran.join() !== 'T7') throw new Error(`${s} ${ran}`)
  })
  return results
}
