'use strict'
// Message push for every Tencent sender (issue 22), against vectors/push-family.json: official
// accounts, the open platform and WeCom (XML, lower-case JSON, encrypted echostr, robot, third
// party), through WXBizMsgCrypt and through the Koa and Express middlewares over real HTTP.
const test = require('node:test')
const assert = require('node:assert/strict')
const { listen, request, qs } = require('./support/http.js')
const path = require('node:path')
const { wxcrypt, vectors, root } = require('./support/wxcrypt.js')

const koaPush = require(path.join(root, 'npm', 'wxcrypt', 'koa.js'))
const expressPush = require(path.join(root, 'npm', 'wxcrypt', 'express.js'))
const Koa = require('koa')
const { bodyParser } = require('@koa/bodyparser')
const express = require('express')

const family = vectors('push-family.json')
const byId = (list, id) => {
  const v = list.find((x) => x.id === id)
  assert.ok(v, id)
  return v
}
const crypt = (v, receiverId = v.receiver_id) => new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, receiverId)

function errcode(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof wxcrypt.WXCryptError, e && e.stack)
    assert.deepEqual(Object.keys(e), ['errcode', 'code'])
    assert.equal(wxcrypt.ErrorCode[e.code], e.errcode)
    return e.errcode
  }
  return 'no error'
}

/** `[Encrypt, MsgSignature, TimeStamp, Nonce]` of a reply envelope in any format, as strings. */
function envelope(reply, format) {
  if (format === 'xml') {
    return ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'].map((n) => new RegExp(`<${n}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(reply)[1])
  }
  const keys = format === 'wecom-json' ? ['encrypt', 'msgsignature', 'timestamp', 'nonce'] : ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']
  const o = JSON.parse(reply)
  assert.deepEqual(Object.keys(o), keys, reply)
  return keys.map((k) => String(o[k]))
}

test('push-family.json: every sender is there, every vector names its source', () => {
  const senders = new Set(family.messages.map((v) => v.sender))
  for (const s of ['official_account', 'open_platform', 'wecom', 'wecom_robot', 'wecom_third_party']) assert.ok(senders.has(s), s)
  for (const v of [...family.messages, ...family.url_verification, ...family.replies]) {
    const src = v.source
    const cited = typeof src.repo === 'string' && typeof src.path === 'string' && /^[0-9a-f]{40}$/.test(src.commit)
    assert.ok(cited || typeof src.derived_from === 'string', `${v.id} names no source`)
  }
  assert.equal(family.messages.length, 10)
  assert.equal(family.url_verification.length, 3)
  assert.equal(family.replies.length, 4)
})

test('every message decrypts on this backend, as text, bytes and a parsed object, and names its envelope', () => {
  for (const v of family.messages) {
    const mc = crypt(v)
    const args = [v.msg_signature, v.timestamp, v.nonce]
    assert.deepEqual(mc.decryptBody(...args, v.body), { message: v.msg, format: v.format }, v.id)
    assert.ok(v.msg.includes(v.msg_contains), v.id)
    assert.equal(mc.decryptMsg(...args, v.body), v.msg, v.id)
    assert.deepEqual(mc.decryptBody(...args, Buffer.from(v.body)), { message: v.msg, format: v.format }, v.id)
    assert.deepEqual(mc.decryptBody(v.msg_signature, Number(v.timestamp), Number(v.nonce), new TextEncoder().encode(v.body)), { message: v.msg, format: v.format })
    // What a framework's parser hands over: JSON as it is, XML as { Encrypt } (or { Encrypt: [..] }).
    if (v.format === 'xml') {
      assert.deepEqual(mc.decryptBody(...args, { Encrypt: v.encrypt }), { message: v.msg, format: 'json' }, v.id)
      assert.equal(mc.decryptMsg(...args, { ToUserName: ['x'], Encrypt: [v.encrypt] }), v.msg, v.id)
    } else {
      assert.deepEqual(mc.decryptBody(...args, JSON.parse(v.body)), { message: v.msg, format: v.format }, v.id)
    }
    // Official-account and open-platform pushes also carry the plain URL signature.
    if (v.signature !== undefined) assert.ok(wxcrypt.verifyUrlSignature(v.token, v.timestamp, v.nonce, v.signature), v.id)
    assert.equal(errcode(() => mc.decryptBody(v.msg_signature, v.timestamp, String(Number(v.nonce) + 1), v.body)), -40001, v.id)
  }
})

