// npm run bench:memory: RSS after 1,000,000 decryptData calls must stay within 10% of RSS after
// 100,000, on each backend. Each backend runs in its own child process with --expose-gc (so one
// backend's heap cannot hide or cause the other's growth). Prints the figures; exits non-zero
// on failure or when a backend does not load.
//
// Environment: MEMORY_CALLS (default 1000000), MEMORY_BACKENDS (default "native,wasm").
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import path from 'node:path'

const HERE = fileURLToPath(import.meta.url)
const ROOT = path.resolve(path.dirname(HERE), '..')
const CALLS = Number(process.env.MEMORY_CALLS || 1_000_000)
const CHECKPOINT = Math.round(CALLS / 10)
const LIMIT = 0.1

if (process.argv[2] === '--child') {
  // The child: one backend, the official ~400 B vector with a new instance per call (the server
  // pattern, which also exercises the constructor), plus one reused instance.
  const require = createRequire(import.meta.url)
  const W = require(path.join(ROOT, 'npm', 'wxcrypt'))
  const v = require(path.join(ROOT, 'vectors', 'wechat-vectors.json')).data_crypt.find((x) => x.id === 'official_band_userinfo')
  const reused = new W(v.appId, v.sessionKey)
  const rss = () => {
    globalThis.gc()
    globalThis.gc()
    return process.memoryUsage().rss
  }
  const t0 = Date.now()
  let sink = 0
  let atCheckpoint = 0
  for (let i = 1; i <= CALLS; i++) {
    const d = i % 2 ? new W(v.appId, v.sessionKey).decryptData(v.encryptedData, v.iv) : reused.decryptData(v.encryptedData, v.iv)
    sink += d.gender
    if (i === CHECKPOINT) atCheckpoint = rss()
  }
  const atEnd = rss()
  if (sink !== CALLS) throw new Error('unexpected output')
  process.stdout.write(JSON.stringify({ backend: W.backend, atCheckpoint, atEnd, ms: Date.now() - t0 }) + '\n')
  process.exit(0)
}

const MB = (b) => `${(b / 1048576).toFixed(1)} MB`
let failed = false
console.log(`wxcrypt memory check: RSS after ${CALLS.toLocaleString('en-US')} decryptData calls vs after ${CHECKPOINT.toLocaleString('en-US')} (limit +${LIMIT * 100}%), Node ${process.version}`)
for (const backend of (process.env.MEMORY_BACKENDS || 'native,wasm').split(',')) {
  const r = spawnSync(process.execPath, ['--expose-gc', HERE, '--child'], {
    env: { ...process.env, WXCRYPT_BACKEND: backend },
    encoding: 'utf8',
    timeout: 110_000,
  })
  const line = (r.stdout || '').trim().split('\n').pop()
  let res
  try {
    res = JSON.parse(line)
  } catch {
    console.log(`FAIL ${backend}: the child did not report (status ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr || '').trim().split('\n')[0]}`)
    failed = true
    continue
  }
  const growth = (res.atEnd - res.atCheckpoint) / res.atCheckpoint
  const ok = growth <= LIMIT
  if (!ok) failed = true
  console.log(
    `${ok ? 'MET ' : 'MISS'}  ${backend} RSS after 1M calls within 10% of after 100k: ${backend.padEnd(6)} RSS after ${CHECKPOINT.toLocaleString('en-US')}: ${MB(res.atCheckpoint)}, after ${CALLS.toLocaleString('en-US')}: ${MB(res.atEnd)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%), ${(res.ms / 1000).toFixed(1)} s`,
  )
}
process.exit(failed ? 1 : 0)
