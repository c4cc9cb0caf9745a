// bench/api-security-workerd.mjs's worker: `GET /?impl=wxcrypt|webcrypto&n=N` runs N times
// sealRequest + openResponse on WeChat's official vector (the wasm backend, RSA by WebCrypto, as
// on Cloudflare) or the straightforward WebCrypto implementation, and answers when done; the host
// times the requests (inside a worker the clock only moves on I/O). Every output is checked once
// before the first timed request.
import * as wx from 'wxcrypt'
import input from './input.json'
import { webCryptoApiSecurity } from '../support/webcrypto-api-security.mjs'

const v = input.vector
const params = JSON.parse(v.request.params)
const response = { headers: v.response.headers, body: v.response.body }
const now = Number(v.response.headers['Wechatmp-TimeStamp'])
let ready

async function setup() {
  const sec = new wx.ApiSecurity(input.config)
  const web = await webCryptoApiSecurity(v, input.der)
  const sealed = await sec.sealRequest(v.url, params, { timestamp: v.request.timestamp, nonce: v.request.nonce, iv: v.request.iv })
  if (sealed.body !== v.request.body) throw new Error('wxcrypt: the sealed body differs from the vector')
  const same = (a) => JSON.stringify(a) === JSON.stringify(v.response.answer)
  if (!same(await sec.openResponse(v.url, response, { now }))) throw new Error('wxcrypt: the opened answer differs')
  if (!same(await web.open(v.url, response))) throw new Error('webcrypto: the opened answer differs')
  return {
    wxcrypt: async () => {
      await sec.sealRequest(v.url, params, { timestamp: now })
      await sec.openResponse(v.url, response, { now })
    },
    webcrypto: async () => {
      await web.seal(v.url, params, now)
      await web.open(v.url, response)
    },
    about: { backend: wx.backend, signer: sec.signer },
  }
}

export default {
  async fetch(request) {
    try {
      ready ??= setup()
      const impls = await ready
      const url = new URL(request.url)
      const impl = impls[url.searchParams.get('impl')]
      const n = Number(url.searchParams.get('n'))
      if (typeof impl !== 'function' || !(n >= 1)) return Response.json(impls.about)
      for (let i = 0; i < n; i++) await impl()
      return new Response('done')
    } catch (err) {
      return new Response(String(err?.stack ?? err), { status: 500 })
    }
  },
}
