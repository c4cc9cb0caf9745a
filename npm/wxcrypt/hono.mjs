// `import ... from 'wxcrypt/hono'` on Node and Bun: hono.js's exports as named exports.
import hono from './hono.js'

export const { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer } = hono
