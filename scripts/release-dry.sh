#!/usr/bin/env bash
# `npm run release:dry`: every tarball a release publishes, packed into dist/ from what
# `npm run build:platforms` built, and checked: one platform package per napi.targets entry,
# each at wxcrypt's version with exactly its package.json, README.md and addon; wxcrypt itself
# with its optionalDependencies naming them all at that version and no .node file of its own.
# The release workflow (.github/workflows/release.yml) publishes these same directories. Needs no
# node_modules (the workflow's publish job runs it on a bare checkout).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rm -rf dist && mkdir dist
"$NODE" - <<'JS'
const fs = require('node:fs')
const { execFileSync } = require('node:child_process')
const { platforms } = require('./scripts/platforms.js')
const main = JSON.parse(fs.readFileSync('npm/wxcrypt/package.json', 'utf8'))
const fail = (m) => { console.error(`release-dry: ${m}`); process.exit(1) }
const deps = Object.keys(main.optionalDependencies).sort().join(' ')
const want = platforms.map((p) => `wxcrypt-${p}`).sort().join(' ')
if (deps !== want) fail(`optionalDependencies are ${deps}; napi.targets make ${want}`)
const pack = (dir) => JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', 'dist', `${process.cwd()}/${dir}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0]
for (const p of platforms) {
  const name = `wxcrypt-${p}`
  if (main.optionalDependencies[name] !== main.version) fail(`optionalDependencies.${name} is ${main.optionalDependencies[name]}, not ${main.version}`)
  const pkg = JSON.parse(fs.readFileSync(`npm/${p}/package.json`, 'utf8'))
  if (pkg.name !== name || pkg.version !== main.version) fail(`npm/${p} is ${pkg.name}@${pkg.version}`)
  // npm checks `libc` only where it knows one (Linux): elsewhere a libc field blocks the install.
  if ((pkg.os[0] === 'linux') !== Boolean(pkg.libc)) fail(`npm/${p}: os ${pkg.os} with libc ${pkg.libc}`)
  const t = pack(`npm/${p}`)
  const files = t.files.map((f) => f.path).sort()
  const want = ['README.md', 'package.json', `wxcrypt.${p}.node`]
  if (JSON.stringify(files) !== JSON.stringify(want)) fail(`${t.filename}: ${files.join(', ')}`)
  const libc = pkg.libc ? ` libc=${pkg.libc}` : ''
  console.log(`release-dry: dist/${t.filename}  ${t.size} bytes  os=${pkg.os} cpu=${pkg.cpu}${libc}`)
}
const t = pack('npm/wxcrypt')
if (t.files.some((f) => f.path.endsWith('.node'))) fail(`${t.filename} carries a .node file`)
for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts', 'wasm/wxcrypt_wasm_bg.wasm', 'lib/crypto/api.mjs', 'lib/crypto/policy.js']) {
  if (!t.files.some((x) => x.path === f)) fail(`${t.filename} lacks ${f}`)
}
console.log(`release-dry: dist/${t.filename}  ${t.size} bytes  ${t.files.length} files, optionalDependencies: ${platforms.length} platform packages`)
JS