test('the receiver id (appid, component appid, corp id, suite id, or "" for a robot) is checked exactly', () => {
  for (const v of family.messages) {
    const rid = v.receiver_id
    const others = rid === '' ? ['wx5823bf96d3bd56c7', ' '] : ['', `${rid}x`, rid.slice(0, -1), rid.toUpperCase()]
    for (const other of others) {
      assert.equal(errcode(() => crypt(v, other).decryptBody(v.msg_signature, v.timestamp, v.nonce, v.body)), -40005, `${v.id} with ${JSON.stringify(other)}`)
    }
  }
})

test('derived messages encrypt byte for byte with their fixed random', () => {
  const derived = family.messages.filter((v) => v.derived === true)
  assert.equal(derived.length, 2)
  for (const v of derived) {
    const reply = crypt(v).encryptMsg(v.msg, v.timestamp, v.nonce, v.format, { random: v.random })
    assert.deepEqual(envelope(reply, v.format), [v.encrypt, v.msg_signature, v.timestamp, v.nonce], v.id)
  }
})

test('URL verification per sender: the plain echo, and WeCom\'s encrypted echostr', () => {
  for (const v of family.url_verification) {
    if (v.mode === 'plain') {
      const mc = new wxcrypt.WXBizMsgCrypt(v.token, 'A'.repeat(43), 'any')
      assert.equal(mc.verifyUrl(v.signature, v.timestamp, v.nonce, v.echostr), v.reply, v.id)
      assert.equal(errcode(() => mc.verifyUrl(v.signature, v.timestamp, '1', v.echostr)), -40001, v.id)
      continue
    }
    assert.equal(v.mode, 'encrypted')
    const mc = crypt(v)
    assert.equal(mc.verifyUrlEncrypted(v.msg_signature, v.timestamp, v.nonce, v.echostr), v.reply, v.id)
    assert.equal(mc.verifyUrlEncrypted(v.msg_signature, Number(v.timestamp), Number(v.nonce), v.echostr), v.reply, v.id)
    // The plain check does not accept WeCom's request: its signature covers echostr.
    assert.equal(errcode(() => mc.verifyUrl(v.msg_signature, v.timestamp, v.nonce, v.echostr)), -40001, v.id)
    // wechatpy's test_check_signature_should_fail: the nonce off by one.
    assert.equal(errcode(() => mc.verifyUrlEncrypted(v.msg_signature, v.timestamp, String(Number(v.nonce) - 1), v.echostr)), -40001, v.id)
    for (const other of ['', v.receiver_id.slice(0, -1)]) {
      assert.equal(errcode(() => crypt(v, other).verifyUrlEncrypted(v.msg_signature, v.timestamp, v.nonce, v.echostr)), -40005, v.id)
    }
  }
})

test('replies byte for byte (fixed random) in xml and wecom-json, and back', () => {
  for (const v of family.replies) {
    const mc = crypt(v)
    const reply = mc.encryptMsg(v.msg, v.timestamp, v.nonce, v.format, { random: v.random })
    if (v.envelope !== undefined) assert.equal(reply, v.envelope, v.id)
    const [encrypt, sig, ts, nonce] = envelope(reply, v.format)
    assert.deepEqual([encrypt, sig, ts, nonce], [v.encrypt, v.msg_signature, v.timestamp, v.nonce], v.id)
    assert.deepEqual(mc.decryptBody(sig, ts, nonce, reply), { message: v.msg, format: v.format }, v.id)
    // Fresh randomness without options.random: a different Encrypt that still decrypts.
    const fresh = mc.encryptMsg(v.msg, v.timestamp, v.nonce, v.format)
    const f = envelope(fresh, v.format)
    assert.notEqual(f[0], v.encrypt)
    assert.deepEqual(mc.decryptBody(f[1], f[2], f[3], fresh), { message: v.msg, format: v.format })
  }
})

