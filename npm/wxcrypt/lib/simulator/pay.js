'use strict'
// wxcrypt/simulator's WeChat Pay APIv3 side (Node only, node:crypto only): JSAPI orders, queries,
// close, refunds, /v3/certificates; every request's Authorization verified (401 SIGN_ERROR
// otherwise), every answer signed with the platform certificate, the platform public key
// (PUB_KEY_ID_...) or either at random (the ~7-day switch-over); `sim.pay(prepayId)` plays the
// user paying and delivers a signed, encrypted TRANSACTION.SUCCESS callback to notify_url on
// WeChat's retry schedule until it is acknowledged with a 2xx.
const crypto = require('node:crypto')
const { readBody } = require('../read-body.js')
const { listen } = require('./helpers.js')
const K = require('./pay-keys.js')
const { transaction, refundView, refundNotice } = require('./pay-views.js')

// WeChat's callback retry intervals after a failed delivery: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.
const RETRY_SCHEDULE_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000)
const MAX_SKEW_S = 300
const MODES = ['certificate', 'publicKey', 'both']

const ERR = {
  sign: (message) => [401, 'SIGN_ERROR', message],
  param: (message) => [400, 'PARAM_ERROR', message],
  invalid: (message) => [400, 'INVALID_REQUEST', message],
  notFound: (message) => [404, 'ORDER_NOT_EXIST', message],
  resource: (message) => [404, 'RESOURCE_NOT_EXISTS', message],
  closed: () => [400, 'ORDER_CLOSED', '订单已关闭'],
  paid: () => [400, 'ORDERPAID', '该订单已支付'],
  noApi: () => [404, 'NOT_FOUND', '请求的资源不存在'],
}

/**
 * Starts a WeChat Pay simulator on 127.0.0.1.
 *
 * @param {object} options
 * @param {string} options.mchId the merchant it serves
 * @param {string} options.merchantSerialNo the merchant certificate serial its Authorization must name
 * @param {string|crypto.KeyObject} options.merchantPublicKey the merchant's public key (or certificate, or private key) to check Authorization with
 * @param {string} options.apiV3Key the 32-character APIv3 key
 * @param {'certificate'|'publicKey'|'both'} [options.mode] which platform key signs: default 'publicKey'
 * @param {string} [options.appId] if set, the only appid orders may name
 * @param {number} [options.timeScale] multiplies the retry schedule (0.001: 15 s -> 15 ms), default 1
 * @param {number} [options.port] default 0 (a free port)
 * @param {() => number} [options.now] clock in milliseconds, default Date.now
 * @param {() => number} [options.random] in 'both' mode, < 0.5 picks the certificate; default Math.random
 */
