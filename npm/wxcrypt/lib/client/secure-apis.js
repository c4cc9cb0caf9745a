'use strict'
// The one list of the WeChat APIs that support the server-API security mode (服务端 API 签名加密):
// WeChatClient seals its calls to these (and only these) when `apiSecurity` is configured, and the
// simulator in secure mode demands sealed requests to them. WeChat's guide
// (https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature) says
// "只有部分 API 支持加解密，具体可参考各 API 文档": each API's own page says
// "支持加密请求：本接口支持服务通信二次加密和签名" when it does. Each entry cites that page.
//
// Not listed, because their pages carry no such line (checked for this list): checkSessionKey
// (/wxa/checksession, .../user-login/api_checksessionkey), ResetUserSessionKey
// (/wxa/resetusersessionkey, .../user-login/api_resetusersessionkey); code2Session and
// getStableAccessToken authenticate with the appsecret and are not sealed either.
//
// `params`: where the plain call puts its parameters. In secure mode every parameter but the
// access_token goes into the encrypted body (the guide: "原请求字段，包含URL参数、POST参数，不包含
// AccessToken"), and the call is a POST.
const DOCS = 'https://developers.weixin.qq.com/miniprogram/dev/server/API'

const SECURE_APIS = Object.freeze({
  // getPhoneNumber: "支持加密请求" under 1. 调用方式.
  '/wxa/business/getuserphonenumber': Object.freeze({ params: 'body', doc: `${DOCS}/user-info/phone-number/api_getphonenumber` }),
  // getUserEncryptKey: "支持加密请求" under 1. 调用方式.
  '/wxa/business/getuserencryptkey': Object.freeze({ params: 'query', doc: `${DOCS}/user-info/internet/api_getuserencryptkey` }),
  // checkEncryptedData: "支持加密请求" under 1. 调用方式.
  '/wxa/business/checkencryptedmsg': Object.freeze({ params: 'body', doc: `${DOCS}/user-info/basic-info/api_checkencrypteddata` }),
})

/** Whether calls to `path` (e.g. '/wxa/business/getuserphonenumber') are sealed in secure mode. */
function supportsApiSecurity(path) {
  return Object.prototype.hasOwnProperty.call(SECURE_APIS, path)
}

module.exports = { SECURE_APIS, supportsApiSecurity }
