'use strict'
// A merchant on node:crypto for the pay simulator's tests: a merchant key and serial, the
// Authorization header, a signed fetch, response/callback verification against platform keys and
// resource decryption. The library's own WechatPay (wxcrypt/pay) is checked beside it.
const crypto = require('node:crypto')
const http = require('node:http')
const path = require('node:path')

const root = path.join(__dirname, '..', '..')

/** wxcrypt/pay's exports (the backend WXCRYPT_BACKEND picks). */
function loadPay() {
  return require(path.join(root, 'npm', 'wxcrypt', 'pay.js'))
}

function newMerchant(mchId = '1900000109') {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    mchId,
    serialNo: crypto.randomBytes(20).toString('hex').toUpperCase(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKey,
    apiV3Key: crypto.randomBytes(16).toString('hex'),
  }
}

function authorization(m, method, pathWithQuery, body, { timestamp = Math.floor(Date.now() / 1000), nonce = crypto.randomBytes(16).toString('hex') } = {}) {
  const message = `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
  const signature = crypto.sign('sha256', Buffer.from(message), m.privateKey).toString('base64')
  return `WECHATPAY2-SHA256-RSA2048 mchid="${m.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${m.serialNo}"`
}

/** A signed request to the simulator; `{ status, headers, text, json }`. */
async function call(m, base, method, pathWithQuery, json, { auth } = {}) {
  const body = json === undefined ? '' : JSON.stringify(json)
  const headers = { Accept: 'application/json' }
  if (body) headers['Content-Type'] = 'application/json'
  const a = auth === undefined ? authorization(m, method, pathWithQuery, body) : auth
  if (a !== null) headers.Authorization = a
  const res = await fetch(base + pathWithQuery, { method, headers, body: body || undefined })
  const text = await res.text()
  return { status: res.status, headers: Object.fromEntries(res.headers), text, json: text ? JSON.parse(text) : null }
}

/** Checks a signed answer or callback with node:crypto against `platformKeys`; returns the serial used. */
function verifySigned(platformKeys, headers, body) {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  const serial = h['wechatpay-serial']
  const key = platformKeys.find((k) => (k.serial || k.id) === serial)
  if (!key) throw new Error(`unknown serial ${serial}`)
  const pub = key.certificate ? new crypto.X509Certificate(key.certificate).publicKey : crypto.createPublicKey(key.publicKey)
  const message = `${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n${body}\n`
  if (!crypto.verify('sha256', Buffer.from(message), pub, Buffer.from(h['wechatpay-signature'], 'base64'))) throw new Error('bad signature')
  return serial
}

function decryptResource(apiV3Key, r) {
  const ct = Buffer.from(r.ciphertext, 'base64')
  const d = crypto.createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(r.nonce))
  d.setAAD(Buffer.from(r.associated_data || ''))
  d.setAuthTag(ct.subarray(ct.length - 16))
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]).toString('utf8')
}

/** A notify_url server: `answer(n)` picks the status of the n-th delivery (1-based); keeps raw bodies. */
async function notifyServer(answer = () => 200) {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      const status = answer(received.length)
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(status < 300 ? '' : JSON.stringify({ code: 'FAIL', message: 'not yet' }))
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}/pay/notify`,
    received,
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections() }),
  }
}

module.exports = { loadPay, newMerchant, authorization, call, verifySigned, decryptResource, notifyServer }
