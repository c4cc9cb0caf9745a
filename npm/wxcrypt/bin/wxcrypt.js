#!/usr/bin/env node
'use strict'
// wxcrypt command line: decrypt, diagnose, sign, verify, api-security. Secrets (session key, token,
// key sets) come from environment variables, files or a JSON document on stdin, never from flags,
// and are never printed.
const wxcrypt = require('../index.js')
const apiSec = require('../lib/cli/api-security.js')

const EXIT = { ok: 0, failed: 1, usage: 2 }

const HELP = {
  main: `wxcrypt: WeChat Mini Program crypto from the command line

Usage:
  wxcrypt decrypt  --app-id ID --encrypted-data B64 --iv B64 [--raw] [--max-age SEC] [--expect-openid ID]
  wxcrypt diagnose --app-id ID --encrypted-data B64 --iv B64 [--max-age SEC] [--expect-openid ID]
  wxcrypt sign     raw-data --raw-data TEXT | url --timestamp T --nonce N | msg --timestamp T --nonce N --encrypt B64 | session-key
  wxcrypt verify   raw-data --raw-data TEXT --signature HEX | url --timestamp T --nonce N --signature HEX
                   | msg --timestamp T --nonce N --encrypt B64 --signature HEX
  wxcrypt api-security keygen --app-id ID --out DIR | open-request | open-response  (server-API security mode)

Secrets are read from the environment, never from flags:
  WXCRYPT_SESSION_KEY   the user's session_key (decrypt, diagnose, raw-data, session-key)
  WXCRYPT_TOKEN         the message-push Token (url, msg)
  WXCRYPT_API_SECURITY_KEYS  the app's key set as JSON (api-security; or --keys FILE)

--stdin reads the inputs as one JSON document instead (keys: appId, sessionKey, encryptedData, iv,
rawData, signature, token, timestamp, nonce, encrypt, maxAgeSeconds, expectOpenId).

Exit codes: 0 success (valid signature, data decrypted, diagnosis "ok"), 1 failure, 2 usage error.
Run 'wxcrypt <command> --help' for one command.`,
  decrypt: `Usage: wxcrypt decrypt --app-id ID --encrypted-data B64 --iv B64 [--raw] [--max-age SEC] [--expect-openid ID] [--stdin]
Decrypts open data with the session key in WXCRYPT_SESSION_KEY and prints the JSON payload
(--raw: the plaintext text, no JSON or watermark check). On failure prints the errcode and exits 1;
run 'wxcrypt diagnose' with the same inputs to learn why.`,
  diagnose: `Usage: wxcrypt diagnose --app-id ID --encrypted-data B64 --iv B64 [--max-age SEC] [--expect-openid ID] [--stdin]
Prints { cause, hint, errcode, ... } as JSON: why the data does (or does not) decrypt with the session
key in WXCRYPT_SESSION_KEY. Exits 0 when the cause is "ok", 1 otherwise. For your logs, never for clients.`,
  sign: `Usage: wxcrypt sign raw-data --raw-data TEXT        sha1(rawData + WXCRYPT_SESSION_KEY)
       wxcrypt sign url --timestamp T --nonce N          sha1(sort(WXCRYPT_TOKEN, T, N))
       wxcrypt sign msg --timestamp T --nonce N --encrypt B64
       wxcrypt sign session-key                          hmac_sha256(WXCRYPT_SESSION_KEY, "")
Prints the lowercase hex signature.`,
  verify: `Usage: wxcrypt verify raw-data --raw-data TEXT --signature HEX
       wxcrypt verify url --timestamp T --nonce N --signature HEX
       wxcrypt verify msg --timestamp T --nonce N --encrypt B64 --signature HEX
Prints "valid" (exit 0) or "invalid" (exit 1). Constant-time; upper-case hex accepted.`,
  'api-security': apiSec.HELP,
}

class UsageError extends Error {}

const FLAGS = {
  '--app-id': 'appId',
  '--encrypted-data': 'encryptedData',
  '--iv': 'iv',
  '--raw-data': 'rawData',
  '--signature': 'signature',
  '--timestamp': 'timestamp',
  '--nonce': 'nonce',
  '--encrypt': 'encrypt',
  '--max-age': 'maxAgeSeconds',
  '--expect-openid': 'expectOpenId',
  '--out': 'out',
  '--keys': 'keys',
  '--url': 'url',
  '--headers': 'headers',
  '--body': 'body',
  '--now': 'now',
}
const SECRET_FLAGS = new Set(['--session-key', '--token', '--secret', '--encoding-aes-key', '--private-key', '--symmetric-key'])

function parse(argv) {
  const out = { positional: [], values: {}, raw: false, stdin: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') out.help = true
    else if (a === '--raw') out.raw = true
    else if (a === '--stdin') out.stdin = true
    else if (SECRET_FLAGS.has(a.split('=')[0])) {
      throw new UsageError(`${a.split('=')[0]} is not accepted: pass secrets in the environment (WXCRYPT_SESSION_KEY, WXCRYPT_TOKEN, WXCRYPT_API_SECURITY_KEYS) or a file (flags show in process lists and shell history)`)
    } else if (a.startsWith('--')) {
      const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
      const key = FLAGS[flag]
      if (!key) throw new UsageError(`unknown option ${flag}`)
      const value = inline !== undefined ? inline : argv[++i]
      if (value === undefined) throw new UsageError(`${flag} needs a value`)
      out.values[key] = value
    } else out.positional.push(a)
  }
  return out
}

