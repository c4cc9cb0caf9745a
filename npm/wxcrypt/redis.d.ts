export * from './lib/redis'
