import wxcrypt from './index.js'

export default wxcrypt.WXBizDataCrypt
export const {
  WXBizDataCrypt,
  WXBizMsgCrypt,
  ApiSecurity,
  ApiSecurityPlatform,
  WXCryptError,
  ErrorCode,
  backend,
  rawDataSignature,
  verifyRawDataSignature,
  urlSignature,
  verifyUrlSignature,
  msgSignature,
  verifyMsgSignature,
  sessionKeySignature,
  WeChatClient,
  WeChatApiError,
} = wxcrypt