function readStdin() {
  const fs = require('node:fs')
  let text
  try {
    text = fs.readFileSync(0, 'utf8')
  } catch {
    throw new UsageError('--stdin: cannot read standard input')
  }
  let doc
  try {
    doc = JSON.parse(text)
  } catch {
    throw new UsageError('--stdin: standard input is not a JSON document')
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError('--stdin: expected a JSON object')
  return doc
}

function need(input, key, what) {
  const v = input[key]
  if (v === undefined || v === null || v === '') throw new UsageError(`missing ${what}`)
  if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${what} must be a string`)
  return typeof v === 'number' ? String(v) : v
}

function secret(input, key, env) {
  const v = input[key] !== undefined ? input[key] : process.env[env]
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing ${key}: set ${env} (or give "${key}" in the --stdin document)`)
  return v
}

function options(input) {
  const opts = {}
  if (input.maxAgeSeconds !== undefined) {
    const n = Number(input.maxAgeSeconds)
    if (!Number.isFinite(n) || n < 0) throw new UsageError('--max-age must be a number of seconds')
    opts.maxAgeSeconds = n
  }
  if (input.expectOpenId !== undefined) opts.expectOpenId = String(input.expectOpenId)
  return opts
}

function main(argv, out, err) {
  let args
  try {
    args = parse(argv)
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`wxcrypt: ${e.message}\n`)
      return EXIT.usage
    }
    throw e
  }
  const [command, kind] = args.positional
  if (!command) {
    out.write(HELP.main + '\n')
    return args.help ? EXIT.ok : EXIT.usage
  }
  if (!HELP[command] || command === 'main') {
    err.write(`wxcrypt: unknown command '${command}' (try --help)\n`)
    return EXIT.usage
  }
  if (args.help) {
    out.write(HELP[command] + '\n')
    return EXIT.ok
  }
  try {
    const input = { ...(args.stdin ? readStdin() : {}), ...args.values }
    if (command === 'api-security') {
      return apiSec.apiSecurity(kind, input, { out, err, wxcrypt, UsageError, need, EXIT }).catch((e) => {
        if (!(e instanceof UsageError || e instanceof TypeError || e instanceof RangeError)) throw e
        err.write(`wxcrypt: ${e.message}\n`)
        return EXIT.usage
      })
    }
    switch (command) {
      case 'decrypt':
      case 'diagnose': {
        const pc = new wxcrypt.WXBizDataCrypt(need(input, 'appId', '--app-id'), secret(input, 'sessionKey', 'WXCRYPT_SESSION_KEY'), options(input))
        const ed = need(input, 'encryptedData', '--encrypted-data')
        const iv = need(input, 'iv', '--iv')
        if (command === 'diagnose') {
          const d = pc.diagnose(ed, iv)
          out.write(JSON.stringify(d, null, 2) + '\n')
          return d.cause === 'ok' ? EXIT.ok : EXIT.failed
        }
        try {
          const result = args.raw ? pc.decryptRaw(ed, iv) : pc.decryptData(ed, iv)
          out.write((typeof result === 'string' ? result : JSON.stringify(result, null, 2)) + '\n')
          return EXIT.ok
        } catch (e) {
          if (!(e instanceof wxcrypt.WXCryptError)) throw e
          err.write(`wxcrypt: ${e.message} (errcode ${e.errcode} ${e.code}); run 'wxcrypt diagnose' with the same inputs to learn why\n`)
          return EXIT.failed
        }
      }
      case 'sign':
      case 'verify': {
        const verify = command === 'verify'
        const sig = verify ? need(input, 'signature', '--signature') : undefined
        let result
        switch (kind) {
          case 'raw-data': {
            const raw = need(input, 'rawData', '--raw-data')
            const key = secret(input, 'sessionKey', 'WXCRYPT_SESSION_KEY')
            result = verify ? wxcrypt.verifyRawDataSignature(raw, key, sig) : wxcrypt.rawDataSignature(raw, key)
            break
          }
          case 'url': {
            const token = secret(input, 'token', 'WXCRYPT_TOKEN')
            const ts = need(input, 'timestamp', '--timestamp')
            const nonce = need(input, 'nonce', '--nonce')
            result = verify ? wxcrypt.verifyUrlSignature(token, ts, nonce, sig) : wxcrypt.urlSignature(token, ts, nonce)
            break
          }
          case 'msg': {
            const token = secret(input, 'token', 'WXCRYPT_TOKEN')
            const ts = need(input, 'timestamp', '--timestamp')
            const nonce = need(input, 'nonce', '--nonce')
            const enc = need(input, 'encrypt', '--encrypt')
            result = verify ? wxcrypt.verifyMsgSignature(token, ts, nonce, enc, sig) : wxcrypt.msgSignature(token, ts, nonce, enc)
            break
          }
          case 'session-key': {
            if (verify) throw new UsageError("verify session-key is not a command: compare 'wxcrypt sign session-key' instead")
            result = wxcrypt.sessionKeySignature(secret(input, 'sessionKey', 'WXCRYPT_SESSION_KEY'))
            break
          }
          default:
            throw new UsageError(`${command} needs one of: raw-data, url, msg${verify ? '' : ', session-key'} (try 'wxcrypt ${command} --help')`)
        }
        if (!verify) {
          out.write(result + '\n')
          return EXIT.ok
        }
        out.write((result ? 'valid' : 'invalid') + '\n')
        return result ? EXIT.ok : EXIT.failed
      }
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof TypeError || e instanceof RangeError) {
      err.write(`wxcrypt: ${e.message}\n`)
      return EXIT.usage
    }
    throw e
  }
  return EXIT.usage
}

if (require.main === module) {
  // A number, or (api-security, asynchronous) a promise of one.
  Promise.resolve(main(process.argv.slice(2), process.stdout, process.stderr)).then((code) => {
    process.exitCode = code
  })
}

module.exports = { main }
