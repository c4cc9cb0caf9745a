export * from './lib/simulator'
export { default } from './lib/simulator'