test('body cases: both keys equal, escaped, duplicates; both differing and other spellings refused (-40002)', () => {
  const v = byId(family.messages, family.body_cases.vector)
  const mc = crypt(v)
  const args = [v.msg_signature, v.timestamp, v.nonce]
  const cases = family.body_cases.cases
  assert.equal(cases.filter((c) => c.expect === 'ok').length, 3)
  assert.ok(cases.some((c) => c.id === 'fail_both_keys_differ'))
  for (const c of cases) {
    if (c.expect === 'ok') assert.deepEqual(mc.decryptBody(...args, c.body), { message: v.msg, format: c.format }, c.id)
    else assert.equal(errcode(() => mc.decryptBody(...args, c.body)), c.expect, c.id)
  }
  // The same rule for an object a framework parsed.
  const other = cases.find((c) => c.id === 'fail_both_keys_differ')
  const differing = JSON.parse(other.body)
  assert.notEqual(differing.Encrypt, differing.encrypt)
  assert.deepEqual(mc.decryptBody(...args, { encrypt: v.encrypt }), { message: v.msg, format: 'wecom-json' })
  assert.deepEqual(mc.decryptBody(...args, { Encrypt: v.encrypt }), { message: v.msg, format: 'json' })
  assert.deepEqual(mc.decryptBody(...args, { Encrypt: v.encrypt, encrypt: v.encrypt }), { message: v.msg, format: 'json' })
  assert.deepEqual(mc.decryptBody(...args, { encrypt: [v.encrypt] }), { message: v.msg, format: 'wecom-json' })
  assert.equal(errcode(() => mc.decryptBody(...args, differing)), -40002)
  assert.equal(errcode(() => mc.decryptBody(...args, { Encrypt: differing.encrypt, encrypt: differing.Encrypt })), -40002)
  assert.equal(errcode(() => mc.decryptBody(...args, { ENCRYPT: v.encrypt })), -40002)
  assert.equal(errcode(() => mc.decryptBody(...args, { encrypt: 1 })), -40002)
  assert.equal(errcode(() => mc.decryptBody(...args, {})), -40002)
})

