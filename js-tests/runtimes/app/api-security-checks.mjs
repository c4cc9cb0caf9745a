// ApiSecurity in every runtime (issue 18): the official vector through the package's entry as
// that runtime resolves it (request byte for byte, response opened), a round trip against the
// platform side with a rotation, and the refusals with their codes. Plain code, no Node
// built-ins. `runApiSecurity(wx, vectors)` resolves to [{ name, error }]; `vectors.api_security`
// is vectors/api-security.json (run.mjs stages it). `signer` is where RSA-PSS must run here.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

async function rejectsCode(p, wx, code, what) {
  try {
    await p
  } catch (err) {
    if (!(err instanceof wx.WXCryptError)) throw new Error(`${what}: not a WXCryptError: ${err && err.name}: ${err && err.message}`)
    eq(err.code, code, `${what} code`)
    eq(err.errcode, wx.ErrorCode[code], `${what} errcode`)
    return
  }
  throw new Error(`${what}: did not reject`)
}

export async function runApiSecurity(wx, vectors, signer) {
  const v = vectors.api_security
  const config = {
    appId: v.appid,
    algorithm: 'AES256_GCM+RSAwithSHA256',
    symmetricKey: v.symmetric_key,
    symmetricKeySn: v.symmetric_key_sn,
    privateKey: v.private_key,
    privateKeySn: v.private_key_sn,
    platformCertificates: [{ sn: v.platform_certificate_sn, certificate: v.platform_certificate }],
  }
  const now = Number(v.response.headers['Wechatmp-TimeStamp'])
  const checks = {
    async 'ApiSecurity: official request byte for byte, signed where expected'() {
      const sec = new wx.ApiSecurity(config)
      eq(sec.signer, signer, 'signer')
      const r = v.request
      const s = await sec.sealRequest(v.url, JSON.parse(r.params), { timestamp: r.timestamp, nonce: r.nonce, iv: r.iv })
      eq(s.body, r.body, 'body')
      eq(s.headers['Wechatmp-TimeStamp'], String(r.timestamp), 'timestamp header')
      eq(typeof s.headers['Wechatmp-Signature'], 'string', 'signature header')
      // Verified by the platform side (the core, RSA-PSS salt 32, the app's public key from its private key).
      const subtle = globalThis.crypto && globalThis.crypto.subtle
      if (subtle) {
        const der = Uint8Array.from(atob(v.private_key_spki), (c) => c.charCodeAt(0))
        const pub = await subtle.importKey('spki', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify'])
        const sig = Uint8Array.from(atob(s.headers['Wechatmp-Signature']), (c) => c.charCodeAt(0))
        const ok = await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, sig, new TextEncoder().encode(`${v.url}\n${v.appid}\n${r.timestamp}\n${s.body}`))
        eq(ok, true, 'signature verifies with WebCrypto')
      }
    },
    async 'ApiSecurity: official response opened, refusals coded'() {
      const sec = new wx.ApiSecurity(config)
      const res = v.response
      const answer = await sec.openResponse(v.url, { headers: res.headers, body: res.body }, { now })
      eq(JSON.stringify(answer), JSON.stringify(res.answer), 'answer')
      if (typeof Headers === 'function') {
        const h = new Headers(res.headers)
        eq((await sec.openResponse(v.url, { headers: h, body: new TextEncoder().encode(res.body) }, { now })).errmsg, res.answer.errmsg, 'Headers + bytes')
      }
      await rejectsCode(sec.openResponse(v.url, { headers: res.headers, body: res.body }, { now: now + 301 }), wx, 'TimestampWindow', 'window')
      await rejectsCode(sec.openResponse(v.url, { headers: { ...res.headers, 'Wechatmp-Appid': 'wx0' }, body: res.body }, { now }), wx, 'WXBizMsgCrypt_ValidateAppid_Error', 'appid')
      await rejectsCode(sec.openResponse(v.url, { headers: {}, body: '{"errcode":0}' }, { now }), wx, 'MissingField', 'unsigned')
      await rejectsCode(sec.openResponse(v.url, { headers: res.headers, body: res.body.replace('"iv":"', '"iv":"A') }, { now }), wx, 'SignatureInvalid', 'flipped body')
      let threw = null
      try {
        new wx.ApiSecurity({ ...config, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' })
      } catch (err) {
        threw = err
      }
      eq(threw && threw.code, 'KeyParse', 'PEM that is not a key')
    },
    async 'ApiSecurityPlatform <-> ApiSecurity round trip'() {
      // The official keys on both sides: the vector's app key also plays the platform's key.
      const platform = new wx.ApiSecurityPlatform({
        appId: v.appid,
        algorithm: config.algorithm,
        symmetricKey: v.symmetric_key,
        symmetricKeySn: v.symmetric_key_sn,
        appPublicKey: v.platform_certificate,
        appKeySn: v.private_key_sn,
        platformPrivateKey: v.private_key,
        platformSn: 'p-new',
      })
      const sec = new wx.ApiSecurity({ ...config, platformCertificates: [{ sn: 'p-new', certificate: v.private_key_public }] })
      const sealed = platform.sealResponse(v.url, { errcode: 0, errmsg: 'ok', n: '中文' }, { timestamp: now })
      const got = await sec.openResponseDetailed(v.url, sealed, { now })
      eq(got.answer.n, '中文', 'answer')
      eq(got.serial, 'p-new', 'serial')
      eq(got.deprecated, false, 'deprecated')
    },
  }
  const results = []
  for (const [name, fn] of Object.entries(checks)) {
    try {
      await fn()
      results.push({ name, error: null })
    } catch (err) {
      results.push({ name, error: String((err && err.stack) || err) })
    }
  }
  return results
}
