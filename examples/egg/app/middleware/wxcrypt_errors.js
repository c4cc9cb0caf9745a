'use strict'
// #region egg-errors-middleware
const { httpAnswer } = require('wxcrypt/client')

// wxcrypt's errors (decryption, WeChat API, session store) get their documented answer; anything
// else goes on to Egg's onerror.
module.exports = () => async (ctx, next) => {
  try {
    await next()
  } catch (err) {
    const out = httpAnswer(err)
    if (!out) throw err
    ctx.logger.warn('[wxcrypt] %s errcode=%s %s', err.name, err.errcode ?? err.code, err.hint || '')
    ctx.status = out.status
    ctx.body = out.body
  }
}
// #endregion egg-errors-middleware