async function createPaySimulator(options) {
  const { mchId, merchantSerialNo, apiV3Key, appId, port = 0, timeScale = 1, now = Date.now, random = Math.random } = options || {}
  const mode = (options && options.mode) || 'publicKey'
  if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`)
  if (!mchId || !merchantSerialNo || !options.merchantPublicKey) throw new TypeError('mchId, merchantSerialNo and merchantPublicKey are required')
  if (typeof apiV3Key !== 'string' || Buffer.byteLength(apiV3Key) !== 32) throw new TypeError('apiV3Key must be 32 bytes')
  const merchantKey = K.loadPublicKey(options.merchantPublicKey)

  const certKeys = K.rsaKeyPair()
  const platformCertificate = K.selfSignedCertificate({ ...certKeys, commonName: mchId, now: now() })
  const pubKeys = K.rsaKeyPair()
  const platformPublicKey = { id: K.publicKeyId(), publicKey: K.pem(pubKeys.publicKey, 'spki') }
  const signers = {
    certificate: { serial: platformCertificate.serial, privateKey: certKeys.privateKey },
    publicKey: { serial: platformPublicKey.id, privateKey: pubKeys.privateKey },
  }
  const orders = new Map() // out_trade_no -> order
  const byPrepay = new Map()
  const byTransaction = new Map()
  const refunds = new Map() // out_refund_no -> refund
  const deliveries = []
  const timers = new Set()
  const counters = { requests: 0, signErrors: 0, callbacks: 0, callbackAttempts: 0 }
  let closed = false

  function signer() {
    if (mode === 'both') return random() < 0.5 ? signers.certificate : signers.publicKey
    return signers[mode]
  }

  /** The Wechatpay-* headers for `body`, signed by the mode's key. */
  function signedHeaders(body) {
    const s = signer()
    const timestamp = String(Math.floor(now() / 1000))
    const nonce = crypto.randomBytes(16).toString('hex').toUpperCase()
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': K.signRsa(s.privateKey, K.responseMessage(timestamp, nonce, body)),
      'Wechatpay-Serial': s.serial,
    }
  }

  function checkAuthorization(req, pathWithQuery, body) {
    const a = K.parseAuthorization(req.headers.authorization)
    if (!a) return ERR.sign('Authorization不合法')
    for (const f of ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']) if (!a[f]) return ERR.sign(`Authorization缺少${f}`)
    if (a.mchid !== mchId) return ERR.sign('商户号与签名不匹配')
    if (a.serial_no !== merchantSerialNo) return ERR.sign('商户证书序列号有误')
    const ts = Number(a.timestamp)
    if (!/^\d{1,12}$/.test(a.timestamp) || Math.abs(now() / 1000 - ts) > MAX_SKEW_S) return ERR.sign('签名时间戳已过期')
    if (!K.verifyRsa(merchantKey, K.requestMessage(req.method, pathWithQuery, a.timestamp, a.nonce_str, body), a.signature)) {
      return ERR.sign('错误的签名，验签失败')
    }
    return null
  }

  function findOrder(params) {
    const o = params.get('out') ? orders.get(params.get('out')) : byTransaction.get(params.get('id'))
    return o || null
  }

  // [method, path pattern, handler(params, body, query)] -> [status, json] or an ERR tuple
  const routes = [
    ['POST', /^\/v3\/pay\/transactions\/jsapi$/, (p, b) => {
      if (!b || typeof b !== 'object') return ERR.param('请求体不是JSON')
      for (const f of ['appid', 'mchid', 'description', 'out_trade_no', 'notify_url']) if (typeof b[f] !== 'string' || !b[f]) return ERR.param(`缺少参数${f}`)
      if (!b.amount || !Number.isInteger(b.amount.total) || b.amount.total <= 0) return ERR.param('amount.total应为正整数')
      if (!b.payer || typeof b.payer.openid !== 'string') return ERR.param('缺少参数payer.openid')
      if (b.mchid !== mchId || (appId && b.appid !== appId)) return ERR.param('appid和mch_id不匹配')
      if (!/^[A-Za-z0-9_\-|*]{6,32}$/.test(b.out_trade_no)) return ERR.param('out_trade_no格式错误')
      if (!/^https?:\/\//.test(b.notify_url)) return ERR.param('notify_url格式错误')
      const prev = orders.get(b.out_trade_no)
      if (prev) {
        if (prev.trade_state === 'CLOSED') return ERR.closed()
        if (prev.trade_state !== 'NOTPAY') return ERR.paid()
        if (prev.amount.total !== b.amount.total || prev.payer.openid !== b.payer.openid) return ERR.invalid('商户订单号重复')
        return [200, { prepay_id: prev.prepay_id }]
      }
      const prepay_id = `wx${K.beijingTime(now()).slice(0, 19).replace(/\D/g, '')}${crypto.randomBytes(9).toString('hex')}`
      const o = { ...b, amount: { ...b.amount }, payer: { ...b.payer }, prepay_id, trade_state: 'NOTPAY' }
      orders.set(b.out_trade_no, o)
      byPrepay.set(prepay_id, o)
      return [200, { prepay_id }]
    }],
    ['GET', /^\/v3\/pay\/transactions\/out-trade-no\/(?<out>[^/?]+)$/, (p, b, q) => {
      if (q.get('mchid') !== mchId) return ERR.param('mchid不正确')
      const o = findOrder(p)
      return o ? [200, transaction(o, mchId)] : ERR.notFound('订单不存在')
    }],
    ['GET', /^\/v3\/pay\/transactions\/id\/(?<id>[^/?]+)$/, (p, b, q) => {
      if (q.get('mchid') !== mchId) return ERR.param('mchid不正确')
      const o = findOrder(p)
      return o ? [200, transaction(o, mchId)] : ERR.notFound('订单不存在')
    }],
    ['POST', /^\/v3\/pay\/transactions\/out-trade-no\/(?<out>[^/?]+)\/close$/, (p, b) => {
      if (!b || b.mchid !== mchId) return ERR.param('mchid不正确')
      const o = findOrder(p)
      if (!o) return ERR.notFound('订单不存在')
      if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') return ERR.paid()
      o.trade_state = 'CLOSED'
      return [204, null]
    }],
    ['POST', /^\/v3\/refund\/domestic\/refunds$/, (p, b) => {
      if (!b || typeof b.out_refund_no !== 'string' || !b.amount || !Number.isInteger(b.amount.refund)) return ERR.param('缺少参数out_refund_no或amount.refund')
      const o = b.transaction_id ? byTransaction.get(b.transaction_id) : orders.get(b.out_trade_no)
      if (!o) return ERR.resource('订单不存在')
      if (!o.transaction_id) return ERR.invalid('订单未支付')
      const prev = refunds.get(b.out_refund_no)
      if (prev) return [200, refundView(prev)]
      const refunded = [...refunds.values()].filter((r) => r.order === o).reduce((n, r) => n + r.amount.refund, 0)
      if (b.amount.total !== o.amount.total) return ERR.param('amount.total与订单金额不一致')
      if (b.amount.refund <= 0 || refunded + b.amount.refund > o.amount.total) return [403, 'NOT_ENOUGH', '退款金额超过订单可退金额']
      const r = { order: o, out_refund_no: b.out_refund_no, refund_id: '50' + K.digits(27), amount: { ...b.amount }, create_time: K.beijingTime(now()), status: 'PROCESSING', notify_url: b.notify_url, reason: b.reason }
      refunds.set(r.out_refund_no, r)
      o.trade_state = 'REFUND'
      const first = refundView(r)
      // The refund lands at once here; its query says SUCCESS and REFUND.SUCCESS is delivered if asked.
      r.status = 'SUCCESS'
      r.success_time = K.beijingTime(now())
      if (r.notify_url) deliver(r.notify_url, 'REFUND.SUCCESS', '退款成功', 'refund', refundNotice(r, mchId), r.out_refund_no)
      return [200, first]
    }],
    ['GET', /^\/v3\/refund\/domestic\/refunds\/(?<refund>[^/?]+)$/, (p) => {
      const r = refunds.get(p.get('refund'))
      return r ? [200, refundView(r)] : ERR.resource('退款单不存在')
    }],
    ['GET', /^\/v3\/certificates$/, () => {
      if (mode === 'publicKey') return ERR.resource('无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥')
      const c = new crypto.X509Certificate(platformCertificate.certificate)
      const iso = (d) => K.beijingTime(new Date(d).getTime())
      const item = {
        serial_no: platformCertificate.serial,
        effective_time: iso(c.validFrom),
        expire_time: iso(c.validTo),
        encrypt_certificate: K.encryptResource(apiV3Key, platformCertificate.certificate, 'certificate'),
      }
      return [200, { data: [item] }]
    }],
  ]

  function send(res, status, json) {
    const body = json === null ? '' : JSON.stringify(json)
    const headers = { 'Request-ID': crypto.randomUUID(), ...signedHeaders(body) }
    if (json !== null) Object.assign(headers, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
    res.writeHead(status, headers)
    res.end(body)
  }

  async function handle(req, res) {
    counters.requests++
    const url = new URL(req.url, 'http://127.0.0.1')
    const text = req.method === 'GET' ? '' : await readBody(req, 64 * 1024)
    let out
    const bad = checkAuthorization(req, url.pathname + url.search, text)
    if (bad) {
      counters.signErrors++
      out = bad
    } else {
      let body
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = undefined
      }
      let route = null
      let params = null
      for (const [method, re, fn] of routes) {
        const m = re.exec(url.pathname)
        if (m && method === req.method) {
          route = fn
          params = new Map(Object.entries(m.groups || {}).map(([k, v]) => [k, decodeURIComponent(v)]))
          break
        }
      }
      out = route ? route(params, body, url.searchParams) : ERR.noApi()
    }
    if (typeof out[1] === 'string') send(res, out[0], { code: out[1], message: out[2] })
    else send(res, out[0], out[1])
  }

  /** Sends one notification on the retry schedule until a 2xx; resolves `{ attempts, acknowledged }`. */
  function deliver(notifyUrl, eventType, summary, originalType, resource, key) {
    counters.callbacks++
    const id = crypto.randomUUID()
    const notice = {
      id,
      create_time: K.beijingTime(now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: K.encryptResource(apiV3Key, JSON.stringify(resource), originalType, { original_type: originalType }),
    }
    const body = JSON.stringify(notice)
    const record = { id, key, eventType, notifyUrl, attempts: 0, statuses: [], acknowledged: false }
    deliveries.push(record)
    // One POST of the notification, signed afresh; the HTTP status (0: unreachable or timed out).
    record.send = async () => {
      counters.callbackAttempts++
      try {
        const r = await fetch(notifyUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/4.0', ...signedHeaders(body) },
          body,
          signal: AbortSignal.timeout(5000),
        })
        await r.arrayBuffer().catch(() => {})
        return r.status
      } catch {
        return 0
      }
    }
    record.done = new Promise((resolve) => {
      const attempt = async () => {
        if (closed) return resolve({ attempts: record.attempts, acknowledged: false })
        record.attempts++
        const status = await record.send()
        record.statuses.push(status)
        if (status >= 200 && status < 300) {
          record.acknowledged = true
          return resolve({ attempts: record.attempts, acknowledged: true })
        }
        const wait = RETRY_SCHEDULE_MS[record.attempts - 1]
        if (wait === undefined || closed) return resolve({ attempts: record.attempts, acknowledged: false })
        const t = setTimeout(() => {
          timers.delete(t)
          attempt()
        }, wait * timeScale)
        timers.add(t)
      }
      attempt()
    })
    return record
  }

  const server = await listen(handle, port)
  const url = `http://127.0.0.1:${server.address().port}`

  const platformKeys = []
  if (mode !== 'publicKey') platformKeys.push({ serial: platformCertificate.serial, certificate: platformCertificate.certificate })
  if (mode !== 'certificate') platformKeys.push({ id: platformPublicKey.id, publicKey: platformPublicKey.publicKey })

  return {
    url,
    mode,
    mchId,
    server,
    /** The platform keys a merchant configures for this mode: `WechatPay({ platformKeys })`. */
    platformKeys,
    platformCertificate,
    platformPublicKey,
    /** The serial sensitive fields are encrypted to (the public key's id, or the certificate's serial). */
    get encryptionSerial() {
      return mode === 'certificate' ? platformCertificate.serial : platformPublicKey.id
    },

    /**
     * The user pays: the order of `prepayId` (or of an out_trade_no) becomes SUCCESS and a
     * TRANSACTION.SUCCESS callback is sent to its notify_url until acknowledged. Returns the
     * delivery record; `await record.done` -> `{ attempts, acknowledged }`.
     */
    pay(prepayIdOrOutTradeNo, { openid } = {}) {
      const o = byPrepay.get(prepayIdOrOutTradeNo) || orders.get(prepayIdOrOutTradeNo)
      if (!o) throw new Error('unknown prepay_id or out_trade_no')
      if (openid && openid !== o.payer.openid) throw new Error('this order belongs to another payer')
      if (o.trade_state !== 'NOTPAY') throw new Error(`the order is ${o.trade_state}, not NOTPAY`)
      o.trade_state = 'SUCCESS'
      o.transaction_id = '42000' + K.digits(23)
      o.success_time = K.beijingTime(now())
      byTransaction.set(o.transaction_id, o)
      return deliver(o.notify_url, 'TRANSACTION.SUCCESS', '支付成功', 'transaction', transaction(o, mchId), o.out_trade_no)
    },

    /**
     * `wx.requestPayment(params)` as the WeChat client runs it: appId, package and paySign checked
     * (SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n` under the merchant key), then
     * {@link pay}. Throws `requestPayment:fail ...` for a bad one.
     */
    requestPayment(params) {
      const { appId: a, timeStamp, nonceStr, package: pkg, signType, paySign } = params || {}
      const prepayId = typeof pkg === 'string' && pkg.startsWith('prepay_id=') ? pkg.slice(10) : ''
      const o = byPrepay.get(prepayId)
      const fail = (why) => Object.assign(new Error(`requestPayment:fail ${why}`), { errMsg: `requestPayment:fail ${why}` })
      if (!o) throw fail('invalid package')
      if (a !== o.appid) throw fail('appId does not match the order')
      if (signType !== 'RSA' || typeof timeStamp !== 'string' || typeof nonceStr !== 'string' || typeof paySign !== 'string') throw fail('invalid params')
      if (!K.verifyRsa(merchantKey, `${a}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, paySign)) throw fail('invalid paySign')
      return this.pay(prepayId)
    },

    /**
     * Sends a notification already delivered once more, as WeChat sometimes does after a
     * success: resolves to the HTTP status of that one extra attempt.
     */
    resend(notificationId) {
      const d = deliveries.find((x) => x.id === notificationId)
      if (!d) throw new Error('unknown notification id')
      return d.send()
    },

    /** The order as a query answers it, or undefined. */
    order(outTradeNo) {
      const o = orders.get(outTradeNo)
      return o && transaction(o, mchId)
    },

    /** Decrypts a sensitive field the merchant encrypted to `serial` (RSAES-OAEP, SHA-1). */
    decryptSensitive(ciphertext, serial = this.encryptionSerial) {
      const s = Object.values(signers).find((x) => x.serial === serial)
      if (!s) throw new Error('unknown platform serial')
      return K.decryptOaep(s.privateKey, ciphertext)
    },

    /** Every callback sent: `{ id, key, eventType, notifyUrl, attempts, statuses, acknowledged, done }`. */
    deliveries,

    stats() {
      return { ...counters }
    },

    close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

module.exports = { createPaySimulator, RETRY_SCHEDULE_MS }
