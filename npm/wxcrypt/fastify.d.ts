import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { HttpAnswer, Session, SessionStore, WeChatPushMessage, WxcryptOptions, WxcryptSteps } from './lib/adapter/kit'
import type { WeChatClient } from './client'

declare module 'fastify' {
  interface FastifyInstance {
    /** The plugin's WeChatClient. */
    wechat: WeChatClient
    /** The plugin's session store. */
    wxSessions: SessionStore
    /** The routes' steps (the same as wxcrypt/nest's WxcryptService), `authenticate` and `answer`. */
    wxcrypt: wxcrypt.WxcryptFastify
    /**
     * A GET/POST push route on `url`: its own content-type parser keeps the body as WeChat sent
     * it (JSON or XML), the push handler of wxcrypt/koa checks and decrypts it into
     * `request.wechat`; the handler's return value is the reply (encrypted in safe mode),
     * `undefined` answers `success`. Refusals answer 401/400 as text.
     */
    wxPush(url: string, handler: (this: FastifyInstance, request: FastifyRequest & { wechat: WeChatPushMessage }, reply: FastifyReply) => unknown): FastifyInstance
  }
  interface FastifyRequest {
    /** The logged-in session, set by `fastify.wxcrypt.authenticate`. */
    wxSession: Session | null
    /** The verified push message in a `wxPush` route. */
    wechat: WeChatPushMessage | null
  }
}

/**
 * `await app.register(wxcrypt, { appId, secret, push?, store?, logger? })`. Wrapped with
 * fastify-plugin (name `wxcrypt`, fastify `5.x`), so the decorators reach the app. Unless
 * `errorHandler: false`, wxcrypt's errors answer through httpAnswer (`{ errcode, errmsg }`);
 * any other error goes on to the error handler there was before.
 */
declare function wxcrypt(instance: FastifyInstance, options: wxcrypt.WxcryptFastifyOptions): Promise<void>

declare namespace wxcrypt {
  export interface WxcryptFastifyOptions extends WxcryptOptions {
    /** Answer wxcrypt's errors with httpAnswer (default true); false leaves the error handler to you (see `answer`). */
    errorHandler?: boolean
  }

  export interface WxcryptFastify extends WxcryptSteps {
    /** preHandler: `request.wxSession` from `Authorization: Bearer <token>`, else 401 `{ errcode: 40101 }`. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>
    /** The answer for wxcrypt's errors and the steps' refusals (cause logged), null for any other. */
    answer(err: unknown, route?: string): HttpAnswer | null
  }

  export type WxcryptPlugin = FastifyPluginAsync<WxcryptFastifyOptions>
  export type { Session, SessionStore, WeChatPushMessage, WxcryptOptions }
  export { wxcrypt, wxcrypt as default }
}

export = wxcrypt
