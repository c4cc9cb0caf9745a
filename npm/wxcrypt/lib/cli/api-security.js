'use strict'
// `wxcrypt api-security`: what a developer needs while integrating the server-API security mode.
//   keygen         writes a local key set for the simulator (never for WeChat)
//   open-request   checks a captured request as WeChat would, with your own key set: the exact
//                  40230-40240 code WeChat would answer (debugging 40234/40235)
//   open-response  verifies and decrypts a captured answer with your key set
// Key sets come from a file (--keys FILE) or the environment (WXCRYPT_API_SECURITY_KEYS, the
// JSON document itself), never from flags; nothing secret is printed.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const HELP = `Usage: wxcrypt api-security keygen --app-id ID --out DIR
       wxcrypt api-security open-request  --url URL --headers FILE --body FILE [--keys FILE] [--now T]
       wxcrypt api-security open-response --url URL --headers FILE --body FILE [--keys FILE] [--now T]

keygen writes DIR/app.json (the app's side: WeChatClient's apiSecurity option) and DIR/platform.json
(the simulator's side: createSimulator({ apiSecurity })), mode 0600, for local tests only.

open-request checks a request you captured (the URL you POSTed to, its headers, its exact body) the
way WeChat does, with your app key set (--keys app.json, or the JSON in WXCRYPT_API_SECURITY_KEYS):
it prints the parameters, or the 40230-40240 code WeChat would answer and why (40234: the signed
string or the key; 40235: the symmetric key, its 编号 or the AAD).
open-response verifies and decrypts an answer WeChat sent (headers incl. Wechatmp-Serial and
Wechatmp-Signature, the exact body) and prints the answer object.

--headers FILE: a JSON object, or "Name: value" lines as copied from a log. --now: Unix seconds
(for a capture older than the 300 s window). Exit codes: 0 ok, 1 refused, 2 usage error.`

function readText(file, what, UsageError) {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    throw new UsageError(`cannot read ${what} file ${file}`)
  }
}

function parseHeaders(text) {
  const t = text.trim()
  if (t.startsWith('{')) return JSON.parse(t)
  const out = {}
  for (const line of t.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim()
  }
  return out
}

function keySet(input, UsageError) {
  let text
  if (input.keys !== undefined) text = readText(input.keys, '--keys', UsageError)
  else if (process.env.WXCRYPT_API_SECURITY_KEYS) text = process.env.WXCRYPT_API_SECURITY_KEYS
  else throw new UsageError('missing key set: --keys FILE (e.g. app.json from keygen) or WXCRYPT_API_SECURITY_KEYS')
  let keys
  try {
    keys = JSON.parse(text)
  } catch {
    throw new UsageError('the key set is not a JSON document')
  }
  if (!keys || typeof keys !== 'object' || !keys.privateKey || !keys.symmetricKey) {
    throw new UsageError('the key set needs the app side: appId, algorithm, symmetricKey, symmetricKeySn, privateKey, privateKeySn, platformCertificates')
  }
  return keys
}

/** WeChat's view of your requests: your public key (from your private key) and symmetric key. */
function platformFor(keys, wxcrypt) {
  const pub = crypto.createPublicKey(keys.privateKey).export({ type: 'spki', format: 'pem' })
  // The platform's own key only signs answers, which open-request never makes.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return new wxcrypt.ApiSecurityPlatform({
    appId: keys.appId,
    algorithm: keys.algorithm,
    symmetricKey: keys.symmetricKey,
    symmetricKeySn: keys.symmetricKeySn,
    appPublicKey: pub,
    appKeySn: keys.privateKeySn,
    platformPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    platformSn: 'cli',
    maxSkewSeconds: keys.maxSkewSeconds,
  })
}

function writeNew(file, doc) {
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
}

async function apiSecurity(kind, input, { out, err, wxcrypt, UsageError, need, EXIT }) {
  switch (kind) {
    case 'keygen': {
      const { generateApiSecurityKeys } = require('../simulator/api-security.js')
      const appId = need(input, 'appId', '--app-id')
      const dir = need(input, 'out', '--out')
      const set = generateApiSecurityKeys({ appId })
      fs.mkdirSync(dir, { recursive: true })
      const files = [path.join(dir, 'app.json'), path.join(dir, 'platform.json')]
      for (const f of files) if (fs.existsSync(f)) throw new UsageError(`${f} exists: not overwritten`)
      writeNew(files[0], set.app)
      writeNew(files[1], set.platform)
      out.write(
        `wrote ${files[0]} (WeChatClient apiSecurity) and ${files[1]} (createSimulator apiSecurity), mode 0600\n` +
          `symmetric key 编号 ${set.app.symmetricKeySn}, app key 编号 ${set.app.privateKeySn}, platform certificate 编号 ${set.app.platformCertificates[0].sn}\n` +
          'local keys for the simulator only: never configure them in the MP admin\n',
      )
      return EXIT.ok
    }
    case 'open-request':
    case 'open-response': {
      const keys = keySet(input, UsageError)
      const url = need(input, 'url', '--url')
      let headers
      try {
        headers = parseHeaders(readText(need(input, 'headers', '--headers'), '--headers', UsageError))
      } catch (e) {
        if (e instanceof UsageError) throw e
        throw new UsageError('--headers: neither a JSON object nor "Name: value" lines')
      }
      const body = readText(need(input, 'body', '--body'), '--body', UsageError)
      const opts = input.now === undefined ? {} : { now: Number(need(input, 'now', '--now')) }
      if (opts.now !== undefined && !Number.isFinite(opts.now)) throw new UsageError('--now must be Unix seconds')
      try {
        const result =
          kind === 'open-request'
            ? await platformFor(keys, wxcrypt).openRequest(url, { headers, body }, opts)
            : await new wxcrypt.ApiSecurity(keys).openResponse(url, { headers, body }, opts)
        out.write(JSON.stringify(result, null, 2) + '\n')
        return EXIT.ok
      } catch (e) {
        if (!e || typeof e.errcode !== 'number') throw e
        err.write(`wxcrypt: refused: errcode ${e.errcode} ${e.code || ''}\n`)
        return EXIT.failed
      }
    }
    default:
      throw new UsageError("api-security needs one of: keygen, open-request, open-response (try 'wxcrypt api-security --help')")
  }
}

module.exports = { apiSecurity, HELP }
