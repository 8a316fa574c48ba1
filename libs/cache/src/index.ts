export { TtlPromiseCache } from './ttl-promise-cache';
