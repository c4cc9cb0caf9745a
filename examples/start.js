'use strict'
// `npm start`: the Koa demo (examples/koa) against an embedded WeChat simulator (wxcrypt/simulator),
// on PORT (default 3000), and copy-paste curl lines that walk the whole login flow.
// GET /demo/curl prints a fresh set (wx.login codes are single use).
const crypto = require('node:crypto')
const WXBizDataCrypt = require('wxcrypt')
const { createSimulator, createPaySimulator, generateApiSecurityKeys } = require('wxcrypt/simulator')
const { createApp } = require('./koa/app.js')
const { createDemoPage } = require('./koa/demo-page.js')
const { WechatPayClient, payNotifyKoa } = require('wxcrypt/pay-client')

const APP_ID = 'wx0123456789abcdef'
const SECRET = crypto.randomBytes(16).toString('hex')
const PUSH_TOKEN = 'wxcrypt-demo-token'
const ENCODING_AES_KEY = crypto.randomBytes(32).toString('base64').slice(0, 43)
const MCH_ID = '1900000109'
// Which platform key signs WeChat Pay's answers and callbacks: 'both' (at random) is the ~7-day
// switch-over from the platform certificate to the public key; PAY_KEY_MODE=certificate|publicKey.
const PAY_KEY_MODE = process.env.PAY_KEY_MODE || 'both'
const DEMO_USER = { nickName: 'Band', gender: 1, language: 'en', city: 'Guangzhou', province: 'Guangdong', country: 'CN', avatarUrl: 'https://example.com/a.png' }

function sh(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`
}

/** Fresh curl lines for one simulated user: each code and ciphertext works once, in this order. */
function walkthrough(sim, base) {
  const { code, openid } = sim.login() // the mini program's wx.login()
  const phone = sim.userData(openid, { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' })
  const user = sim.userData(openid, { openId: openid, ...DEMO_USER })
  const phoneCode = sim.phoneNumberCode(openid, '13900139000')

  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = String(crypto.randomInt(1e9))
  const mc = new WXBizDataCrypt.WXBizMsgCrypt(PUSH_TOKEN, ENCODING_AES_KEY, APP_ID)
  const msg = { ToUserName: 'gh_demo', FromUserName: openid, CreateTime: Number(ts), MsgType: 'event', Event: 'debug_demo' }
  const env = JSON.parse(mc.encryptMsg(msg, ts, nonce, 'json'))
  const pushQuery = new URLSearchParams({
    signature: WXBizDataCrypt.urlSignature(PUSH_TOKEN, ts, nonce),
    timestamp: ts,
    nonce,
    openid,
    encrypt_type: 'aes',
    msg_signature: env.MsgSignature,
  })
  const json = "-H 'content-type: application/json'"
  return [
    `echo ${sh('== 1. log in with the code wx.login() gave the mini program (keeps the 3rd-session token in TOKEN):')}`,
    `TOKEN=$(curl -s -X POST ${base}/login ${json} -d ${sh(JSON.stringify({ code }))} | sed -E 's/.*"token":"([0-9a-f]+)".*/\\1/'); echo "token: $TOKEN"`,
    `echo ${sh("== 2. the phone number from getPhoneNumber's encryptedData + iv:")}`,
    `curl -s -X POST ${base}/phone -H "authorization: Bearer $TOKEN" ${json} -d ${sh(JSON.stringify({ encryptedData: phone.encryptedData, iv: phone.iv }))}; echo`,
    `echo ${sh('== 3. the same with the newer phone code (getuserphonenumber):')}`,
    `curl -s -X POST ${base}/phone -H "authorization: Bearer $TOKEN" ${json} -d ${sh(JSON.stringify({ code: phoneCode }))}; echo`,
    `echo ${sh('== 4. user info, rawData signature checked:')}`,
    `curl -s -X POST ${base}/user -H "authorization: Bearer $TOKEN" ${json} -d ${sh(JSON.stringify(user))}; echo`,
    `echo ${sh('== 5. the same code again: WeChat refuses it (errcode 40029):')}`,
    `curl -s -X POST ${base}/login ${json} -d ${sh(JSON.stringify({ code }))}; echo`,
    `echo ${sh('== 6. no token: 401')}`,
    `curl -s -i -X POST ${base}/phone ${json} -d '{}' | head -1`,
    `echo ${sh('== 7. an encrypted message push (safe mode), answered success:')}`,
    `curl -s -X POST ${sh(`${base}/wechat/push?${pushQuery}`)} ${json} -d ${sh(JSON.stringify({ ToUserName: 'gh_demo', Encrypt: env.Encrypt }))}; echo`,
    `echo ${sh(`== a fresh set of lines: curl -s ${base}/demo/curl`)}`,
  ].join('\n')
}

/** The merchant (a fresh key and APIv3 key), the WeChat Pay simulator, and the client for the app. */
async function startPay(port) {
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const merchantSerialNo = crypto.randomBytes(20).toString('hex').toUpperCase()
  const apiV3Key = crypto.randomBytes(16).toString('hex')
  const paySim = await createPaySimulator({
    mchId: MCH_ID,
    merchantSerialNo,
    merchantPublicKey: merchant.publicKey,
    apiV3Key,
    appId: APP_ID,
    mode: PAY_KEY_MODE,
  })
  const client = new WechatPayClient({
    mchId: MCH_ID,
    merchantSerialNo,
    merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    apiV3Key,
    platformKeys: paySim.platformKeys,
    appId: APP_ID,
    baseUrl: paySim.url,
  })
  return { paySim, pay: { client, payNotifyKoa, notifyUrl: `http://127.0.0.1:${port}/pay/notify` } }
}

