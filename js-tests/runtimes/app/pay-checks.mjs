// wxcrypt/pay in every runtime (issue 19), through the subpath as that runtime resolves it: the
// merchant's side against the platform side in both key modes at once (the platform certificate
// and public key published by wechatpay-go's tests, vectors.wechatpay), both RSA operations where
// this runtime should run them (signature and verification by `host`: 'node:crypto' on Node and
// Bun, 'webcrypto' on the edge), paySign checked with
// WebCrypto, and refusals with their codes. Plain code, no Node built-ins.
// `runPay(pay, vectors, host)` resolves to [{ name, error }].

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

async function rejectsCode(p, pay, code, what) {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (code === 'TypeError') return eq(err instanceof TypeError, true, `${what}: TypeError`)
    if (!(err instanceof pay.WXCryptError)) throw new Error(`${what}: not a WXCryptError: ${err && err.name}: ${err && err.message}`)
    eq(err.code, code, `${what} code`)
    eq(err.errcode, pay.ErrorCode[code], `${what} errcode`)
    return
  }
  throw new Error(`${what}: did not reject`)
}

const PUB_ID = 'PUB_KEY_ID_0114232134912410000000000000'
const APIV3 = '0123456789abcdefghijklmnopqrstuv'
const NOW = 1700000000
const TX = { mchid: '1900009191', out_trade_no: 'T1', trade_state: 'SUCCESS', amount: { total: 100 } }

