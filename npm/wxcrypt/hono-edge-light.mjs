// wxcrypt/hono under the `edge-light` condition: lib/hono/hono.js over ./edge-light.mjs.
import * as wx from './edge-light.mjs'
import { createMiddleware } from 'hono/factory'
import { createHonoAdapter } from './lib/hono/hono.mjs'

export const { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer } = createHonoAdapter(wx, wx.WeChatClient, createMiddleware)
