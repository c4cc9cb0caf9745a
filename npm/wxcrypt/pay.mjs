// `import ... from 'wxcrypt/pay'` on Node and Bun: pay.js's exports as named exports.
import pay from './pay.js'

export const { WechatPay, WechatPayPlatform, WXCryptError, ErrorCode, backend } = pay
