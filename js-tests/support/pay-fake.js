'use strict'
// WeChat Pay APIv3's server side in node:crypto (written from WeChat Pay's docs, independently of
// wxcrypt/pay) for the client and callback tests: the merchant and platform keys (a platform certificate made by openssl,
// and a PUB_KEY_ID_ public key), and a fake api.mch.weixin.qq.com as a fetch function: it checks
// the Authorization, answers signed (by the certificate, the public key, or either at random),
// and can tamper with an answer after signing it.
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const MCH_ID = '1900000001'
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2C0E8A7A'
const API_V3_KEY = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb'
const CERT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
const PUB_KEY_ID = 'PUB_KEY_ID_0119000000012025010100000000000001'

function keys() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-pay-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'),
    '-subj', '/CN=Tenpay.com Root CA', '-days', '3', '-set_serial', `0x${CERT_SERIAL}`], { stdio: 'ignore' })
  const certKey = crypto.createPrivateKey(fs.readFileSync(path.join(dir, 'k.pem')))
  const certificate = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8')
  fs.rmSync(dir, { recursive: true, force: true })
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pub = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    merchantPublicKey: merchant.publicKey,
    cert: { serial: CERT_SERIAL, certificate, privateKey: certKey },
    pubKey: { id: PUB_KEY_ID, publicKey: pub.publicKey.export({ type: 'spki', format: 'pem' }), privateKey: pub.privateKey },
  }
}

function gcmSeal(apiV3Key, plaintext, aad = 'transaction') {
  const nonce = crypto.randomBytes(6).toString('hex')
  const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce))
  c.setAAD(Buffer.from(aad))
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: aad, ciphertext: ct.toString('base64') }
}

/**
 * The fake WeChat Pay server. `mode`: 'certificate' | 'publicKey' | 'both' (random per answer).
 * `fake.fetch(url, init)` answers as fetch does; `fake.tamper = true` flips a byte of the next
 * answers' bodies after signing; `fake.calls` lists `METHOD path`.
 */