test('argument types: TypeError, with nothing secret in the message', () => {
  const v = byId(family.url_verification, 'wecom_encrypted_echostr_tencent_sample')
  const mc = crypt(v)
  assert.throws(() => mc.decryptBody(v.msg_signature, v.timestamp, v.nonce, 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => mc.decryptBody(v.msg_signature, v.timestamp, v.nonce, null), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => mc.decryptBody(undefined, v.timestamp, v.nonce, '{}'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => mc.verifyUrlEncrypted(v.msg_signature, v.timestamp, v.nonce, 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => mc.verifyUrlEncrypted(v.msg_signature, {}, v.nonce, v.echostr), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  for (const f of ['wecom_json', 'WECOM-JSON', 'wecomjson']) {
    assert.throws(() => mc.encryptMsg('x', '1', '2', f), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_VALUE' && /'wecom-json'/.test(e.message), f)
  }
  assert.throws(() => new wxcrypt.WXBizMsgCrypt(v.token, v.encodingAESKey, 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  try {
    new wxcrypt.WXBizMsgCrypt(v.token, 5, v.receiver_id)
  } catch (e) {
    assert.ok(e instanceof TypeError && !e.message.includes(v.token), e.message)
  }
})

// -- the middlewares, over real HTTP on loopback



/** What the test handlers answer: XML for an XML message, else JSON, naming the envelope. */
function answer(w) {
  if (w.format === 'xml') return `<xml><Envelope><![CDATA[${w.envelope}]]></Envelope><Length>${w.text.length}</Length></xml>`
  return { echo: w.message, envelope: w.envelope, encrypted: w.encrypted }
}

const apps = {
  koa(opts, { parse = false, preset } = {}) {
    const app = new Koa()
    if (parse) app.use(bodyParser({ enableTypes: ['json'] }))
    if (preset) {
      app.use((ctx, next) => {
        ctx.request.body = preset
        return next()
      })
    }
    app.use(koaPush(opts))
    app.use((ctx) => ctx.wechatReply(answer(ctx.state.wechat)))
    return app.callback()
  },
  express(opts, { parse = false, preset } = {}) {
    const app = express()
    if (parse) app.use(express.json())
    if (preset) {
      app.use((req, res, next) => {
        req.body = preset
        next()
      })
    }
    app.use('/wechat', expressPush(opts))
    app.post('/wechat', (req, res) => res.wechatReply(answer(req.wechat)))
    return app
  },
}

async function serve(make, opts, parse, fn, preset = undefined) {
  const server = await listen(make(opts, { parse, preset }))
  try {
    await fn(server)
  } finally {
    server.close()
  }
}

for (const [name, make] of Object.entries(apps)) {
  const base = name === 'koa' ? '/' : '/wechat'

  test(`${name} middleware: a WeCom callback end to end (encrypted echostr, lower-case JSON, wecom-json reply)`, async () => {
    const get = byId(family.url_verification, 'wecom_encrypted_echostr_tencent_sample')
    const v = byId(family.messages, 'wecom_json_go_sample')
    assert.deepEqual([get.token, get.encodingAESKey, get.receiver_id], [v.token, v.encodingAESKey, v.receiver_id])
    const opts = { token: v.token, encodingAESKey: v.encodingAESKey, appId: v.receiver_id }
    for (const parse of [false, true]) {
      await serve(make, opts, parse, async (server) => {
        // GET: WeCom's query has msg_signature and no signature; the answer is the plaintext.
        const gq = { msg_signature: get.msg_signature, timestamp: get.timestamp, nonce: get.nonce, echostr: get.echostr }
        let r = await request(server, 'GET', base + qs(gq))
        assert.deepEqual([r.status, r.text], [200, get.reply])
        r = await request(server, 'GET', base + qs({ ...gq, nonce: '1' }))
        assert.deepEqual([r.status, r.text], [401, 'invalid signature'])
        r = await request(server, 'GET', base + qs({ ...gq, echostr: '' }))
        assert.equal(r.status, 400)
        r = await request(server, 'GET', base + qs({ timestamp: get.timestamp, nonce: get.nonce, echostr: get.echostr }))
        assert.deepEqual([r.status, r.text], [401, 'missing signature'])

        // POST: lower-case JSON, msg_signature only (no signature, no encrypt_type).
        const pq = { msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }
        r = await request(server, 'POST', base + qs(pq), v.body)
        assert.equal(r.status, 200, r.text)
        assert.match(r.type, /application\/json/)
        const [encrypt, sig, ts, nonce] = envelope(r.text, 'wecom-json')
        assert.deepEqual([ts, nonce], [v.timestamp, v.nonce])
        // What WeCom does with the reply: check its signature and decrypt it, for its corp id.
        assert.ok(wxcrypt.verifyMsgSignature(v.token, ts, nonce, encrypt, sig))
        const back = crypt(v).decryptBody(sig, ts, nonce, r.text)
        assert.equal(back.format, 'wecom-json')
        assert.deepEqual(JSON.parse(back.message), { echo: JSON.parse(v.msg), envelope: 'wecom-json', encrypted: true })
        assert.equal(errcode(() => crypt(v, 'wx0000000000000000').decryptBody(sig, ts, nonce, r.text)), -40005)

        // Tampering: a wrong msg_signature, a damaged encrypt (401: signature first), no encrypt (400).
        r = await request(server, 'POST', base + qs({ ...pq, msg_signature: '0'.repeat(40) }), v.body)
        assert.deepEqual([r.status, r.text], [401, 'invalid message'])
        r = await request(server, 'POST', base + qs(pq), JSON.stringify({ encrypt: v.encrypt.slice(1) }))
        assert.equal(r.status, 401)
        r = await request(server, 'POST', base + qs(pq), JSON.stringify({ tousername: 'x' }))
        assert.deepEqual([r.status, r.text], [400, 'invalid message'])
        r = await request(server, 'POST', base + qs(pq), JSON.stringify({ Encrypt: v.encrypt, encrypt: v.encrypt.slice(0, -4) + 'AAA=' }))
        assert.deepEqual([r.status, r.text], [400, 'invalid message'])
        r = await request(server, 'POST', base + qs({ timestamp: v.timestamp, nonce: v.nonce }), v.body)
        assert.deepEqual([r.status, r.text], [401, 'missing signature'])
      })
    }
    // The same request, for another corp: the receiver id is checked exactly.
    await serve(make, { ...opts, appId: v.receiver_id.toUpperCase() }, false, async (server) => {
      let r = await request(server, 'POST', base + qs({ msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }), v.body)
      assert.deepEqual([r.status, r.text], [400, 'invalid message'])
      r = await request(server, 'GET', base + qs({ msg_signature: get.msg_signature, timestamp: get.timestamp, nonce: get.nonce, echostr: get.echostr }))
      assert.deepEqual([r.status, r.text], [400, 'invalid echostr'])
    })
    // No EncodingAESKey configured: WeCom cannot be served, and says so.
    await serve(make, { token: v.token }, false, async (server) => {
      const r = await request(server, 'POST', base + qs({ msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }), v.body)
      assert.deepEqual([r.status, r.text], [500, 'encodingAESKey not configured'])
    })
  })

  test(`${name} middleware: WeCom XML, a robot (receiver id ''), a suite (suite id)`, async () => {
    for (const id of ['wecom_xml_tencent_sample', 'wecom_json_robot_empty_receiver', 'wecom_xml_suite_ticket']) {
      const v = byId(family.messages, id)
      await serve(make, { token: v.token, encodingAESKey: v.encodingAESKey, appId: v.receiver_id }, false, async (server) => {
        const r = await request(server, 'POST', base + qs({ msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }), v.body, v.format === 'xml' ? 'text/xml' : 'application/json')
        assert.equal(r.status, 200, `${id}: ${r.text}`)
        const [, sig, ts, nonce] = envelope(r.text, v.format)
        const back = crypt(v).decryptBody(sig, ts, nonce, r.text)
        assert.equal(back.format, v.format, id)
        if (v.format === 'xml') assert.equal(back.message, `<xml><Envelope><![CDATA[xml]]></Envelope><Length>${v.msg.length}</Length></xml>`)
        else assert.deepEqual(JSON.parse(back.message), { echo: JSON.parse(v.msg), envelope: v.format, encrypted: true })
      })
    }
  })

  test(`${name} middleware: an official-account XML callback and an open-platform ticket end to end`, async () => {
    const plain = byId(family.url_verification, 'oa_plain_echostr')
    for (const id of ['oa_xml_text', 'open_platform_component_verify_ticket']) {
      const v = byId(family.messages, id)
      await serve(make, { token: v.token, encodingAESKey: v.encodingAESKey, appId: v.receiver_id }, false, async (server) => {
        // GET: the plain check and echo (the official account's URL verification, same token).
        assert.equal(plain.token, v.token)
        let r = await request(server, 'GET', base + qs({ signature: plain.signature, timestamp: plain.timestamp, nonce: plain.nonce, echostr: plain.echostr }))
        assert.deepEqual([r.status, r.text], [200, plain.reply])
        // POST in safe mode: signature and msg_signature, as the official account sends them.
        const q = { signature: v.signature, timestamp: v.timestamp, nonce: v.nonce, openid: 'oIDrpjpQ8j8mBuQ8nM26HWzNEZgg', encrypt_type: 'aes', msg_signature: v.msg_signature }
        r = await request(server, 'POST', base + qs(q), v.body, 'text/xml')
        assert.equal(r.status, 200, r.text)
        assert.match(r.type, /xml/)
        const [, sig, ts, nonce] = envelope(r.text, 'xml')
        assert.deepEqual(crypt(v).decryptBody(sig, ts, nonce, r.text), { message: `<xml><Envelope><![CDATA[xml]]></Envelope><Length>${v.msg.length}</Length></xml>`, format: 'xml' })
        // Both signatures stay required for the official account: no signature, or a wrong one, is 401.
        const { signature: _omit, ...noSignature } = q
        r = await request(server, 'POST', base + qs(noSignature), v.body, 'text/xml')
        assert.deepEqual([r.status, r.text], [401, 'missing signature'])
        r = await request(server, 'POST', base + qs({ ...q, signature: '0'.repeat(40) }), v.body, 'text/xml')
        assert.deepEqual([r.status, r.text], [401, 'invalid signature'])
        const { msg_signature: _omit2, ...noMsgSignature } = q
        r = await request(server, 'POST', base + qs(noMsgSignature), v.body, 'text/xml')
        assert.deepEqual([r.status, r.text], [401, 'missing msg_signature'])
      })
      // An XML body a framework parsed into an object (as xml2js does): the reply is still XML.
      const opts = { token: v.token, encodingAESKey: v.encodingAESKey, appId: v.receiver_id }
      await serve(make, opts, false, async (server) => {
        const q = { signature: v.signature, timestamp: v.timestamp, nonce: v.nonce, encrypt_type: 'aes', msg_signature: v.msg_signature }
        const r = await request(server, 'POST', base + qs(q), v.body, 'text/xml')
        assert.equal(r.status, 200, r.text)
        const [, sig, ts, nonce] = envelope(r.text, 'xml')
        assert.equal(crypt(v).decryptBody(sig, ts, nonce, r.text).format, 'xml')
      }, { ToUserName: ['x'], Encrypt: [v.encrypt] })
    }
  })
}
