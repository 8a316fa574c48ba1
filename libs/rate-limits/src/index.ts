export { RATE_LIMIT_BUCKET, SharedRateLimitStorage } from './shared-rate-limit-storage';
export type { RateLimitHit } from './sliding-window';
