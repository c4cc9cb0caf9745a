'use strict'
// The browser page of `npm start`: at `/`, a page that plays the mini program against the Koa demo
// (examples/koa/app.js) and its embedded WeChat simulator. Demo only: the /demo/wx/* routes hand
// the page what the WeChat client would hand a real mini program (wx.login codes, encryptedData +
// iv, rawData + signature, phone-number codes, a message push as WeChat's server sends it, and
// wx.requestPayment, which makes the WeChat Pay simulator call the server's /pay/notify),
// and /demo/log shows the server's log lines, so each step on the page shows the cause diagnose()
// logged for a failure that the client only sees as an opaque "decrypt failed". /demo/wechat shows
// the server's calls to WeChat in server-API security mode: each one plain and sealed
// (`onWeChatExchange` is the demo WeChatClient's apiSecurity.onExchange).
//
//   const page = createDemoPage({ sim, appId, push: { token, encodingAESKey }, user })
//   const app = createApp({ ..., logger: page.logger })  // log lines go to stdout and to the page
//   app.use(page.middleware)
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const Router = require('@koa/router')
const { bodyParser } = require('@koa/bodyparser')
const WXBizDataCrypt = require('wxcrypt')

const PAGE_DIR = path.join(__dirname, 'page')
const ASSETS = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/page/page.js': ['page.js', 'text/javascript; charset=utf-8'],
  '/page/page.css': ['page.css', 'text/css; charset=utf-8'],
}
const LOG_KEEP = 500

/**
 * A logger for createApp that prints one JSON line per entry (as the default one does) and keeps
 * the last entries, numbered, for the page.
 */
function createLogTap(out = console) {
  const entries = []
  let seq = 0
  function keep(level, entry) {
    seq += 1
    entries.push({ seq, level, ...entry })
    if (entries.length > LOG_KEEP) entries.shift()
  }
  return {
    logger: {
      info: (entry) => (keep('info', entry), out.log(JSON.stringify(entry))),
      warn: (entry) => (keep('warn', entry), out.warn(JSON.stringify(entry))),
      error: (entry) => (keep('error', entry), out.error(JSON.stringify(entry))),
    },
    after: (n) => entries.filter((e) => e.seq > n),
    last: () => seq,
  }
}

/**
 * @param {object} options
 * @param {ReturnType<import('wxcrypt/simulator').createSimulator> extends Promise<infer S> ? S : never} options.sim
 * @param {object} [options.paySim] a createPaySimulator(): enables /demo/wx/requestPayment
 * @param {string} options.appId
 * @param {{ token: string, encodingAESKey: string }} options.push the demo's push settings
 * @param {object} options.user getUserInfo's userInfo (nickName, gender, ...)
 * @param {string} [options.phoneNumber] what getPhoneNumber's encryptedData holds
 * @param {string} [options.codePhoneNumber] what the newer phone code resolves to
 */
