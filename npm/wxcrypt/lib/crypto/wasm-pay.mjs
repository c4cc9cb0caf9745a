// wxcrypt/pay over the WebAssembly backend, for the edge entries (pay-workerd.mjs,
// pay-edge-light.mjs, pay-wasm.mjs): each imports its root entry first, which initialises the
// glue. The merchant's SHA256withRSA signature and the platform signature's verification run in
// WebCrypto where the runtime has it (RSA in wasm costs a Worker's CPU budget several times over:
// bench/api-security.mjs, bench/pay.mjs).
import * as binding from '../../wasm/wxcrypt_wasm.mjs'
import { createPay } from './pay.mjs'
import { webCryptoSigner, webCryptoVerifier } from './sign-webcrypto.mjs'
import { WXCryptError, ErrorCode } from './api.mjs'

export const { WechatPay, WechatPayPlatform } = createPay(binding, webCryptoSigner('pkcs1'), webCryptoVerifier('pkcs1'))
export const backend = 'wasm'
export { WXCryptError, ErrorCode }
