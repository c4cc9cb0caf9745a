'use strict'
// `npm start`: decrypts WeChat's official "Band" vector and checks a signature through the
// built package, exactly as a Koa or NestJS backend would call it.
const WXBizDataCrypt = require('../npm/wxcrypt')
const vectors = require('../vectors/wechat-vectors.json')

const { appId, sessionKey, encryptedData, iv } = vectors.data_crypt[0]
const pc = new WXBizDataCrypt(appId, sessionKey)
console.log(`wxcrypt (${WXBizDataCrypt.backend} backend): decryptData of the official Band vector`)
console.log(pc.decryptData(encryptedData, iv))

const sig = vectors.rawdata_signature[0]
const ok = WXBizDataCrypt.verifyRawDataSignature(sig.rawData, sig.sessionKey, sig.signature)
console.log(`rawData signature ${sig.signature}: ${ok ? 'valid' : 'INVALID'}`)

try {
  pc.decryptData(encryptedData.slice(0, -4), iv)
} catch (err) {
  console.log('a truncated encryptedData throws:', { message: err.message, errcode: err.errcode, code: err.code })
}
if (!ok) process.exitCode = 1
