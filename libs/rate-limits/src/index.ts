export { ConcurrencyLeases, type LeaseAnswer } from './concurrency-leases';
export type { Lease } from './leases';
export { RATE_LIMIT_BUCKET, SharedCounters } from './shared-counters';
export { entryTtlMs, SharedRateLimitStorage } from './shared-rate-limit-storage';
export type { RateLimitHit } from './sliding-window';
export {
  BUCKETS_PER_WINDOW,
  decide,
  RATE_LIMIT_TOLERANCE,
  type Bucket,
  type Decision,
} from './window-buckets';