async function main() {
  const port = Number(process.env.PORT || 3000)
  // The simulator plays WeChat in server-API security mode (服务端 API 签名加密) with a local key
  // set: the demo's WeChatClient seals its calls to the APIs that support it and opens the answers.
  // #region apisec-simulator
  const keys = generateApiSecurityKeys({ appId: APP_ID })
  const sim = await createSimulator({ appId: APP_ID, secret: SECRET, apiSecurity: keys.platform })
  // #endregion apisec-simulator
  const { paySim, pay } = await startPay(port)
  // The browser page at `/` (examples/koa/page): the mini program side; it shows the server's log
  // lines and, with its switch on, the sealed calls to WeChat beside the plain ones.
  const page = createDemoPage({ sim, paySim, appId: APP_ID, push: { token: PUSH_TOKEN, encodingAESKey: ENCODING_AES_KEY }, user: DEMO_USER })
  const app = createApp({
    wechat: { appId: APP_ID, secret: SECRET, baseUrl: sim.url, apiSecurity: { ...keys.app, onExchange: page.onWeChatExchange } },
    push: { token: PUSH_TOKEN, encodingAESKey: ENCODING_AES_KEY },
    pay,
    logger: page.logger,
  })
  app.use(page.middleware)
  const base = `http://localhost:${port}`
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/demo/curl') {
      ctx.type = 'text/plain'
      ctx.body = walkthrough(sim, base) + '\n'
      return
    }
    await next()
  })
  const server = app.listen(port, '127.0.0.1')
  await new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  console.log(`wxcrypt ${WXBizDataCrypt.backend} backend: Koa demo on ${base}, WeChat simulator on ${sim.url} (appid ${APP_ID})`)
  console.log(`WeChat Pay simulator on ${paySim.url} (mchid ${MCH_ID}, answers signed by ${PAY_KEY_MODE === 'both' ? 'the certificate or the public key, at random' : `the platform ${PAY_KEY_MODE}`})`)
  console.log(`Open ${base}/ in a browser: a page that plays the mini program, step by step.`)
  console.log('Or paste these lines into another shell (bash or zsh):\n')
  console.log(walkthrough(sim, base))
  console.log('\nServer log below (one JSON line per event). Ctrl-C stops.\n')

  const stop = () => {
    server.close()
    server.closeAllConnections()
    Promise.all([sim.close(), paySim.close()]).then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err) => {
  console.error(err && err.code === 'EADDRINUSE' ? `port ${process.env.PORT || 3000} is in use: PORT=3001 npm start` : err)
  process.exit(1)
})
