// The bench's straightforward WebCrypto implementation of server-API security mode (AES-256-GCM +
// RSA-PSS SHA-256 salt 32), keys imported once: the baseline of bench/api-security.mjs (Node's
// WebCrypto) and bench/api-security-workerd.mjs (inside workerd). Portable: no Buffer.
const enc = new TextEncoder()
const dec = new TextDecoder()

const b64 = (u8) => {
  let s = ''
  for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i])
  return btoa(s)
}
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))

/**
 * `v` the official vector (vectors/api-security.json); `der` `{ pkcs8, spki }` base64: the app's
 * private key as PKCS#8 and the platform certificate's key as SPKI (WebCrypto imports neither PEM
 * form the vector has). Resolves to `{ seal(url, params, ts), open(url, { headers, body }) }`.
 */
export async function webCryptoApiSecurity(v, der, subtle = globalThis.crypto.subtle) {
  const keys = {
    sym: await subtle.importKey('raw', unb64(v.symmetric_key), 'AES-GCM', false, ['encrypt', 'decrypt']),
    priv: await subtle.importKey('pkcs8', unb64(der.pkcs8), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']),
    pub: await subtle.importKey('spki', unb64(der.spki), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']),
  }
  async function seal(url, obj, ts) {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
    const n = b64(globalThis.crypto.getRandomValues(new Uint8Array(16)))
    const plain = JSON.stringify({ _n: n, _appid: v.appid, _timestamp: ts, ...obj })
    const out = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(`${url}|${v.appid}|${ts}|${v.symmetric_key_sn}`) }, keys.sym, enc.encode(plain)))
    const body = JSON.stringify({ iv: b64(iv), data: b64(out.subarray(0, out.length - 16)), authtag: b64(out.subarray(out.length - 16)) })
    const sig = await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, keys.priv, enc.encode(`${url}\n${v.appid}\n${ts}\n${body}`))
    return { headers: { 'Wechatmp-Appid': v.appid, 'Wechatmp-TimeStamp': String(ts), 'Wechatmp-Serial': v.private_key_sn, 'Wechatmp-Signature': b64(new Uint8Array(sig)) }, body }
  }
  async function open(url, { headers, body }) {
    const h = new Headers(headers)
    const ts = h.get('wechatmp-timestamp')
    if (h.get('wechatmp-serial') !== v.platform_certificate_sn) throw new Error('serial')
    const ok = await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, keys.pub, unb64(h.get('wechatmp-signature')), enc.encode(`${url}\n${h.get('wechatmp-appid')}\n${ts}\n${body}`))
    if (!ok) throw new Error('signature')
    const env = JSON.parse(body)
    const data = unb64(env.data)
    const tag = unb64(env.authtag)
    const ct = new Uint8Array(data.length + tag.length)
    ct.set(data)
    ct.set(tag, data.length)
    const plain = await subtle.decrypt({ name: 'AES-GCM', iv: unb64(env.iv), additionalData: enc.encode(`${url}|${v.appid}|${ts}|${v.symmetric_key_sn}`) }, keys.sym, ct)
    const obj = JSON.parse(dec.decode(plain))
    if (obj._appid !== v.appid || String(obj._timestamp) !== ts) throw new Error('fields')
    delete obj._n
    delete obj._appid
    delete obj._timestamp
    return obj
  }
  return { seal, open }
}
