export * from './lib/client'
