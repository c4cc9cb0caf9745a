'use strict'
// #region egg-boot
const { WeChatClient } = require('wxcrypt')
const { createMemoryStore, createSessionStore } = require('wxcrypt/client')

// One WeChatClient and one session store per worker. egg-scripts starts one worker per CPU, so
// production needs a store they share: config.wxcrypt.redisUrl (wxcrypt/redis, `npm install redis`).
module.exports = class {
  constructor(app) {
    this.app = app
  }
  didLoad() {
    const { redisUrl, ...wechat } = this.app.config.wxcrypt
    this.store = redisUrl ? require('wxcrypt/redis').createRedisStore({ url: redisUrl }) : createMemoryStore()
    this.app.wechat = new WeChatClient({ ...wechat, store: this.store })
    this.app.sessions = createSessionStore({ store: this.store })
  }
  async beforeClose() {
    await this.store.close?.()
  }
}
// #endregion egg-boot
