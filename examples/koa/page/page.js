'use strict'
// The mini program side of the demo, in plain browser JavaScript (no build step, no libraries).
// The WeChat client's part comes from the demo server's /demo/wx/* routes (the simulator); the
// calls to "your server" are the same requests a mini program's wx.request would send.
;(function () {
  const state = { token: null, openid: null, order: null, notificationId: null, logSeq: 0, wechatSeq: 0, busy: false }
  const $ = (id) => document.getElementById(id)

  function el(tag, className, text) {
    const e = document.createElement(tag)
    if (className) e.className = className
    if (text !== undefined) e.textContent = text
    return e
  }

  function pretty(value) {
    return typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  }

  function short(s, n = 16) {
    return s && s.length > n ? `${s.slice(0, n)}…` : s
  }

  function showState() {
    $('state-token').textContent = state.token ? short(state.token, 24) : 'none (log in first)'
    $('state-openid').textContent = state.openid || 'none'
    $('state-order').textContent = state.order ? `${state.order.outTradeNo} ${state.order.status}` : 'none'
  }

  /** A card on the timeline for one button press. */
  function newStep(name, title) {
    const card = el('div', 'step')
    card.dataset.step = name
    card.dataset.status = 'running'
    const h = el('h3', null, title)
    const badge = el('span', 'status', 'running')
    h.append(badge)
    const summary = el('div', 'summary')
    card.append(h, summary)
    $('timeline').prepend(card)
    return {
      card,
      done(status, text, cause) {
        card.dataset.status = status
        badge.textContent = status === 'ok' ? 'ok' : 'failed'
        summary.textContent = text
        if (cause) card.dataset.cause = cause
      },
    }
  }

  /** The server's log lines since the last look. */
  async function newLogLines() {
    const res = await fetch(`/demo/log?after=${state.logSeq}`)
    const { last, entries } = await res.json()
    state.logSeq = last
    return entries
  }

  /**
   * The server's calls to WeChat since the last look (API security mode): each shown plain and
   * sealed when the switch is on.
   */
  async function wechatCalls(ex) {
    const res = await fetch(`/demo/wechat?after=${state.wechatSeq}`)
    const { last, entries } = await res.json()
    state.wechatSeq = last
    if (!$('toggle-sealed').checked) return
    for (const e of entries) {
      const box = el('div', 'sealed')
      box.dataset.api = e.api
      box.dataset.direction = e.direction
      const what = e.direction === 'request' ? `your server → WeChat: POST ${e.api}` : `WeChat → your server: the answer to ${e.api}`
      box.append(el('div', 'label', what))
      const grid = el('div', 'grid')
      const plain = el('div', 'plain')
      plain.append(el('div', 'label', 'plain'), el('pre', null, pretty(e.plain)))
      const wire = el('div', 'wire')
      const head = Object.entries(e.headers).map(([k, v]) => `${k}: ${short(v, 44)}`)
      wire.append(el('div', 'label', 'sealed (on the wire)'), el('pre', null, `${head.join('\n')}\n\n${e.body}`))
      grid.append(plain, wire)
      box.append(grid)
      ex.append(box)
    }
  }

  /**
   * One request, shown with its response; for `who === 'server'`, with the log lines the server
   * wrote while answering it.
   */
  async function call(step, who, method, url, body, headers = {}) {
    const ex = el('div', 'exchange')
    ex.dataset.who = who
    ex.dataset.path = url.split('?')[0]
    ex.append(el('div', `who ${who === 'wx' ? 'wx' : ''}`, who === 'wx' ? 'WeChat client (simulator, demo route)' : 'mini program → your server'))
    const grid = el('div', 'grid')
    const req = el('div', 'request')
    const head = [`${method} ${url}`, 'content-type: application/json']
    for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${k === 'authorization' ? `Bearer ${short(v.slice(7))}` : v}`)
    req.append(el('div', 'label', 'request'), el('pre', null, body === undefined ? head.filter((h) => !h.startsWith('content-type')).join('\n') : `${head.join('\n')}\n\n${pretty(body)}`))
    const resBox = el('div', 'response')
    resBox.append(el('div', 'label', 'response'))
    grid.append(req, resBox)
    ex.append(grid)
    step.card.append(ex)

    let status = 0
    let parsed
    try {
      const init = body === undefined ? { method, headers } : { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
      const res = await fetch(url, init)
      status = res.status
      const text = await res.text()
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = text
      }
    } catch (err) {
      parsed = `network error: ${err.message}`
    }
    ex.dataset.status = String(status)
    if (status !== 200) resBox.classList.add('http-error')
    resBox.append(el('pre', null, `HTTP ${status}\n\n${pretty(parsed)}`))

    let log = []
    if (who === 'server') {
      try {
        await wechatCalls(ex)
      } catch {
        // Only the demo server has /demo/wechat; the steps work without it.
      }
      log = await newLogLines()
      const box = el('div', 'log')
      box.append(el('div', 'label', log.length ? 'server log' : 'server log: nothing logged'))
      for (const entry of log) {
        const { seq, level, ...line } = entry
        const pre = el('pre', null, `${level} ${JSON.stringify(line)}`)
        if (line.cause) {
          const c = el('div', 'cause', `cause: ${line.cause}${line.hint ? ` (${line.hint})` : ''}`)
          box.append(c)
        }
        box.append(pre)
      }
      ex.append(box)
    }
    return { status, body: parsed, log }
  }

  function auth() {
    return { authorization: `Bearer ${state.token}` }
  }

  function causeOf(r) {
    const line = r.log.find((e) => e.cause)
    return line ? line.cause : undefined
  }

  /** The summary of a server answer that should have been a success. */
  function finish(step, r, okText) {
    if (r.status === 200) return step.done('ok', okText(r.body))
    const cause = causeOf(r)
    const why = cause ? ` The server logged the cause: ${cause}.` : ''
    step.done('fail', `HTTP ${r.status} ${pretty(r.body)}.${why}`, cause)
  }

  async function wxLogin(step) {
    const wx = await call(step, 'wx', 'POST', '/demo/wx/login', state.openid ? { openid: state.openid } : {})
    state.openid = wx.body.openid
    const r = await call(step, 'server', 'POST', '/login', { code: wx.body.code })
    if (r.status === 200) state.token = r.body.token
    showState()
    return r
  }

  function needLogin(step) {
    if (state.token) return false
    step.done('fail', 'No session yet: press wx.login() first.')
    return true
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

  /** Waits (quietly) until the server says the order is paid, then shows that answer. */
  async function paidOrder(step, outTradeNo) {
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`/orders/${outTradeNo}`, { headers: auth() })
      if (res.status !== 200 || (await res.json()).status === 'SUCCESS') break
      await sleep(100)
    }
    return call(step, 'server', 'GET', `/orders/${outTradeNo}`, undefined, auth())
  }

  const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`

  const steps = {
    async order(step) {
      if (needLogin(step)) return
      const created = await call(step, 'server', 'POST', '/orders', { item: 'coffee' }, auth())
      if (created.status !== 200) return finish(step, created, () => '')
      state.order = { outTradeNo: created.body.outTradeNo, status: 'NOTPAY' }
      showState()
      const wx = await call(step, 'wx', 'POST', '/demo/wx/requestPayment', { openid: state.openid, ...created.body.requestPayment })
      if (wx.status !== 200) return step.done('fail', `wx.requestPayment failed: ${pretty(wx.body)}`)
      state.notificationId = wx.body.notificationId
      const r = await paidOrder(step, created.body.outTradeNo)
      if (r.status === 200) state.order = { outTradeNo: r.body.outTradeNo, status: r.body.status }
      showState()
      if (r.status === 200 && r.body.status !== 'SUCCESS') return step.done('fail', `Order ${r.body.outTradeNo} is still ${r.body.status}: no callback reached the server.`)
      finish(step, r, (b) => `Order ${b.outTradeNo} paid (${yuan(b.total)}, transaction ${b.transactionId}): WeChat Pay's callback was verified, decrypted and handled once.`)
    },

    async repeat(step) {
      if (!state.notificationId) return step.done('fail', 'No payment yet: press "order → pay → callback → paid" first.')
      const wx = await call(step, 'wx', 'POST', '/demo/wx/repeatCallback', { notificationId: state.notificationId })
      const r = await call(step, 'server', 'GET', `/orders/${state.order.outTradeNo}`, undefined, auth())
      const dup = r.log.some((e) => e.event === 'pay_notify' && e.outcome === 'duplicate')
      if (r.status === 200 && wx.body.status >= 200 && wx.body.status < 300 && dup) {
        return step.done('ok', `WeChat's repeat was acknowledged (HTTP ${wx.body.status}) without running the handler again: order ${r.body.outTradeNo} stays ${r.body.status}.`)
      }
      finish(step, r, () => `Unexpected: the repeated callback was answered HTTP ${wx.body.status}.`)
    },

    async login(step) {
      const r = await wxLogin(step)
      finish(step, r, (b) => `Logged in as ${b.openid}: the server keeps session_key, the mini program keeps the token.`)
    },

    async phone(step) {
      if (needLogin(step)) return
      const wx = await call(step, 'wx', 'POST', '/demo/wx/getPhoneNumber', { openid: state.openid })
      const r = await call(step, 'server', 'POST', '/phone', { encryptedData: wx.body.encryptedData, iv: wx.body.iv }, auth())
      finish(step, r, (b) => `Phone number ${b.phoneNumber} (decrypted with the session_key of this login).`)
    },

    async 'phone-code'(step) {
      if (needLogin(step)) return
      const wx = await call(step, 'wx', 'POST', '/demo/wx/getPhoneNumberCode', { openid: state.openid })
      const r = await call(step, 'server', 'POST', '/phone', { code: wx.body.code }, auth())
      finish(step, r, (b) => `Phone number ${b.phoneNumber} (from getuserphonenumber; nothing to decrypt).`)
    },

    async user(step) {
      if (needLogin(step)) return
      const wx = await call(step, 'wx', 'POST', '/demo/wx/getUserInfo', { openid: state.openid })
      const { rawData, signature, encryptedData, iv } = wx.body
      const r = await call(step, 'server', 'POST', '/user', { rawData, signature, encryptedData, iv }, auth())
      finish(step, r, (b) => `User ${b.user.nickName}: rawData's signature checks out and the decrypted openId is the session's.`)
    },

    async relogin(step) {
      if (needLogin(step)) return
      // Data the mini program fetched under the current session_key...
      const old = await call(step, 'wx', 'POST', '/demo/wx/getPhoneNumber', { openid: state.openid })
      // ...then wx.login() again: WeChat issues a new session_key, the server stores it.
      const login = await wxLogin(step)
      if (login.status !== 200) return finish(step, login, () => '')
      const r = await call(step, 'server', 'POST', '/phone', { encryptedData: old.body.encryptedData, iv: old.body.iv }, auth())
      finish(step, r, () => 'Unexpected: the old data decrypted.')
    },

    async cut(step) {
      if (needLogin(step)) return
      const wx = await call(step, 'wx', 'POST', '/demo/wx/getPhoneNumber', { openid: state.openid })
      // What a body-size limit or a long URL does on the way: the last characters are lost.
      const cut = wx.body.encryptedData.slice(0, -7)
      const r = await call(step, 'server', 'POST', '/phone', { encryptedData: cut, iv: wx.body.iv }, auth())
      finish(step, r, () => 'Unexpected: the cut data decrypted.')
    },

    async push(step) {
      const sim = state.openid ? state.openid : (await call(step, 'wx', 'POST', '/demo/wx/login', {})).body.openid
      state.openid = sim
      showState()
      const wx = await call(step, 'wx', 'POST', '/demo/wx/push', { openid: sim })
      const r = await call(step, 'server', wx.body.method, wx.body.url, wx.body.body)
      finish(step, r, (b) => `Push verified and decrypted (${wx.body.message.MsgType}/${wx.body.message.Event}); the server answered ${pretty(b)}.`)
    },
  }

  async function run(name, title) {
    if (state.busy) return
    state.busy = true
    for (const b of document.querySelectorAll('button[data-step]')) b.disabled = true
    const step = newStep(name, title)
    try {
      await steps[name](step)
    } catch (err) {
      step.done('fail', `page error: ${err.message}`)
    } finally {
      state.busy = false
      for (const b of document.querySelectorAll('button[data-step]')) b.disabled = false
      document.body.dataset.steps = String(Number(document.body.dataset.steps || 0) + 1)
    }
  }

  async function init() {
    for (const b of document.querySelectorAll('button[data-step]')) {
      b.addEventListener('click', () => run(b.dataset.step, b.textContent))
    }
    $('btn-clear').addEventListener('click', () => {
      $('timeline').textContent = ''
    })
    try {
      await newLogLines() // show only what happens from now on
      state.wechatSeq = (await (await fetch('/demo/wechat?after=0')).json()).last
    } catch {
      // The log is a nicety: the steps work without it.
    }
    showState()
    document.body.dataset.ready = 'true'
  }

  init()
})()