export async function runPay(pay, vectors, host) {
  const w = vectors.wechatpay
  const a = vectors.api_security
  const merchant = () =>
    new pay.WechatPay({
      mchId: '1900009191',
      merchantSerialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
      merchantPrivateKey: a.private_key,
      apiV3Key: APIV3,
      platformKeys: [{ serial: w.keys.platform_certificate_serial, certificate: w.keys.platform_certificate }, { id: PUB_ID, publicKey: w.keys.public_key }],
    })
  const platform = (serial) => new pay.WechatPayPlatform({ mchId: '1900009191', serial, privateKey: w.keys.private_key_pkcs8, apiV3Key: APIV3, merchantPublicKey: a.private_key_public })
  const checks = {
    async 'WechatPay: callbacks of both key modes opened, RSA where expected'() {
      const m = merchant()
      eq(m.signer, host, 'signer')
      eq(m.verifier, host, 'verifier')
      for (const serial of [w.keys.platform_certificate_serial, PUB_ID]) {
        const n = platform(serial).notification({ resource: TX }, { timestamp: NOW })
        const opened = await m.openNotification(n, { now: NOW })
        eq(JSON.stringify(opened.resource), JSON.stringify(TX), `${serial} resource`)
        eq((await m.verify({ headers: new Headers(n.headers), body: new TextEncoder().encode(n.body) }, { now: NOW })).serial, serial, 'verify serial')
      }
    },
    async 'WechatPay: authorization, paySign (WebCrypto-verified), sensitive fields'() {
      const m = merchant()
      const pl = platform(PUB_ID)
      const h = await m.authorization('POST', '/v3/pay/transactions/jsapi', '{"a":1}', { timestamp: NOW, nonce: 'N' })
      eq(pl.verifyAuthorization('POST', '/v3/pay/transactions/jsapi', '{"a":1}', h, { now: NOW }).mchId, '1900009191', 'authorization')
      const p = await m.requestPaymentParams({ appId: 'wx1', prepayId: 'wx2014', timeStamp: '1414561699', nonceStr: 'n' })
      eq(p.signType, 'RSA', 'signType')
      eq(p.package, 'prepay_id=wx2014', 'package')
      const der = Uint8Array.from(atob(a.private_key_spki), (c) => c.charCodeAt(0))
      const key = await crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
      const sig = Uint8Array.from(atob(p.paySign), (c) => c.charCodeAt(0))
      eq(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, sig, new TextEncoder().encode('wx1\n1414561699\nn\nprepay_id=wx2014\n')), true, 'paySign')
      const s = await m.encryptSensitive('张三')
      eq(s.serial, PUB_ID, 'sensitive serial')
      eq(pl.decryptSensitive(s.ciphertext), '张三', 'sensitive round trip')
    },
    async "WechatPay: wechatpay-java's published GCM vector, /v3/certificates answer, OAEP ciphertext and key pairs"() {
      const j = w.java
      const m = new pay.WechatPay({
        mchId: j.merchant_id,
        merchantSerialNo: j.merchant_certificate_serial,
        merchantPrivateKey: j.merchant_private_key_pkcs8,
        apiV3Key: j.api_v3_key,
        platformKeys: [{ serial: j.platform_certificate_serial, certificate: j.platform_certificate }, { id: PUB_ID, publicKey: j.platform_public_key }],
      })
      const g = j.aes_gcm
      const r = { algorithm: 'AEAD_AES_256_GCM', associated_data: g.associated_data, nonce: g.nonce, ciphertext: g.ciphertext }
      eq(m.decryptResource(r), g.plaintext, 'GCM vector')
      await rejectsCode(() => m.decryptResource({ ...r, associated_data: g.bad_associated_data }), pay, 'AeadOpen', 'GCM bad AAD')
      await rejectsCode(() => m.decryptResource({ ...r, nonce: g.bad_nonce }), pay, 'AeadOpen', 'GCM bad nonce')
      const item = JSON.parse(j.certificates_response.body).data[0]
      const pem = m.decryptResource(item.encrypt_certificate)
      eq(m.addPlatformKey({ serial: item.serial_no, certificate: pem }), j.certificates_response.serial, 'certificate serial')
      const asMerchantKey = new pay.WechatPayPlatform({ mchId: j.merchant_id, serial: 'X', privateKey: j.merchant_private_key_pkcs8, apiV3Key: j.api_v3_key, merchantPublicKey: j.platform_public_key })
      eq(asMerchantKey.decryptSensitive(j.oaep.ciphertext), j.oaep.plaintext, 'OAEP vector')
      await rejectsCode(() => asMerchantKey.decryptSensitive(j.oaep.bad_ciphertext), pay, 'AeadOpen', 'OAEP bad ciphertext')
      for (const serial of [j.platform_certificate_serial, PUB_ID]) {
        const pl = new pay.WechatPayPlatform({ mchId: j.merchant_id, serial, privateKey: j.platform_private_key_pkcs8, apiV3Key: j.api_v3_key, merchantPublicKey: j.platform_public_key })
        const opened = await m.openNotification(pl.notification({ resource: TX }, { timestamp: NOW }), { now: NOW })
        eq(JSON.stringify(opened.resource), JSON.stringify(TX), `java ${serial} resource`)
      }
    },
    async 'WechatPay: refusals coded'() {
      const m = merchant()
      const n = platform(PUB_ID).notification({ resource: TX }, { timestamp: NOW })
      await rejectsCode(m.openNotification({ headers: n.headers, body: n.body.replace('TRANSACTION', 'TRANSACTIoN') }, { now: NOW }), pay, 'SignatureInvalid', 'flipped body')
      await rejectsCode(m.openNotification({ headers: { ...n.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${n.headers['Wechatpay-Signature']}` }, body: n.body }, { now: NOW }), pay, 'SignatureInvalid', 'SIGNTEST')
      await rejectsCode(m.openNotification({ headers: { ...n.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_X' }, body: n.body }, { now: NOW }), pay, 'UnknownSerial', 'serial')
      await rejectsCode(m.openNotification(n, { now: NOW + 301 }), pay, 'TimestampWindow', 'stale')
      await rejectsCode(m.openNotification({ headers: n.headers, body: JSON.parse(n.body) }, { now: NOW }), pay, 'TypeError', 'parsed body')
      await rejectsCode(() => new pay.WechatPay({ mchId: '1', merchantSerialNo: 'S', merchantPrivateKey: w.keys.platform_certificate, apiV3Key: APIV3 }), pay, 'KeyParse', 'certificate as key')
    },
  }
  const results = []
  for (const [name, fn] of Object.entries(checks)) {
    try {
      await fn()
      results.push({ name, error: null })
    } catch (err) {
      results.push({ name, error: err && err.stack ? err.stack : String(err) })
    }
  }
  return results
}
