// The types of `import ... from 'wxcrypt/hono'` (hono.mjs on Node and Bun, hono-*.mjs on the edge):
// the same API as hono.d.ts.
export * from './hono.js'
