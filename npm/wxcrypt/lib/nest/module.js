'use strict'
// wxcrypt/nest: WxcryptModule, a dynamic module from Nest's ConfigurableModuleBuilder
// (`forRoot(options)`, `forRootAsync({ imports, useFactory, inject })`), providing WeChatClient,
// the session store (WXCRYPT_SESSIONS), WxcryptService (login, session, phone number, user info,
// a WXBizDataCrypt for a session), the session guard, the push decorator's guard and interceptor,
// and, unless `exceptionFilter: false`, WxcryptExceptionFilter as a global filter.
// Everything comes from the login kit (lib/adapter/kit.js) the Fastify plugin uses too.
const { ConfigurableModuleBuilder, Injectable, Logger, Module } = require('@nestjs/common')
const { APP_FILTER, HttpAdapterHost } = require('@nestjs/core')
const { createKit } = require('../adapter/kit.js')
const { WeChatClient } = require('../client/node.js')
const http = require('./http.js')

const { WXCRYPT_KIT, inject, nestError, WxSessionGuard, WxSession, WxAuth, WxcryptExceptionFilter, WxPushGuard, WxPushInterceptor, WxPushRefused, WxPush, WxMessage } = http

/** The session store (lib/store/session.js): `create`, `get`, `delete`. */
const WXCRYPT_SESSIONS = Symbol.for('wxcrypt:sessions')

function nestLogger() {
  const logger = new Logger('wxcrypt')
  return { info: (entry) => logger.log(entry), warn: (entry) => logger.warn(entry) }
}

/** The routes' steps; a refused request is Nest's HttpException with `{ errcode, errmsg }`. */
class WxcryptService {
  constructor(kit) {
    this.kit = kit
    this.client = kit.client
    this.sessions = kit.sessions
    this.appId = kit.appId
  }

  /** `wx.login`'s code -> `{ token, openid }` (a 64-hex "3rd session"; session_key stays here). */
  async login(code) {
    try {
      return await this.kit.login(code)
    } catch (err) {
      throw nestError(err)
    }
  }

  /** The session behind an `Authorization` header value, or 401 (what WxSessionGuard does). */
  async session(authorization) {
    try {
      return await this.kit.session(authorization)
    } catch (err) {
      throw nestError(err)
    }
  }

  /** A WXBizDataCrypt for this session: its session_key, `expectOpenId` its openid. */
  crypt(session) {
    return this.kit.crypt(session)
  }

  /** Decrypts the session's open data; a failure is logged with diagnose()'s cause, then thrown. */
  decrypt(session, encryptedData, iv, route) {
    return this.kit.decrypt(session, encryptedData, iv, route)
  }

  /** getPhoneNumber's `{ code }` or `{ encryptedData, iv }` -> `{ phoneNumber, purePhoneNumber, countryCode }`. */
  async phoneNumber(session, body, route) {
    try {
      return await this.kit.phoneNumber(session, body, route)
    } catch (err) {
      throw nestError(err)
    }
  }

  /** getUserInfo's `{ rawData, signature, encryptedData, iv }` -> the user (signature checked, no watermark). */
  userInfo(session, body, route) {
    try {
      return this.kit.userInfo(session, body, route)
    } catch (err) {
      throw nestError(err)
    }
  }
}
inject(WxcryptService, WXCRYPT_KIT)
Injectable()(WxcryptService)

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder({ moduleName: 'Wxcrypt' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false, exceptionFilter: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: extras.exceptionFilter === false ? definition.providers : [...definition.providers, { provide: APP_FILTER, useExisting: WxcryptExceptionFilter }],
  }))
  .build()

const XML_TYPES = ['application/xml', 'text/xml']

class WxcryptModule extends ConfigurableModuleClass {
  constructor(kit, adapterHost) {
    super()
    this.kit = kit
    this.adapterHost = adapterHost
  }

  /** On the Fastify platform, XML push bodies need a parser (Nest registers JSON and forms only). */
  onModuleInit() {
    const adapter = this.adapterHost && this.adapterHost.httpAdapter
    if (!this.kit.push || !adapter || adapter.getType() !== 'fastify') return
    const fastify = adapter.getInstance()
    for (const type of XML_TYPES) {
      if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, { parseAs: 'string' }, (req, body, done) => done(null, body))
    }
  }
}
inject(WxcryptModule, WXCRYPT_KIT, HttpAdapterHost)

const providers = [
  { provide: WXCRYPT_KIT, useFactory: (options) => createKit(options, nestLogger()), inject: [MODULE_OPTIONS_TOKEN] },
  { provide: WeChatClient, useFactory: (kit) => kit.client, inject: [WXCRYPT_KIT] },
  { provide: WXCRYPT_SESSIONS, useFactory: (kit) => kit.sessions, inject: [WXCRYPT_KIT] },
  WxcryptService,
  WxSessionGuard,
  WxcryptExceptionFilter,
  WxPushGuard,
  WxPushInterceptor,
]
Module({ providers, exports: providers.map((p) => (typeof p === 'function' ? p : p.provide)) })(WxcryptModule)

module.exports = {
  WxcryptModule,
  WxcryptService,
  WXCRYPT_SESSIONS,
  WXCRYPT_OPTIONS: MODULE_OPTIONS_TOKEN,
  WXCRYPT_KIT,
  WeChatClient,
  WxSessionGuard,
  WxSession,
  WxAuth,
  WxcryptExceptionFilter,
  WxPush,
  WxMessage,
  WxPushGuard,
  WxPushInterceptor,
  WxPushRefused,
}
