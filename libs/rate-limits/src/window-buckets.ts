import { pairsCodec } from './stored-values';
/**
 * The requests one key was admitted within the last window, grouped by when they came: a bucket is a slice of
 * window / BUCKETS_PER_WINDOW (1 s of a minute) holding how many it admitted and when the newest of them was.
 */
export interface Bucket {
  readonly newestMs: number;
  readonly count: number;
}

export const BUCKETS_PER_WINDOW = 60;

/**
 * How many requests beyond the limit any rolling window may admit: none. Every admission is in a bucket whose
 * newest request is at least as recent, and a bucket counts until its newest request has left the window, so each
 * decision sees every request admitted within the window before it (compare-and-set makes the decisions of all
 * replicas one sequence). The price is on the other side: a bucket's older requests leave the window with its
 * newest, so a request is refused only when the limit was reached within the window plus one bucket (61 s of a
 * minute), and a slot comes back at most a bucket late. It assumes the replicas' clocks agree (NTP): one that runs
 * ahead by s ms forgets the others' requests s ms early.
 */
export const RATE_LIMIT_TOLERANCE = 0;

/** One request's fate, and what to store when it is admitted. */
export interface Decision {
  readonly admitted: boolean;
  readonly buckets: readonly Bucket[];
  /** Requests counted in the window, this one included when admitted. */
  readonly hits: number;
  /** Until the oldest counted bucket leaves the window (ms). */
  readonly resetMs: number;
  /** When refused: until enough have left the window for one more request (ms); 0 when admitted. */
  readonly retryMs: number;
}

/** Admits one request at `now` unless `limit` requests are counted in the window; refused ones are not counted. */
export function decide(stored: readonly Bucket[], now: number, windowMs: number, limit: number): Decision {
  const live = stored.filter((bucket) => bucket.newestMs > now - windowMs);
  const hits = live.reduce((sum, bucket) => sum + bucket.count, 0);
  if (hits >= limit) {
    return {
      admitted: false,
      buckets: live,
      hits,
      resetMs: resetMs(live, now, windowMs),
      retryMs: retryMs(live, hits - limit + 1, now, windowMs),
    };
  }
  const width = windowMs / BUCKETS_PER_WINDOW;
  const slice = Math.floor(now / width);
  const current = live.find((bucket) => Math.floor(bucket.newestMs / width) === slice);
  const buckets = current
    ? live.map((bucket) =>
        bucket === current ? { newestMs: Math.max(bucket.newestMs, now), count: bucket.count + 1 } : bucket,
      )
    : [...live, { newestMs: now, count: 1 }];
  return { admitted: true, buckets, hits: hits + 1, resetMs: resetMs(buckets, now, windowMs), retryMs: 0 };
}

function resetMs(buckets: readonly Bucket[], now: number, windowMs: number): number {
  const oldest = Math.min(...buckets.map((bucket) => bucket.newestMs));
  return Number.isFinite(oldest) ? oldest + windowMs - now : 0;
}

/** Until the oldest buckets holding at least `excess` requests have left the window. */
function retryMs(buckets: readonly Bucket[], excess: number, now: number, windowMs: number): number {
  let leaving = 0;
  for (const bucket of [...buckets].sort((x, y) => x.newestMs - y.newestMs)) {
    leaving += bucket.count;
    if (leaving >= excess) return bucket.newestMs + windowMs - now;
  }
  return windowMs; // a limit below 1: never reached by the gateway's configuration
}

/** `[[newestMs, count], …]`: a few hundred bytes at most, whatever the limit. */
export const BUCKETS = pairsCodec<Bucket>(
  (bucket) => [bucket.newestMs, bucket.count],
  (newestMs, count) =>
    Number.isSafeInteger(newestMs) && Number.isSafeInteger(count) && (count as number) > 0
      ? { newestMs: newestMs as number, count: count as number }
      : null,
);
