// The public API over the WebAssembly backend, for the ESM entries (workerd.mjs,
// edge-light.mjs, wasm.mjs). Each entry initialises the glue before any of these functions can
// be called: its own body runs after this module's and before the importer's.
import * as binding from '../wasm/wxcrypt_wasm.mjs'
import { createApi } from './api.mjs'
import { WeChatClient as BaseWeChatClient, WeChatApiError } from './client.mjs'

const api = createApi(binding, 'wasm')

/**
 * WeChatClient with this backend's sessionKeySignature as its default signer (the CommonJS
 * client loads ../index.js for it, which edge runtimes cannot do).
 */
class WeChatClient extends BaseWeChatClient {
  constructor(options) {
    const withSigner =
      options !== null && typeof options === 'object' && options.sessionKeySignature === undefined
        ? { ...options, sessionKeySignature: api.sessionKeySignature }
        : options
    super(withSigner)
  }
}

export default api.WXBizDataCrypt
// The same names as index.mjs (js-tests/runtimes checks that both lists match).
export const {
  WXBizDataCrypt,
  WXBizMsgCrypt,
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