function createFakePay(k, { mode = 'certificate', now = () => Math.floor(Date.now() / 1000) } = {}) {
  const orders = new Map()
  const refunds = new Map()
  const fake = { calls: [], tamper: false, mode, delayMs: 0 }
  const signer = () => {
    const which = fake.mode === 'both' ? (crypto.randomInt(2) ? 'certificate' : 'publicKey') : fake.mode
    return which === 'certificate' ? { serial: k.cert.serial, key: k.cert.privateKey } : { serial: k.pubKey.id, key: k.pubKey.privateKey }
  }
  fake.signed = (status, data, extra = {}) => {
    const body = data === null ? '' : JSON.stringify(data)
    const { serial, key } = signer()
    const ts = String(now())
    const nonce = crypto.randomBytes(16).toString('hex')
    const sig = crypto.sign('sha256', Buffer.from(`${ts}\n${nonce}\n${body}\n`), key).toString('base64')
    let bytes = Buffer.from(body)
    if (fake.tamper && bytes.length) bytes[Math.floor(bytes.length / 2)] ^= 1
    const headers = { 'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-signature': sig, 'wechatpay-serial': serial, ...extra }
    return { status, headers, body: bytes }
  }
  /** A signed callback `{ headers, body }` carrying `resource` (encrypted). */
  fake.notification = (resource, { id = crypto.randomUUID(), eventType = 'TRANSACTION.SUCCESS' } = {}) => {
    const n = { id, create_time: new Date().toISOString(), resource_type: 'encrypt-resource', event_type: eventType, summary: '支付成功', resource: gcmSeal(API_V3_KEY, JSON.stringify(resource)) }
    const r = fake.signed(200, n)
    return { headers: r.headers, body: r.body.toString('utf8') }
  }
  function authorized(method, pathWithQuery, body, auth) {
    const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(auth || '')
    if (!m) return false
    const f = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (f.mchid !== MCH_ID || f.serial_no !== MERCHANT_SERIAL) return false
    return crypto.verify('sha256', Buffer.from(`${method}\n${pathWithQuery}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`), k.merchantPublicKey, Buffer.from(f.signature, 'base64'))
  }
  function route(method, p, body) {
    let m
    if (method === 'GET' && p === '/v3/certificates') {
      const c = k.cert
      return fake.signed(200, { data: [{ serial_no: c.serial, effective_time: '2026-01-01T00:00:00+08:00', expire_time: '2031-01-01T00:00:00+08:00', encrypt_certificate: gcmSeal(API_V3_KEY, c.certificate, 'certificate') }] })
    }
    if (method === 'POST' && p === '/v3/pay/transactions/jsapi') {
      const o = JSON.parse(body)
      if (o.mchid !== MCH_ID || !o.appid || !o.out_trade_no || !o.amount?.total) return fake.signed(400, { code: 'PARAM_ERROR', message: 'bad order' })
      const prepay = `wx${crypto.randomBytes(12).toString('hex')}`
      orders.set(o.out_trade_no, { ...o, transaction_id: `4200${crypto.randomInt(1e9)}`, trade_state: 'NOTPAY', prepay })
      return fake.signed(200, { prepay_id: prepay })
    }
    if ((m = /^\/v3\/pay\/transactions\/(out-trade-no|id)\/([^/?]+)\?mchid=(\d+)$/.exec(p)) && method === 'GET') {
      const key = decodeURIComponent(m[2])
      const o = m[1] === 'id' ? [...orders.values()].find((x) => x.transaction_id === key) : orders.get(key)
      if (!o) return fake.signed(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
      return fake.signed(200, { appid: o.appid, mchid: o.mchid, out_trade_no: o.out_trade_no, transaction_id: o.transaction_id, trade_state: o.trade_state, amount: { total: o.amount.total, currency: 'CNY' } })
    }
    if ((m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)\/close$/.exec(p)) && method === 'POST') {
      const o = orders.get(decodeURIComponent(m[1]))
      if (!o) return fake.signed(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
      o.trade_state = 'CLOSED'
      return fake.signed(204, null)
    }
    if (method === 'POST' && p === '/v3/refund/domestic/refunds') {
      const r = JSON.parse(body)
      const rec = { refund_id: `5030${crypto.randomInt(1e9)}`, out_refund_no: r.out_refund_no, out_trade_no: r.out_trade_no, status: 'PROCESSING', amount: { refund: r.amount.refund, total: r.amount.total, currency: 'CNY' } }
      refunds.set(r.out_refund_no, rec)
      return fake.signed(200, rec)
    }
    if ((m = /^\/v3\/refund\/domestic\/refunds\/([^/?]+)$/.exec(p)) && method === 'GET') {
      const r = refunds.get(decodeURIComponent(m[1]))
      return r ? fake.signed(200, { ...r, status: 'SUCCESS' }) : fake.signed(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' })
    }
    return fake.signed(404, { code: 'NOT_FOUND', message: 'no such API' })
  }
  fake.fetch = async (url, init = {}) => {
    const u = new URL(url)
    const p = u.pathname + u.search
    const method = init.method || 'GET'
    const body = init.body ?? ''
    fake.calls.push(`${method} ${u.pathname}`)
    if (fake.delayMs) {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, fake.delayMs)
        init.signal?.addEventListener('abort', () => (clearTimeout(t), reject(new DOMException('aborted', 'AbortError'))))
      })
    }
    const h = new Headers(init.headers)
    const r = authorized(method, p, body, h.get('authorization')) ? route(method, p, body) : fake.signed(401, { code: 'SIGN_ERROR', message: '签名错误' })
    return new Response(r.status === 204 ? null : r.body, { status: r.status, headers: r.headers })
  }
  return fake
}

const clientOptions = (k, extra = {}) => ({
  mchId: MCH_ID,
  merchantSerialNo: MERCHANT_SERIAL,
  merchantPrivateKey: k.merchantPrivateKey,
  apiV3Key: API_V3_KEY,
  platformKeys: [{ id: k.pubKey.id, publicKey: k.pubKey.publicKey }],
  appId: 'wx0123456789abcdef',
  ...extra,
})

module.exports = { keys, createFakePay, clientOptions, gcmSeal, MCH_ID, API_V3_KEY, CERT_SERIAL, PUB_KEY_ID, MERCHANT_SERIAL }
