'use strict'
// The `npm start` page in a real browser: headless Debian Chromium driven by puppeteer-core clicks
// through the whole mini-program flow and checks what the page shows. Run by scripts/browser-test.sh
// (which installs chromium where missing), once per `npm test`, not per backend.
// Screenshot: target/browser/demo-page.png (WXCRYPT_ARTIFACTS=<dir> puts it elsewhere).
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const puppeteer = require('puppeteer-core')

const ROOT = path.join(__dirname, '..', '..')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARTIFACTS = process.env.WXCRYPT_ARTIFACTS || path.join(ROOT, 'target', 'browser')
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

async function freePort() {
  const srv = net.createServer()
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address()
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/** `node examples/start.js` as `npm start` runs it (after setup), on a free port. */
async function startDemo() {
  const port = await freePort()
  const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new Error(`the demo did not start in 20 s:\n${out}\n${err}`))
    }, 20_000)
    const poll = setInterval(() => {
      if (out.includes('Server log below')) {
        clearInterval(poll)
        clearTimeout(timer)
        resolve()
      }
    }, 50)
    child.once('exit', (code) => {
      clearInterval(poll)
      clearTimeout(timer)
      reject(new Error(`the demo exited with ${code}:\n${out}\n${err}`))
    })
  })
  return { child, base: `http://localhost:${port}`, output: () => out, errors: () => err }
}

/** What the newest step card on the page shows. */
function newestStep(page) {
  return page.$eval('#timeline .step', (card) => ({
    step: card.dataset.step,
    status: card.dataset.status,
    cause: card.dataset.cause || null,
    summary: card.querySelector('.summary').textContent,
    exchanges: [...card.querySelectorAll('.exchange')].map((ex) => ({
      who: ex.dataset.who,
      path: ex.dataset.path,
      status: Number(ex.dataset.status),
      request: ex.querySelector('.request pre').textContent,
      response: ex.querySelector('.response pre') ? ex.querySelector('.response pre').textContent : '',
      log: ex.querySelector('.log') ? ex.querySelector('.log').textContent : null,
    })),
  }))
}

/** The sealed calls to WeChat the newest step card shows (the API security switch). */
function sealedCalls(page) {
  return page.$eval('#timeline .step', (card) =>
    [...card.querySelectorAll('.sealed')].map((box) => ({
      api: box.dataset.api,
      direction: box.dataset.direction,
      plain: box.querySelector('.plain pre').textContent,
      wire: box.querySelector('.wire pre').textContent,
    })),
  )
}

