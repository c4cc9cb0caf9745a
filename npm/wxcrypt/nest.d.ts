import type {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  ConfigurableModuleAsyncOptions,
  DynamicModule,
  ExceptionFilter,
  ExecutionContext,
  HttpException,
  NestInterceptor,
  OnModuleInit,
} from '@nestjs/common'
import type { Observable } from 'rxjs'
import type { Session, SessionStore, WeChatPushMessage, WxcryptOptions, WxcryptSteps } from './lib/adapter/kit'
import { WeChatClient } from './client'

export type { HttpAnswer, PhoneNumberAnswer, PhoneNumberBody, Session, SessionStore, Store, UserInfoBody, UserProfile, WeChatPushMessage, WeChatPushOptions, WxcryptLogger, WxcryptOptions, WxcryptSteps } from './lib/adapter/kit'
export { WeChatClient }

/** Options of WxcryptModule.forRoot: the module's options, plus where it applies. */
export interface WxcryptModuleExtras {
  /** Make the providers global (feature modules need not import WxcryptModule). Default false. */
  isGlobal?: boolean
  /** Register WxcryptExceptionFilter as a global filter (APP_FILTER). Default true. */
  exceptionFilter?: boolean
}

/**
 * `WxcryptModule.forRoot({ appId, secret, store?, push?, logger? })`, or
 * `WxcryptModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (config) => ({ ... }) })`.
 * Provides (and exports) WeChatClient, WXCRYPT_SESSIONS, WxcryptService, the guards and the filter.
 */
export declare class WxcryptModule implements OnModuleInit {
  static forRoot(options: WxcryptOptions & WxcryptModuleExtras): DynamicModule
  static forRootAsync(options: ConfigurableModuleAsyncOptions<WxcryptOptions, 'create'> & WxcryptModuleExtras): DynamicModule
  onModuleInit(): void
}

/** Injection token of the module's options. */
export declare const WXCRYPT_OPTIONS: string
/** Injection token of the session store: `@Inject(WXCRYPT_SESSIONS) sessions: SessionStore`. */
export declare const WXCRYPT_SESSIONS: unique symbol
/** Injection token of the module's login kit (what WxcryptService wraps). */
export declare const WXCRYPT_KIT: unique symbol

/**
 * The routes' steps (login, session, phone number, user info, a WXBizDataCrypt for a session),
 * shared with wxcrypt/fastify. Refusals are HttpExceptions with `{ errcode, errmsg }`; wxcrypt's
 * own errors are thrown for WxcryptExceptionFilter.
 */
export declare class WxcryptService implements WxcryptSteps {
  readonly appId: string
  readonly client: WeChatClient
  readonly sessions: SessionStore
  login: WxcryptSteps['login']
  session: WxcryptSteps['session']
  crypt: WxcryptSteps['crypt']
  decrypt: WxcryptSteps['decrypt']
  phoneNumber: WxcryptSteps['phoneNumber']
  userInfo: WxcryptSteps['userInfo']
}

/** Puts the session behind `Authorization: Bearer <token>` on the request, else 401 `{ errcode: 40101 }`. */
export declare class WxSessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): Promise<boolean>
}

/** `@WxAuth()` on a controller or a handler: `@UseGuards(WxSessionGuard)`. */
export declare function WxAuth(): ClassDecorator & MethodDecorator

/** `@WxSession() session: Session` (or `@WxSession('openid') openid: string`) behind WxSessionGuard. */
export declare function WxSession(key?: keyof Session): ParameterDecorator

/**
 * Catches WXCryptError, WeChatApiError and StoreError and answers with wxcrypt/client's
 * httpAnswer (400 with the errcode, 400/403/429/502/503, 503), logging WeChat's hint and the
 * store's code; push refusals as plain text.
 */
export declare class WxcryptExceptionFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): unknown
}

/**
 * `@WxPush('wechat/push')` on a controller method: GET (URL verification, answered) and POST on
 * that path, signatures checked and the body decrypted (safe mode, WeCom) by the same push
 * handler as wxcrypt/koa. The method's return value is the reply (encrypted in safe mode);
 * `undefined` answers `success`.
 */
export declare function WxPush(path?: string | string[]): MethodDecorator & ClassDecorator

/** `@WxMessage() push: WeChatPushMessage` (or `@WxMessage('message') message`) in a `@WxPush()` method. */
export declare function WxMessage(key?: keyof WeChatPushMessage): ParameterDecorator

/** WxPush's guard: checks the request, puts the message on it, or throws WxPushRefused. */
export declare class WxPushGuard implements CanActivate {
  canActivate(context: ExecutionContext): Promise<boolean>
}

/** WxPush's interceptor: the return value as the (encrypted) reply. */
export declare class WxPushInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<string>
}

/** A push request that failed its checks: 401 (signatures), 400 (body), 413, 500 (no key configured). */
export declare class WxPushRefused extends HttpException {
  /** The WXCryptError behind the refusal, for your logs. */
  readonly wechatError?: Error
}
