// The types of `import ... from 'wxcrypt/pay'` (pay.mjs on Node and Bun, pay-*.mjs on the edge):
// the same API as pay.d.ts.
export * from './pay.js'