test('the demo page plays the mini program: login, phone (both flows), user info, re-login, a cut, a push, order -> pay -> callback -> paid, the sealed calls', { timeout: 180_000 }, async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: scripts/browser-test.sh installs Debian's chromium`)
  const demo = await startDemo()
  t.after(() => demo.child.kill('SIGTERM'))
  // The curl lines stay beside the page.
  assert.match(demo.output(), new RegExp(`Open ${demo.base}/ in a browser`))
  assert.match(demo.output(), /curl -s -X POST http:\/\/localhost:\d+\/phone /)

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-chromium-'))
  t.after(() => fs.rmSync(profile, { recursive: true, force: true }))
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
    defaultViewport: { width: 1280, height: 900 },
    protocolTimeout: 60_000,
  })
  t.after(() => browser.close())
  const page = await browser.newPage()
  const requested = []
  const problems = []
  page.on('request', (req) => requested.push(req.url()))
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`)
  })
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`))

  const res = await page.goto(`${demo.base}/`, { waitUntil: 'load' })
  assert.equal(res.status(), 200)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 })
  assert.equal(await page.title(), 'wxcrypt demo: the mini program side')

  let clicks = 0
  async function press(button) {
    clicks += 1
    await page.click(`#${button}`)
    await page.waitForSelector(`body[data-steps="${clicks}"]`, { timeout: 20_000 })
    return newestStep(page)
  }
  const serverCalls = (s) => s.exchanges.filter((e) => e.who === 'server')

  // wx.login(): a code from the WeChat client, traded at POST /login for the session token.
  const login = await press('btn-login')
  assert.equal(login.status, 'ok', login.summary)
  assert.deepEqual(login.exchanges.map((e) => [e.who, e.path, e.status]), [
    ['wx', '/demo/wx/login', 200],
    ['server', '/login', 200],
  ])
  assert.match(login.exchanges[1].request, /"code": "[A-Za-z0-9_-]{32}"/)
  assert.match(login.exchanges[1].response, /"token": "[0-9a-f]{64}"/)
  assert.match(login.exchanges[1].log, /"event":"login"/)
  const firstToken = await page.$eval('#state-token', (e) => e.textContent)
  assert.notEqual(firstToken, 'none (log in first)')

  // getPhoneNumber, the older flow: the server decrypts encryptedData + iv.
  const phone = await press('btn-phone')
  assert.equal(phone.status, 'ok', phone.summary)
  assert.match(phone.summary, /Phone number 13800138000/)
  assert.deepEqual(phone.exchanges.map((e) => [e.path, e.status]), [
    ['/demo/wx/getPhoneNumber', 200],
    ['/phone', 200],
  ])
  assert.match(phone.exchanges[1].request, /^POST \/phone\n.*\nauthorization: Bearer [0-9a-f]{16}…\n/)
  assert.match(phone.exchanges[1].request, /"encryptedData": "[A-Za-z0-9+/]+=*",\n  "iv": "[A-Za-z0-9+/]{22}=="/)
  assert.match(phone.exchanges[1].response, /"phoneNumber": "13800138000"/)

  // getPhoneNumber, the newer flow: a code the server trades at getuserphonenumber.
  const phoneCode = await press('btn-phone-code')
  assert.equal(phoneCode.status, 'ok', phoneCode.summary)
  assert.match(phoneCode.summary, /Phone number 13900139000/)
  assert.match(phoneCode.exchanges[1].request, /"code": "[A-Za-z0-9_-]{32}"/)
  assert.equal(await sealedCalls(page).then((s) => s.length), 0) // the switch is off

  // getUserInfo: rawData's signature, then the decrypted user.
  const user = await press('btn-user')
  assert.equal(user.status, 'ok', user.summary)
  assert.match(user.summary, /^User Band:/)
  assert.match(user.exchanges[1].request, /"signature": "[0-9a-f]{40}"/)
  assert.match(user.exchanges[1].response, /"nickName": "Band"/)

  // Log in again: a new session_key, so data fetched before it fails, and the log says why.
  const relogin = await press('btn-relogin')
  assert.equal(relogin.status, 'fail', relogin.summary)
  assert.equal(relogin.cause, 'session_key_mismatch')
  assert.deepEqual(relogin.exchanges.map((e) => [e.path, e.status]), [
    ['/demo/wx/getPhoneNumber', 200],
    ['/demo/wx/login', 200],
    ['/login', 200],
    ['/phone', 400],
  ])
  const failed = serverCalls(relogin).at(-1)
  // The client sees one opaque answer; the cause is only in the server's log.
  assert.match(failed.response, /^HTTP 400\n\n\{\n  "errcode": -41003,\n  "errmsg": "decrypt failed"\n\}$/)
  assert.doesNotMatch(failed.response, /session_key/)
  assert.match(failed.log, /cause: session_key_mismatch \(the padding does not check out: this session key is not the one/)
  assert.match(failed.log, /"event":"decrypt_failed","route":"\/phone"/)
  assert.match(relogin.summary, /The server logged the cause: session_key_mismatch\./)
  assert.notEqual(await page.$eval('#state-token', (e) => e.textContent), firstToken)

  // After the new login, fresh data decrypts again.
  const again = await press('btn-phone')
  assert.equal(again.status, 'ok', again.summary)

  // Data cut in transit: transport_damage, with the hint that says so.
  const cut = await press('btn-cut')
  assert.equal(cut.status, 'fail', cut.summary)
  assert.equal(cut.cause, 'transport_damage')
  assert.match(serverCalls(cut)[0].response, /"errcode": -4100[34]/)
  assert.match(serverCalls(cut)[0].log, /cause: transport_damage \(encryptedData (has|decodes to) \d+ .*(cut short|truncated)/)

  // A message push, as WeChat's server sends it: verified, decrypted, answered "success".
  const push = await press('btn-push')
  assert.equal(push.status, 'ok', push.summary)
  assert.match(push.exchanges[1].request, /^POST \/wechat\/push\?signature=[0-9a-f]{40}&timestamp=\d+&nonce=\d+&openid=o[\w-]+&encrypt_type=aes&msg_signature=[0-9a-f]{40}\n/)
  assert.equal(push.exchanges[1].response, 'HTTP 200\n\nsuccess')
  assert.match(push.exchanges[1].log, /"event":"push","encrypted":true/)

  // WeChat Pay: a JSAPI order through the pay client (answers verified), wx.requestPayment (paySign
  // checked by the simulated WeChat client), the signed, encrypted callback at /pay/notify, paid.
  const order = await press('btn-order')
  assert.equal(order.status, 'ok', order.summary)
  assert.deepEqual(order.exchanges.map((e) => [e.who, e.path, e.status]), [
    ['server', '/orders', 200],
    ['wx', '/demo/wx/requestPayment', 200],
    ['server', order.exchanges[2].path, 200],
  ])
  assert.match(order.exchanges[2].path, /^\/orders\/WXC\d+[0-9a-f]{10}$/)
  assert.match(order.exchanges[0].request, /^POST \/orders\n.*\nauthorization: Bearer [0-9a-f]{16}…\n\n\{\n  "item": "coffee"\n\}$/)
  const requestPayment = JSON.parse(order.exchanges[0].response.replace(/^HTTP 200\n\n/, '')).requestPayment
  assert.equal(requestPayment.appId, 'wx0123456789abcdef')
  assert.match(requestPayment.package, /^prepay_id=wx\d{14}[0-9a-f]{18}$/)
  assert.equal(requestPayment.signType, 'RSA')
  assert.match(requestPayment.timeStamp, /^\d{10}$/)
  assert.match(requestPayment.nonceStr, /^[A-Za-z0-9]{32}$/)
  assert.match(requestPayment.paySign, /^[A-Za-z0-9+/]{342}==$/)
  assert.match(order.exchanges[0].log, /"event":"order_created"/)
  assert.match(order.exchanges[1].response, /"errMsg": "requestPayment:ok"/)
  assert.match(order.exchanges[2].response, /"status": "SUCCESS"/)
  assert.match(order.exchanges[2].response, /"transactionId": "42000\d{23}"/)
  assert.match(order.exchanges[2].log, /"event":"order_paid"/)
  assert.match(order.exchanges[2].log, /"event":"pay_notify","outcome":"handled","status":204,"serial":"(PUB_KEY_ID_\d{32}|[0-9A-F]{40})"/)
  assert.match(order.summary, /^Order WXC\w+ paid \(¥18\.00, transaction 42000\d{23}\)/)
  assert.match(await page.$eval('#state-order', (e) => e.textContent), /^WXC\w+ SUCCESS$/)

  // WeChat repeats the callback: acknowledged, the handler not run again.
  const repeat = await press('btn-repeat')
  assert.equal(repeat.status, 'ok', repeat.summary)
  assert.match(repeat.exchanges[0].response, /"status": 204/)
  assert.match(repeat.exchanges[1].log, /"event":"pay_notify","outcome":"duplicate"/)
  assert.doesNotMatch(repeat.exchanges[1].log, /order_paid/)
  assert.match(repeat.summary, /without running the handler again/)

  // The switch: the server's call to WeChat (getuserphonenumber, API security mode) plain beside
  // what went over the wire, the request and the answer.
  await page.click('#toggle-sealed')
  const sealedStep = await press('btn-phone-code')
  assert.equal(sealedStep.status, 'ok', sealedStep.summary)
  const calls = await sealedCalls(page)
  assert.deepEqual(calls.map((c) => [c.api, c.direction]), [
    ['/wxa/business/getuserphonenumber', 'request'],
    ['/wxa/business/getuserphonenumber', 'response'],
  ])
  const [sealedReq, sealedAns] = calls
  assert.match(sealedReq.plain, /"code": "[A-Za-z0-9_-]{32}"/)
  assert.match(sealedReq.wire, /^Wechatmp-Appid: wx0123456789abcdef$/im)
  assert.match(sealedReq.wire, /^Wechatmp-TimeStamp: \d+$/im)
  assert.match(sealedReq.wire, /Wechatmp-Signature: /i)
  assert.match(sealedReq.wire, /\{"iv":"[A-Za-z0-9+/]{16}","data":"[A-Za-z0-9+/=]+","authtag":"[A-Za-z0-9+/]{22}=="\}$/)
  assert.doesNotMatch(sealedReq.wire, /"code"/)
  assert.match(sealedAns.plain, /"purePhoneNumber": "13900139000"/)
  assert.match(sealedAns.wire, /Wechatmp-Serial: [0-9a-f]{32}/i)
  assert.doesNotMatch(sealedAns.wire, /13900139000/)

  // Everything came from the demo server (the page works offline), without a script error.
  // (The browser reports each HTTP error as a console error: the two expected 400s.)
  const expected400 = 'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)'
  assert.deepEqual(problems, [expected400, expected400])
  const foreign = requested.filter((u) => !u.startsWith(`${demo.base}/`))
  assert.deepEqual(foreign, [])
  assert.ok(requested.includes(`${demo.base}/page/page.js`) && requested.includes(`${demo.base}/page/page.css`))

  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const shot = path.join(ARTIFACTS, 'demo-page.png')
  await page.screenshot({ path: shot, fullPage: true })
  const png = fs.readFileSync(shot)
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  assert.ok(png.length > 20_000, `screenshot of ${png.length} bytes`)
  t.diagnostic(`screenshot: ${path.relative(ROOT, shot)} (${png.length} bytes)`)
})
