import { Controller, Post, Req, Res } from '@nestjs/common'
import { payNotifyNest, type PayNotifyOptions } from 'wxcrypt/pay-client'

/**
 * WeChat Pay callbacks on NestJS. Create the app with `NestFactory.create(AppModule, { rawBody: true })`:
 * Nest's JSON parser then keeps `req.rawBody`, the bytes WeChat signed, which payNotifyNest verifies.
 */
export function payController(options: PayNotifyOptions) {
  const notify = payNotifyNest(options)

  @Controller('pay')
  class PayController {
    @Post('notify')
    notify(@Req() req: unknown, @Res() res: unknown) {
      return notify(req, res)
    }
  }
  return PayController
}
