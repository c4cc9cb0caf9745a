// The public API over the WebAssembly backend, for the ESM entries (workerd.mjs,
// edge-light.mjs, wasm.mjs). Each entry initialises the glue before any of these functions can
// be called: its own body runs after this module's and before the importer's. The .mjs files it
// imports from lib/ are ESM twins that scripts/build-js.mjs generates from the CommonJS sources.
import * as binding from '../../wasm/wxcrypt_wasm.mjs'
import { createApi } from './api.mjs'
import { webCryptoSigner } from './sign-webcrypto.mjs'
import { clientWithSigner } from '../client/wechat-client.mjs'
import { WeChatApiError } from '../client/errors.mjs'

// ApiSecurity's RSA-PSS signature by WebCrypto where the runtime has it (a pure-wasm RSA
// signature costs a Worker's CPU budget several times over: bench/api-security.mjs); SM2 stays in
// the core (WebCrypto has no SM2).
const api = createApi(binding, 'wasm', { rsaSigner: webCryptoSigner() })

/** WeChatClient with this backend's sessionKeySignature as its default signer. */
const WeChatClient = clientWithSigner(api.sessionKeySignature, () => api.ApiSecurity)

export default api.WXBizDataCrypt
// The same names as index.mjs (js-tests/runtimes checks that both lists match).
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
} = api
export { WeChatClient, WeChatApiError }
