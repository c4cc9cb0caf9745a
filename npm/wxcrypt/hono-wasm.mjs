// wxcrypt/hono under the `deno`, `browser` and `default` condition: lib/hono/hono.js over ./wasm.mjs.
import * as wx from './wasm.mjs'
import { createMiddleware } from 'hono/factory'
import { createHonoAdapter } from './lib/hono/hono.mjs'

export const { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer } = createHonoAdapter(wx, wx.WeChatClient, createMiddleware)
