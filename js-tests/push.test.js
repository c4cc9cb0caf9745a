'use strict'
// The message-push middlewares (wxcrypt/koa, wxcrypt/express) over real HTTP on loopback.
const test = require('node:test')
const assert = require('node:assert/strict')
const { listen, request, qs } = require('./support/http.js')
const path = require('node:path')
const { wxcrypt, vectors, root } = require('./support/wxcrypt.js')

const koaPush = require(path.join(root, 'npm', 'wxcrypt', 'koa.js'))
const expressPush = require(path.join(root, 'npm', 'wxcrypt', 'express.js'))
const Koa = require('koa')
const express = require('express')

const all = vectors('wechat-vectors.json')
const jsonVec = all.msg_crypt.find((v) => v.id === 'mp_doc_json_safe_mode_inbound')
const xmlVec = all.msg_crypt.find((v) => v.id === 'official_cpp_sample_xml_inbound')
const getVec = all.url_signature.find((v) => v.id === 'mp_doc_get_verify')
const safeUrl = all.url_signature.find((v) => v.id === 'mp_doc_safe_post_url_signature')



const apps = {
  koa(opts) {
    const app = new Koa()
    app.use(koaPush(opts))
    app.use((ctx) => {
      const { message, encrypted, format } = ctx.state.wechat
      if (message && message.Event === 'debug_demo') return ctx.wechatReply({ demo_resp: 'good luck', encrypted, format })
      if (format === 'xml') return ctx.wechatReply(`<xml><Echo><![CDATA[${message.length}]]></Echo></xml>`)
      ctx.wechatReply({ echo: message, encrypted })
    })
    return app.callback()
  },
  express(opts) {
    const app = express()
    app.use('/wechat', expressPush(opts))
    app.post('/wechat', (req, res) => {
      const { message, encrypted, format } = req.wechat
      if (message && message.Event === 'debug_demo') return res.wechatReply({ demo_resp: 'good luck', encrypted, format })
      if (format === 'xml') return res.wechatReply(`<xml><Echo><![CDATA[${message.length}]]></Echo></xml>`)
      res.wechatReply({ echo: message, encrypted })
    })
    return app
  },
}

