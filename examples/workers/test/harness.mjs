// The test's entry in workerd: the example worker with the in-memory KV namespace as env.SESSIONS
// (see memory-kv.mjs); everything else (the vars, the secrets, the WeChat API URL) comes from the
// capnp config, as wrangler.toml's vars and secrets do on Cloudflare.
import app from '../src/worker.mjs'
import { memoryKv } from './memory-kv.mjs'

const SESSIONS = memoryKv()

export default {
  fetch(request, env, ctx) {
    return app.fetch(request, { ...env, SESSIONS }, ctx)
  },
}
