// wxcrypt/hono under the `workerd` condition: lib/hono/hono.js over ./workerd.mjs.
import * as wx from './workerd.mjs'
import { createMiddleware } from 'hono/factory'
import { createHonoAdapter } from './lib/hono/hono.mjs'

export const { wechat, createKvStore, createMemoryStore, createSessionStore, httpAnswer } = createHonoAdapter(wx, wx.WeChatClient, createMiddleware)