for (const [name, make] of Object.entries(apps)) {
  test(`${name} middleware: GET verification, safe-mode JSON and XML, plain mode, tampering`, async () => {
    const server = await listen(make({ token: jsonVec.token, encodingAESKey: jsonVec.encodingAESKey, appId: jsonVec.appid }))
    const base = name === 'koa' ? '/' : '/wechat'
    try {
      // GET URL verification: the mini-program doc's example.
      const get = { signature: getVec.signature, timestamp: getVec.timestamp, nonce: getVec.nonce, echostr: getVec.echostr }
      let r = await request(server, 'GET', base + qs(get))
      assert.deepEqual([r.status, r.text], [200, getVec.echostr])
      r = await request(server, 'GET', base + qs({ ...get, nonce: '1' }))
      assert.equal(r.status, 401)
      r = await request(server, 'GET', base + qs({ echostr: 'x' }))
      assert.equal(r.status, 401)

      // POST in safe mode, JSON: the doc's request, byte for byte.
      const q = { signature: safeUrl.signature, timestamp: safeUrl.timestamp, nonce: safeUrl.nonce, openid: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY', encrypt_type: 'aes', msg_signature: jsonVec.msg_signature }
      const body = JSON.stringify({ ToUserName: 'gh_97417a04a28d', Encrypt: jsonVec.encrypt })
      r = await request(server, 'POST', base + qs(q), body)
      assert.equal(r.status, 200, r.text)
      assert.match(r.type, /application\/json/)
      const reply = JSON.parse(r.text)
      assert.deepEqual(Object.keys(reply), ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'])
      assert.equal(String(reply.TimeStamp), q.timestamp)
      assert.equal(reply.Nonce, q.nonce)
      // What WeChat does with the reply: check its signature and decrypt it.
      const mc = new wxcrypt.WXBizMsgCrypt(jsonVec.token, jsonVec.encodingAESKey, jsonVec.appid)
      assert.ok(wxcrypt.verifyMsgSignature(jsonVec.token, reply.TimeStamp, reply.Nonce, reply.Encrypt, reply.MsgSignature))
      assert.deepEqual(JSON.parse(mc.decryptMsg(reply.MsgSignature, reply.TimeStamp, reply.Nonce, r.text)), { demo_resp: 'good luck', encrypted: true, format: 'json' })

      // Tampering: a wrong msg_signature (401), a damaged Encrypt (401: signature first), no Encrypt (400).
      r = await request(server, 'POST', base + qs({ ...q, msg_signature: '0'.repeat(40) }), body)
      assert.deepEqual([r.status, r.text], [401, 'invalid message'])
      r = await request(server, 'POST', base + qs(q), JSON.stringify({ Encrypt: jsonVec.encrypt.slice(1) }))
      assert.equal(r.status, 401)
      r = await request(server, 'POST', base + qs(q), JSON.stringify({ ToUserName: 'x' }))
      assert.equal(r.status, 400)
      r = await request(server, 'POST', base + qs({ ...q, signature: '0'.repeat(40) }), body)
      assert.deepEqual([r.status, r.text], [401, 'invalid signature'])

      // Plain mode (encrypt_type absent): the URL signature is still checked, the body passes through.
      const plain = all.url_signature.find((v) => v.id === 'mp_doc_plain_post')
      const pq = { signature: plain.signature, timestamp: plain.timestamp, nonce: plain.nonce }
      r = await request(server, 'POST', base + qs(pq), JSON.stringify({ MsgType: 'text', Content: 'hi' }))
      assert.equal(r.status, 200)
      assert.deepEqual(JSON.parse(r.text), { echo: { MsgType: 'text', Content: 'hi' }, encrypted: false })
      r = await request(server, 'POST', base + qs({ ...pq, encrypt_type: 'raw' }), JSON.stringify({ a: 1 }))
      assert.deepEqual(JSON.parse(r.text), { echo: { a: 1 }, encrypted: false })
      r = await request(server, 'POST', base + qs({ ...pq, nonce: '2' }), '{}')
      assert.equal(r.status, 401)
    } finally {
      server.close()
    }
  })

  test(`${name} middleware: safe-mode XML body, XML reply`, async () => {
    const v = xmlVec
    const server = await listen(make({ token: v.token, encodingAESKey: v.encodingAESKey, appId: v.appid }))
    const base = name === 'koa' ? '/' : '/wechat'
    try {
      const q = { signature: wxcrypt.urlSignature(v.token, v.timestamp, v.nonce), timestamp: v.timestamp, nonce: v.nonce, encrypt_type: 'aes', msg_signature: v.msg_signature }
      const body = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>`
      const r = await request(server, 'POST', base + qs(q), body, 'text/xml')
      assert.equal(r.status, 200, r.text)
      assert.match(r.type, /xml/)
      const field = (n) => new RegExp(`<${n}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(r.text)[1]
      const mc = new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, v.appid)
      assert.equal(field('TimeStamp'), v.timestamp)
      assert.equal(mc.decryptMsg(field('MsgSignature'), field('TimeStamp'), field('Nonce'), r.text), `<xml><Echo><![CDATA[${v.msg.length}]]></Echo></xml>`)
    } finally {
      server.close()
    }
  })
}

test('WXBizMsgCrypt: every vector both ways, byte for byte, on this backend', () => {
  for (const v of all.msg_crypt) {
    const mc = new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, v.appid)
    const xml = v.id.includes('xml')
    const body = xml ? `<xml><Encrypt><![CDATA[${v.encrypt}]]></Encrypt></xml>` : JSON.stringify({ Encrypt: v.encrypt })
    assert.equal(mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, body), v.msg, v.id)
    assert.equal(mc.decryptMsg(v.msg_signature, Number(v.timestamp), Number(v.nonce), { Encrypt: v.encrypt }), v.msg)
    assert.equal(mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, Buffer.from(body)), v.msg)
    const json = JSON.parse(mc.encryptMsg(v.msg, v.timestamp, v.nonce, 'json', { random: v.random }))
    assert.deepEqual(json, { Encrypt: v.encrypt, MsgSignature: v.msg_signature, TimeStamp: Number(v.timestamp), Nonce: v.nonce })
    const x = mc.encryptMsg(v.msg, v.timestamp, v.nonce, 'xml', { random: v.random })
    assert.equal(x, `<xml>\n<Encrypt><![CDATA[${v.encrypt}]]></Encrypt>\n<MsgSignature><![CDATA[${v.msg_signature}]]></MsgSignature>\n<TimeStamp>${v.timestamp}</TimeStamp>\n<Nonce><![CDATA[${v.nonce}]]></Nonce>\n</xml>`)
    // Fresh randomness: two replies differ, both decrypt.
    const a = JSON.parse(mc.encryptMsg(v.msg, v.timestamp, v.nonce))
    const b = JSON.parse(mc.encryptMsg(v.msg, v.timestamp, v.nonce))
    assert.notEqual(a.Encrypt, b.Encrypt)
    assert.equal(mc.decryptMsg(a.MsgSignature, v.timestamp, v.nonce, a), v.msg)
  }
})

