'use strict'
// Loads the napi-rs addon built for this platform, in napi-rs's layout: the platform package
// `wxcrypt-<platform>` (an optionalDependency; npm installs only the one whose os/cpu/libc match),
// or a `wxcrypt.<platform>.node` file beside this package (a local build: scripts/setup.sh).
// NAPI_RS_NATIVE_LIBRARY_PATH, as in napi-rs's generated loaders, names a .node file to use instead.
const fs = require('node:fs')
const path = require('node:path')

// A musl process has no glibcVersionRuntime in its report header: napi-rs's generated loader asks
// the same question. The report describes this process, so it is asked first here (napi-rs reads
// /usr/bin/ldd first, which describes the system's libc, not necessarily the one Node runs on).
// It is taken without network data (no DNS lookups).
function isMusl() {
  try {
    if (typeof process.report?.getReport === 'function') {
      process.report.excludeNetwork = true
      const report = process.report.getReport()
      const header = (typeof report === 'string' ? JSON.parse(report) : report).header
      if (header) return !header.glibcVersionRuntime
    }
  } catch {}
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {}
  return false
}

// napi-rs's platformArchABI of this process, or null where no addon is built.
function platformKey(platform = process.platform, arch = process.arch, musl = isMusl) {
  if (platform === 'linux') {
    const libc = musl() ? 'musl' : 'gnu'
    if (arch === 'x64' || arch === 'arm64') return `linux-${arch}-${libc}`
    if (arch === 'arm' && libc === 'gnu') return 'linux-arm-gnueabihf'
    return null
  }
  if (platform === 'darwin' && (arch === 'x64' || arch === 'arm64')) return `darwin-${arch}`
  // Built with mingw-w64 (x86_64-pc-windows-gnu); it loads in the official (MSVC-built) node.exe.
  if (platform === 'win32' && arch === 'x64') return 'win32-x64-gnu'
  return null
}

function loadNative() {
  const override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH
  if (override) return require(path.resolve(override))
  const key = platformKey()
  if (key === null) {
    throw new Error(`wxcrypt: no prebuilt native addon for ${process.platform}-${process.arch}`)
  }
  const tried = []
  const local = path.join(__dirname, '..', '..', `wxcrypt.${key}.node`)
  if (fs.existsSync(local)) {
    try {
      return require(local)
    } catch (e) {
      tried.push(`${local}: ${e.message}`)
    }
  }
  const pkg = `wxcrypt-${key}`
  try {
    const { version } = require(`${pkg}/package.json`)
    const ours = require('../../package.json').version
    if (version !== ours) throw new Error(`version ${version} installed, wxcrypt is ${ours}: reinstall wxcrypt`)
    return require(pkg)
  } catch (e) {
    tried.push(`${pkg}: ${e.code === 'MODULE_NOT_FOUND' ? 'not installed' : e.message}`)
  }
  throw new Error(`wxcrypt: cannot load the native addon for ${key} (wxcrypt.${key}.node): ${tried.join('; ')}`)
}

module.exports = { loadNative, platformKey, isMusl }
