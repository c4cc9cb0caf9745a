'use strict'
// A real redis-server for the store tests: installed by scripts/install-redis.sh when missing
// (Debian's package), started on 127.0.0.1 on a free port with its data in a temp dir, no
// persistence. kill() is a SIGKILL (a crash), start() brings it back on the same port.
const { spawn, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..', '..')

function hasRedisServer() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

function ensureRedisServer() {
  if (hasRedisServer()) return
  // Never skipped: CI installs it here if scripts/test.sh did not already.
  execFileSync('bash', [path.join(root, 'scripts', 'install-redis.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
  if (!hasRedisServer()) throw new Error('redis-server is missing and scripts/install-redis.sh could not install it')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const running = new Set()
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL')
})

/** Starts redis-server; resolves once it accepts connections (10 s at most). */
async function startRedis() {
  ensureRedisServer()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxcrypt-redis-'))
  const port = await freePort()
  let proc = null

  async function start() {
    if (proc) throw new Error('redis-server is already running')
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    running.add(child)
    child.once('exit', () => running.delete(child))
    proc = child
    const deadline = Date.now() + 10_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`)
      if (await ping(port)) return
      if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s: ${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** SIGKILL (no shutdown, no save): a crash. Resolves when the process is gone. */
  async function kill(signal = 'SIGKILL') {
    const child = proc
    if (!child) return
    proc = null
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill(signal)
      await gone
    }
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    /** SIGSTOP: the server hangs with its connections open (the worst case for a client). */
    pause: () => proc.kill('SIGSTOP'),
    resume: () => proc.kill('SIGCONT'),
    async stop() {
      if (proc) proc.kill('SIGCONT')
      await kill('SIGKILL')
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** One PING over a raw socket: true when redis-server answers +PONG within 500 ms. */
function ping(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    const done = (ok) => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(500, () => done(false))
    sock.once('error', () => done(false))
    sock.once('connect', () => sock.write('PING\r\n'))
    sock.once('data', (d) => done(String(d).startsWith('+PONG')))
  })
}

module.exports = { startRedis, ensureRedisServer, freePort }
