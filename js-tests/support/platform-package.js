'use strict'
// This host's platform package (`wxcrypt-linux-x64-gnu`, ...), packed, with the addon that
// scripts/setup.sh built: what npm downloads beside `wxcrypt` from the registry. Its package.json
// comes from napi-rs's own generator (`napi create-npm-dirs`), as in scripts/build-platforms.sh.
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { platformKey } = require('../../npm/wxcrypt/lib/crypto/native.js')

const root = path.join(__dirname, '..', '..')

/** Packs the host's platform package into `dir`; returns { key, name, tarball }. */
function packHostPlatformPackage(dir) {
  const key = platformKey()
  if (key === null) throw new Error(`no platform package for ${process.platform}-${process.arch}`)
  const addon = path.join(root, 'npm', 'wxcrypt', `wxcrypt.${key}.node`)
  if (!fs.existsSync(addon)) throw new Error(`${addon} is missing: run bash scripts/setup.sh`)
  const stage = fs.mkdtempSync(path.join(dir, 'npm-dirs-'))
  fs.copyFileSync(path.join(root, 'npm', 'wxcrypt', 'package.json'), path.join(stage, 'package.json'))
  const napi = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  execFileSync(process.execPath, [napi, 'create-npm-dirs', '--npm-dir', 'npm'], { cwd: stage, stdio: 'ignore' })
  const pkgDir = path.join(stage, 'npm', key)
  fs.copyFileSync(addon, path.join(pkgDir, `wxcrypt.${key}.node`))
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dir, pkgDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const [packed] = JSON.parse(out)
  fs.rmSync(stage, { recursive: true, force: true })
  if (!packed.files.some((f) => f.path === `wxcrypt.${key}.node`)) throw new Error(`wxcrypt-${key} packed without its addon`)
  return { key, name: packed.name, tarball: path.join(dir, packed.filename) }
}

module.exports = { packHostPlatformPackage }
