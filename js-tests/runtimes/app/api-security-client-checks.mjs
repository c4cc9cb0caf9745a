// WeChatClient in server-API security mode, in this runtime: the client (the entry's WeChatClient
// with `apiSecurity` options) against an in-process fake of WeChat built on the package's
// ApiSecurityPlatform and reached through the client's `fetch` option: phone number by code, the
// user's encrypt keys, a 40234 rejection, and a certificate rotation (one warning). Keys are made
// here with WebCrypto (RSA 2048, PKCS#8 / SPKI PEM). Plain code, no test framework.
const APP_ID = 'wx0123456789abcdef'
const SECRET = 'b5f3c8d2e1a4f6b7c8d9e0f1a2b3c4d5'
const BASE = 'https://api.weixin.qq.com'
const ALG = 'AES256_GCM+RSAwithSHA256'

function eq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

function b64(bytes) {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b)
  return btoa(s)
}

function pem(label, der) {
  return `-----BEGIN ${label}-----\n${b64(der).replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

async function rsaPair() {
  const k = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
  return {
    privateKey: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', k.privateKey)),
    publicKey: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', k.publicKey)),
  }
}

const sn = () => b64(crypto.getRandomValues(new Uint8Array(12))).replace(/[^A-Za-z0-9]/g, 'x')

/** A fake api.weixin.qq.com: plain stable_token, sealed getuserphonenumber / getuserencryptkey. */
function fakeWeChat(wx, platformConfig) {
  let platform = new wx.ApiSecurityPlatform(platformConfig)
  const json = (obj, headers = {}) => new Response(typeof obj === 'string' ? obj : JSON.stringify(obj), { headers: { 'content-type': 'application/json', ...headers } })
  const fake = {
    rejected: [],
    rotate(config) {
      platform = new wx.ApiSecurityPlatform(config)
    },
    async fetch(input, init = {}) {
      const url = new URL(String(input))
      const path = url.pathname
      if (path === '/cgi-bin/stable_token') return json({ access_token: 'TOKEN', expires_in: 7200 })
      const full = `${BASE}${path}`
      let params
      try {
        params = await platform.openRequest(full, { headers: init.headers, body: init.body })
      } catch (err) {
        fake.rejected.push(err.errcode)
        return json({ errcode: err.errcode, errmsg: 'API_Invalid_Signature' })
      }
      let answer
      if (path === '/wxa/business/getuserphonenumber') answer = { errcode: 0, errmsg: 'ok', phone_info: { purePhoneNumber: params.code === 'c1' ? '13800138000' : '0' } }
      else if (path === '/wxa/business/getuserencryptkey') answer = { errcode: 0, errmsg: 'ok', key_info_list: [{ encrypt_key: 'k', version: 1, expire_in: 3600, iv: params.openid, create_time: 1 }] }
      else answer = { errcode: 404, errmsg: 'unknown api' }
      const sealed = await platform.sealResponse(full, answer)
      return json(sealed.body, sealed.headers)
    },
  }
  return fake
}

export async function runApiSecurityClient(wx) {
  const results = []
  if (typeof wx.ApiSecurity !== 'function' || typeof wx.ApiSecurityPlatform !== 'function') {
    return [{ name: 'api security: the entry exports ApiSecurity and ApiSecurityPlatform', error: `got ${typeof wx.ApiSecurity} / ${typeof wx.ApiSecurityPlatform}` }]
  }
  const app = await rsaPair()
  const plat = await rsaPair()
  const symmetricKey = b64(crypto.getRandomValues(new Uint8Array(32)))
  const ids = { sym: sn(), app: sn(), plat: sn() }
  const platformConfig = { appId: APP_ID, algorithm: ALG, symmetricKey, symmetricKeySn: ids.sym, appPublicKey: app.publicKey, appKeySn: ids.app, platformPrivateKey: plat.privateKey, platformSn: ids.plat }
  const apiSecurity = { appId: APP_ID, algorithm: ALG, symmetricKey, symmetricKeySn: ids.sym, privateKey: app.privateKey, privateKeySn: ids.app, platformCertificates: [{ sn: ids.plat, certificate: plat.publicKey }] }
  const fake = fakeWeChat(wx, platformConfig)
  const logs = []
  const client = new wx.WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: BASE, fetch: (u, i) => fake.fetch(u, i), log: (e) => logs.push(e), apiSecurity })

  const checks = {
    async 'api security: phone number by code, sealed both ways'() {
      eq((await client.getPhoneNumber('c1')).purePhoneNumber, '13800138000', 'purePhoneNumber')
      eq(fake.rejected.length, 0, 'rejections')
    },
    async 'api security: user encrypt key (query parameters in the sealed body)'() {
      const list = await client.getUserEncryptKey('oUser', 'AAAAAAAAAAAAAAAAAAAAAA==')
      eq(list[0].iv, 'oUser', 'openid travelled in the sealed body')
    },
    async 'api security: a wrong private key is WeChat 40234'() {
      const other = await rsaPair()
      const bad = new wx.WeChatClient({ appId: APP_ID, secret: SECRET, baseUrl: BASE, fetch: (u, i) => fake.fetch(u, i), apiSecurity: { ...apiSecurity, privateKey: other.privateKey } })
      let caught = null
      try {
        await bad.getPhoneNumber('c1')
      } catch (err) {
        caught = err
      }
      eq(caught && caught.errcode, 40234, 'errcode')
    },
    async 'api security: certificate rotation warns once, naming the 编号'() {
      const next = await rsaPair()
      const nextSn = sn()
      fake.rotate({ ...platformConfig, platformPrivateKey: next.privateKey, platformSn: nextSn, deprecated: { privateKey: plat.privateKey, sn: ids.plat } })
      for (let i = 0; i < 2; i++) eq((await client.getPhoneNumber('c1')).purePhoneNumber, '13800138000', 'during rotation')
      const warnings = logs.filter((e) => e.event === 'api-security-deprecated-certificate')
      eq(warnings.length, 1, 'warnings')
      eq(warnings[0].message.includes(ids.plat), true, 'names the old 编号')
    },
  }
  for (const [name, fn] of Object.entries(checks)) {
    try {
      await fn()
      results.push({ name, error: null })
    } catch (err) {
      results.push({ name, error: (err && err.stack) || String(err) })
    }
  }
  return results
}
