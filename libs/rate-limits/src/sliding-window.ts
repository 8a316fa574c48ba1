import { updateStored } from './stored-values';
import { BUCKETS, decide, type Decision } from './window-buckets';

/** One request counted (or refused) against a budget; the shape @nestjs/throttler's storage returns. */
export interface RateLimitHit {
  readonly totalHits: number;
  /** Seconds until the oldest request counted leaves the window. */
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  /** Seconds until a refused client may try again (0 when not blocked). */
  readonly timeToBlockExpire: number;
}

/** A value per key with compare-and-set: `write` answers false when another writer changed it first. */
export interface Counters {
  read(key: string): Promise<{ value: string; revision: number } | null>;
  write(key: string, value: string, revision: number | null): Promise<boolean>;
}

/**
 * Counts one request for `key` unless its budget is spent (window-buckets.ts: no rolling window admits more than
 * `limit`). Refused requests are not counted, so a client that backs off recovers as the window slides. Null when
 * the counter kept losing races.
 */
export function count(
  counters: Counters,
  key: string,
  windowMs: number,
  limit: number,
): Promise<RateLimitHit | null> {
  return updateStored(counters, key, BUCKETS, (buckets) => {
    const decision = decide(buckets ?? [], Date.now(), windowMs, limit);
    // A refused request is not counted: nothing to write.
    return decision.admitted
      ? { value: decision.buckets, result: hitOf(decision) }
      : { result: hitOf(decision) };
  });
}

function hitOf(decision: Decision): RateLimitHit {
  return {
    totalHits: decision.admitted ? decision.hits : decision.hits + 1,
    timeToExpire: seconds(decision.resetMs),
    isBlocked: !decision.admitted,
    timeToBlockExpire: decision.admitted ? 0 : seconds(decision.retryMs),
  };
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** The same counters in this process, for when NATS is out of reach. */
export class LocalCounters implements Counters {
  private readonly entries = new Map<string, { value: string; revision: number }>();
  private sweptAt = -Infinity;

  read(key: string): Promise<{ value: string; revision: number } | null> {
    return Promise.resolve(this.entries.get(key) ?? null);
  }

  write(key: string, value: string, revision: number | null): Promise<boolean> {
    const current = this.entries.get(key)?.revision ?? null;
    if (current !== revision) return Promise.resolve(false);
    this.entries.set(key, { value, revision: (current ?? 0) + 1 });
    return Promise.resolve(true);
  }

  /** Forgets, at most once a window, the keys with no request left in it. */
  prune(now: number, windowMs: number): void {
    if (now - this.sweptAt < windowMs) return;
    this.sweptAt = now;
    for (const [key, entry] of this.entries) {
      if (BUCKETS.decode(entry.value).every((bucket) => bucket.newestMs <= now - windowMs)) {
        this.entries.delete(key);
      }
    }
  }
}
