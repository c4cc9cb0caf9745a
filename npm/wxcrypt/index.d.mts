// The types of `import ... from 'wxcrypt'` (index.mjs, an ES module): the API of index.d.ts, with
// the class as the default export and the namespace's members as named exports. An ES module's
// types cannot `export *` from an `export =` module, so the members are listed; package.test.js
// compiles an ESM consumer against them.
import WXBizDataCrypt from './index.js'

export default WXBizDataCrypt
export import ApiSecurity = WXBizDataCrypt.ApiSecurity
export import ApiSecurityAlgorithm = WXBizDataCrypt.ApiSecurityAlgorithm
export import ApiSecurityConfig = WXBizDataCrypt.ApiSecurityConfig
export import ApiSecurityMessage = WXBizDataCrypt.ApiSecurityMessage
export import ApiSecurityPlatform = WXBizDataCrypt.ApiSecurityPlatform
export import ApiSecurityPlatformConfig = WXBizDataCrypt.ApiSecurityPlatformConfig
export import ApiSecuritySealOptions = WXBizDataCrypt.ApiSecuritySealOptions
export import ApiSecuritySealed = WXBizDataCrypt.ApiSecuritySealed
export import Code2SessionResult = WXBizDataCrypt.Code2SessionResult
export import DecryptOptions = WXBizDataCrypt.DecryptOptions
export import Diagnosis = WXBizDataCrypt.Diagnosis
export import ErrorCode = WXBizDataCrypt.ErrorCode
export import ErrorCodeName = WXBizDataCrypt.ErrorCodeName
export import OpenData = WXBizDataCrypt.OpenData
export import PhoneInfo = WXBizDataCrypt.PhoneInfo
export import PhoneNumber = WXBizDataCrypt.PhoneNumber
export import ShareInfo = WXBizDataCrypt.ShareInfo
export import UserInfo = WXBizDataCrypt.UserInfo
export import WXBizMsgCrypt = WXBizDataCrypt.WXBizMsgCrypt
export import WXCryptError = WXBizDataCrypt.WXCryptError
export import Watermark = WXBizDataCrypt.Watermark
export import WeChatApiError = WXBizDataCrypt.WeChatApiError
export import WeChatClient = WXBizDataCrypt.WeChatClient
export import WeChatClientOptions = WXBizDataCrypt.WeChatClientOptions
export import WeRunData = WXBizDataCrypt.WeRunData
export import backend = WXBizDataCrypt.backend
export import msgSignature = WXBizDataCrypt.msgSignature
export import rawDataSignature = WXBizDataCrypt.rawDataSignature
export import sessionKeySignature = WXBizDataCrypt.sessionKeySignature
export import urlSignature = WXBizDataCrypt.urlSignature
export import verifyMsgSignature = WXBizDataCrypt.verifyMsgSignature
export import verifyRawDataSignature = WXBizDataCrypt.verifyRawDataSignature
export import verifyUrlSignature = WXBizDataCrypt.verifyUrlSignature
export { WXBizDataCrypt }