test('WXBizMsgCrypt: error codes and shapes, URL verification, types', () => {
  const v = jsonVec
  const mc = new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, v.appid)
  const code = (fn) => {
    try {
      fn()
    } catch (e) {
      assert.ok(e instanceof wxcrypt.WXCryptError)
      assert.deepEqual(Object.keys(e), ['errcode', 'code'])
      assert.equal(wxcrypt.ErrorCode[e.code], e.errcode)
      return e.errcode
    }
    return 'no error'
  }
  assert.equal(code(() => new wxcrypt.WXBizMsgCrypt(v.token, 'short', v.appid)), -40004)
  assert.equal(code(() => mc.decryptMsg(v.msg_signature, v.timestamp, '1', { Encrypt: v.encrypt })), -40001)
  assert.equal(code(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, '{}')), -40002)
  assert.equal(code(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, {})), -40002)
  assert.equal(code(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, 'not a body')), -40002)
  // The messages are the core crate's descriptions, the same for a raw and a parsed body.
  const message = (fn) => {
    try {
      fn()
    } catch (e) {
      assert.ok(e instanceof wxcrypt.WXCryptError)
      return e.message
    }
    return 'no error'
  }
  assert.equal(message(() => mc.decryptMsg(v.msg_signature, v.timestamp, '1', { Encrypt: v.encrypt })), 'signature mismatch')
  assert.equal(message(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, '{}')), 'no Encrypt field in the JSON or XML body')
  assert.equal(message(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, { Encrypt: 7 })), 'no Encrypt field in the JSON or XML body')
  assert.equal(message(() => new wxcrypt.WXBizMsgCrypt(v.token, 'short', v.appid)), 'EncodingAESKey must be 43 base64 characters')
  const bad = v.encrypt.slice(0, -2) + '!='
  assert.equal(code(() => mc.decryptMsg(wxcrypt.msgSignature(v.token, v.timestamp, v.nonce, bad), v.timestamp, v.nonce, { Encrypt: bad })), -40010)
  const other = new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, 'wx0000000000000000')
  const r = JSON.parse(other.encryptMsg('hi', v.timestamp, v.nonce))
  assert.equal(code(() => mc.decryptMsg(r.MsgSignature, v.timestamp, v.nonce, r)), -40005)
  assert.equal(code(() => mc.encryptMsg('x', '1', 'a]]>b', 'xml')), -40011)
  assert.equal(mc.verifyUrl(getVec.signature, getVec.timestamp, getVec.nonce, getVec.echostr), getVec.echostr)
  assert.equal(code(() => mc.verifyUrl(getVec.signature, getVec.timestamp, '1', getVec.echostr)), -40001)
  assert.throws(() => mc.encryptMsg('x', '1', '2', 'yaml'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => mc.decryptMsg(v.msg_signature, v.timestamp, v.nonce, 5), TypeError)
  assert.throws(() => mc.decryptMsg(undefined, v.timestamp, v.nonce, '{}'), TypeError)
  assert.throws(() => new wxcrypt.WXBizMsgCrypt(v.token, 5, v.appid), TypeError)
  const util = require('node:util')
  const shown = util.inspect(mc, { showHidden: true }) + JSON.stringify(mc)
  assert.ok(!shown.includes(v.encodingAESKey) && !shown.includes(v.token + '"'), shown)
})
