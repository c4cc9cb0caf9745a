// The checks every runtime runs against the installed package (imported as 'wxcrypt', so the
// runtime's own export condition picks the entry). Plain code, no test framework and no Node
// built-ins: the same file runs in Node, Deno, Bun, workerd and Vercel's edge-runtime.
// `run(wxcrypt, vectors)` returns [{ name, error }] with error === null for a pass.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

function throwsCode(fn, wx, errcode, code, what) {
  let caught = null
  try {
    fn()
  } catch (err) {
    caught = err
  }
  if (caught === null) throw new Error(`${what}: did not throw`)
  if (!(caught instanceof wx.WXCryptError)) throw new Error(`${what}: not a WXCryptError: ${caught && caught.name}: ${caught && caught.message}`)
  if (!(caught instanceof Error)) throw new Error(`${what}: not an Error`)
  eq(caught.errcode, errcode, `${what} errcode`)
  eq(caught.code, code, `${what} code`)
  eq(caught.message, 'Illegal Buffer', `${what} message`)
  eq(caught.name, 'WXCryptError', `${what} name`)
  eq(JSON.stringify(Object.keys(caught)), '["errcode","code"]', `${what} enumerable keys`)
}

export function run(wx, vectors, expectedBackend) {
  const band = vectors.data_crypt.find((v) => v.id === 'official_band_userinfo')
  const url = vectors.url_signature[0]
  const raw = vectors.rawdata_signature[0]
  const msg = vectors.msg_crypt.find((v) => v.id === 'mp_doc_json_safe_mode_inbound')
  const checks = {
    backend() {
      eq(wx.backend, expectedBackend, 'backend')
      eq(wx.default === undefined ? wx.WXBizDataCrypt : wx.default, wx.WXBizDataCrypt, 'default export')
    },
    'decrypt the official Band vector'() {
      const data = new wx.WXBizDataCrypt(band.appId, band.sessionKey).decryptData(band.encryptedData, band.iv)
      eq(data.openId, 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', 'openId')
      eq(data.nickName, 'Band', 'nickName')
      eq(data.gender, 1, 'gender')
      eq(data.language, 'zh_CN', 'language')
      eq(data.city, 'Guangzhou', 'city')
      eq(data.province, 'Guangdong', 'province')
      eq(data.country, 'CN', 'country')
      eq(data.unionId, 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA', 'unionId')
      eq(data.watermark.appid, 'wx4f4bc4dec97d474b', 'watermark.appid')
      eq(data.watermark.timestamp, 1477314187, 'watermark.timestamp')
      // Same keys, same order, same values as JSON.parse of the official plaintext.
      eq(JSON.stringify(data), band.plaintext, 'whole object')
      eq(new wx.WXBizDataCrypt(band.appId, band.sessionKey).decryptRaw(band.encryptedData, band.iv), band.plaintext, 'decryptRaw')
    },
    'url signature vector'() {
      eq(wx.urlSignature(url.token, url.timestamp, url.nonce), url.signature, 'urlSignature')
      eq(wx.verifyUrlSignature(url.token, url.timestamp, url.nonce, url.signature), true, 'verifyUrlSignature')
      eq(wx.verifyUrlSignature(url.token, url.timestamp, url.nonce, url.signature.toUpperCase()), true, 'verifyUrlSignature uppercase')
      const wrong = url.signature.slice(0, -1) + (url.signature.endsWith('0') ? '1' : '0')
      eq(wx.verifyUrlSignature(url.token, url.timestamp, url.nonce, wrong), false, 'verifyUrlSignature wrong')
    },
    'rawData signature vector'() {
      eq(wx.rawDataSignature(raw.rawData, raw.sessionKey), raw.signature, 'rawDataSignature')
      eq(new wx.WXBizDataCrypt('wx', raw.sessionKey).verifySignature(raw.rawData, raw.signature), true, 'verifySignature')
      eq(new wx.WXBizDataCrypt('wx', raw.sessionKey).verifySignature(raw.rawData + ' ', raw.signature), false, 'verifySignature tampered')
    },
    'bad inputs give the official errcode'() {
      const c = new wx.WXBizDataCrypt(band.appId, band.sessionKey)
      // Truncated ciphertext: not a multiple of 16 bytes.
      throwsCode(() => c.decryptData(band.encryptedData.slice(0, -4), band.iv), wx, -41003, 'IllegalBuffer', 'truncated')
      throwsCode(() => new wx.WXBizDataCrypt('wx0000000000000000', band.sessionKey).decryptData(band.encryptedData, band.iv), wx, -41003, 'IllegalBuffer', 'wrong appid')
      throwsCode(() => new wx.WXBizDataCrypt(band.appId, 'c2hvcnQ=').decryptData(band.encryptedData, band.iv), wx, -41001, 'IllegalAesKey', 'short key')
      throwsCode(() => c.decryptData(band.encryptedData, 'c2hvcnQ='), wx, -41002, 'IllegalIv', 'short iv')
      throwsCode(() => c.decryptData('!!!!' + band.encryptedData, band.iv), wx, -41004, 'DecodeBase64Error', 'bad base64')
      let typeError = null
      try {
        c.decryptData(42, band.iv)
      } catch (err) {
        typeError = err
      }
      eq(typeError instanceof TypeError, true, 'non-string encryptedData is a TypeError')
      eq(typeError.code, 'ERR_INVALID_ARG_TYPE', 'TypeError code')
    },
    'message push: official vector, and a round trip with a random prefix'() {
      const mc = new wx.WXBizMsgCrypt(msg.token, msg.encodingAESKey, msg.appid)
      const body = JSON.stringify({ ToUserName: 'gh_97417a04a28d', Encrypt: msg.encrypt })
      eq(mc.decryptMsg(msg.msg_signature, msg.timestamp, msg.nonce, body), msg.msg, 'decryptMsg')
      const reply = mc.encryptMsg('success reply', '1714112445', '415670741', 'json')
      const parsed = JSON.parse(reply)
      eq(mc.decryptMsg(parsed.MsgSignature, parsed.TimeStamp, parsed.Nonce, reply), 'success reply', 'round trip')
      const again = JSON.parse(mc.encryptMsg('success reply', '1714112445', '415670741', 'json'))
      eq(again.Encrypt === parsed.Encrypt, false, 'two encryptions differ (random prefix from the CSPRNG)')
    },
  }
  const results = []
  for (const [name, fn] of Object.entries(checks)) {
    try {
      fn()
      results.push({ name, error: null })
    } catch (err) {
      results.push({ name, error: String((err && err.stack) || err) })
    }
  }
  return results
}
