// The types of `import ... from 'wxcrypt'` (index.mjs, an ES module): the same API as index.d.ts,
// with the class as the default export and everything else as named exports.
import WXBizDataCrypt from './index.js'

export default WXBizDataCrypt
export * from './index.js'