function createDemoPage({ sim, paySim, appId, push, user, phoneNumber = '13800138000', codePhoneNumber = '13900139000', out = console }) {
  const tap = createLogTap(out)
  const files = {}
  for (const [route, [file, type]] of Object.entries(ASSETS)) {
    files[route] = { type, body: fs.readFileSync(path.join(PAGE_DIR, file)) }
  }
  const router = new Router()
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' })

  for (const route of Object.keys(files)) {
    router.get(route, (ctx) => {
      ctx.type = files[route].type
      ctx.set('cache-control', 'no-store')
      // Everything the page needs comes from this server: it works offline, and says so.
      ctx.set('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'")
      ctx.body = files[route].body
    })
  }

  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204
  })

  /** The simulated user a /demo/wx/* call names; 400 for one the simulator never logged in. */
  function openidOf(ctx) {
    const openid = ctx.request.body && ctx.request.body.openid
    if (typeof openid !== 'string' || !/^o[A-Za-z0-9_-]{10,40}$/.test(openid)) ctx.throw(400, 'openid: call /demo/wx/login first')
    try {
      sim.sessionKey(openid)
    } catch {
      ctx.throw(400, 'unknown openid: call /demo/wx/login first')
    }
    return openid
  }

  // wx.login(): a single-use code (and, in WeChat, a new session_key for this user). The openid
  // is the simulator's handle for the user: a real wx.login() gives the mini program the code only.
  router.post('/demo/wx/login', json, (ctx) => {
    const openid = ctx.request.body && ctx.request.body.openid
    const known = typeof openid === 'string' && openid !== '' ? openidOf(ctx) : undefined
    const { code, openid: id } = sim.login(known ? { openid: known } : {})
    ctx.body = { errMsg: 'login:ok', code, openid: id }
  })

  // <button open-type="getPhoneNumber">, the older flow: encryptedData + iv under the session_key.
  router.post('/demo/wx/getPhoneNumber', json, (ctx) => {
    const openid = openidOf(ctx)
    const { encryptedData, iv } = sim.userData(openid, { phoneNumber, purePhoneNumber: phoneNumber, countryCode: '86' })
    ctx.body = { errMsg: 'getPhoneNumber:ok', encryptedData, iv }
  })

  // The same button today: a code the server trades for the number (getuserphonenumber).
  router.post('/demo/wx/getPhoneNumberCode', json, (ctx) => {
    const openid = openidOf(ctx)
    ctx.body = { errMsg: 'getPhoneNumber:ok', code: sim.phoneNumberCode(openid, codePhoneNumber) }
  })

  // wx.getUserInfo / getUserProfile: userInfo, rawData + signature, encryptedData + iv.
  router.post('/demo/wx/getUserInfo', json, (ctx) => {
    const openid = openidOf(ctx)
    const data = sim.userData(openid, { openId: openid, ...user })
    ctx.body = { errMsg: 'getUserInfo:ok', userInfo: user, ...data }
  })

  // A message push as WeChat's server sends it (safe mode, JSON): the page posts it on.
  router.post('/demo/wx/push', json, (ctx) => {
    const openid = openidOf(ctx)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = String(crypto.randomInt(1e9))
    const mc = new WXBizDataCrypt.WXBizMsgCrypt(push.token, push.encodingAESKey, appId)
    const message = { ToUserName: 'gh_demo', FromUserName: openid, CreateTime: Number(timestamp), MsgType: 'event', Event: 'debug_demo' }
    const env = JSON.parse(mc.encryptMsg(message, timestamp, nonce, 'json'))
    const query = new URLSearchParams({
      signature: WXBizDataCrypt.urlSignature(push.token, timestamp, nonce),
      timestamp,
      nonce,
      openid,
      encrypt_type: 'aes',
      msg_signature: env.MsgSignature,
    })
    ctx.body = { method: 'POST', url: `/wechat/push?${query}`, body: { ToUserName: 'gh_demo', Encrypt: env.Encrypt }, message }
  })

  if (paySim) {
    // wx.requestPayment(params): the WeChat client checks paySign, the user pays, and WeChat Pay
    // sends TRANSACTION.SUCCESS to the order's notify_url (retrying until the server says 2xx).
    router.post('/demo/wx/requestPayment', json, (ctx) => {
      const { openid, ...params } = ctx.request.body || {}
      try {
        const delivery = paySim.requestPayment(params)
        ctx.body = { errMsg: 'requestPayment:ok', notificationId: delivery.id }
      } catch (err) {
        ctx.status = 400
        ctx.body = { errMsg: err.errMsg || 'requestPayment:fail' }
      }
    })

    // WeChat repeats a callback it already had an answer for (it does): one more delivery.
    router.post('/demo/wx/repeatCallback', json, async (ctx) => {
      const id = ctx.request.body && ctx.request.body.notificationId
      if (typeof id !== 'string' || !paySim.deliveries.some((d) => d.id === id)) ctx.throw(400, 'notificationId: pay first')
      ctx.body = { notificationId: id, status: await paySim.resend(id) }
    })
  }

  // The server's calls to WeChat (security mode) after `after`: the plain parameters and answer
  // beside what went over the wire (the Wechatmp-* headers and the sealed body).
  const wechat = []
  let wechatSeq = 0
  function onWeChatExchange({ api, direction, plain, headers, body }) {
    wechatSeq += 1
    const wire = Object.fromEntries(Object.entries(headers).filter(([k]) => /^wechatmp-/i.test(k)))
    wechat.push({ seq: wechatSeq, api, direction, plain, headers: wire, body })
    if (wechat.length > LOG_KEEP) wechat.shift()
  }
  router.get('/demo/wechat', (ctx) => {
    const after = Number(ctx.query.after) || 0
    ctx.body = { last: wechatSeq, entries: wechat.filter((e) => e.seq > after) }
  })

  // The server's log lines after `after` (what the page shows under each request).
  router.get('/demo/log', (ctx) => {
    const after = Number(ctx.query.after) || 0
    ctx.body = { last: tap.last(), entries: tap.after(after) }
  })

  return { logger: tap.logger, middleware: router.routes(), routes: router, onWeChatExchange }
}

module.exports = { createDemoPage, createLogTap }
