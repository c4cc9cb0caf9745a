// wxcrypt/pay-client on the edge (workerd, edge-light, Deno, browsers): the pure parts over twins
// of lib/pay/ (scripts/build-js.mjs makes them). `payClientWith(WechatPay)` gives the client class
// over the WechatPay of wxcrypt/pay's edge entry; `payNotifyHono` serves callbacks on a fetch server.
import { payClientWith } from './lib/pay/client.mjs'
import { WechatPayApiError } from './lib/pay/errors.mjs'
import { createPayNotifyHandler } from './lib/pay/notify-core.mjs'
import { payNotifyHono } from './lib/pay/notify-hono.mjs'

export { payClientWith, WechatPayApiError, createPayNotifyHandler, payNotifyHono }
