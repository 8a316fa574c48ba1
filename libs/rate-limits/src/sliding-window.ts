/** One request counted (or refused) against a budget; the shape @nestjs/throttler's storage returns. */
export interface RateLimitHit {
  readonly totalHits: number;
  /** Seconds until the current window ends. */
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  /** Seconds until a refused client may try again (0 when not blocked). */
  readonly timeToBlockExpire: number;
}

/** Counters with compare-and-set: `write` answers false when another writer changed the value first. */
export interface Counters {
  read(key: string): Promise<{ count: number; revision: number } | null>;
  write(key: string, count: number, revision: number | null): Promise<boolean>;
}

/** A counter update that loses a race retries with the fresh value; past this, count locally. */
const MAX_ATTEMPTS = 20;

/**
 * Counts one request for `id` unless its budget is spent. Blocked requests are not counted, so a client that
 * backs off recovers as the window slides. Null when the counter kept losing races.
 */
export async function count(
  counters: Counters,
  id: string,
  ttl: number,
  limit: number,
): Promise<RateLimitHit | null> {
  const now = Date.now();
  const window = Math.floor(now / ttl);
  const elapsed = now - window * ttl;
  // A finished window no longer changes; its weight fades as this one fills.
  const previous = (await counters.read(`${id}.${window - 1}`))?.count ?? 0;
  const overlap = previous * (1 - elapsed / ttl);
  const key = `${id}.${window}`;
  const timeToExpire = Math.max(1, Math.ceil((ttl - elapsed) / 1000));

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await counters.read(key);
    const current = entry?.count ?? 0;
    if (current + overlap >= limit) {
      return {
        totalHits: Math.ceil(current + overlap) + 1,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: retryAfterSeconds(current, previous, limit, ttl, elapsed),
      };
    }
    if (await counters.write(key, current + 1, entry?.revision ?? null)) {
      return {
        totalHits: Math.ceil(current + 1 + overlap),
        timeToExpire,
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
    // Another request counted first: read again, after a pause that spreads out a burst.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
  }
  return null;
}

/** Seconds until this window's hits plus the fading previous window fall below the limit. */
function retryAfterSeconds(
  current: number,
  previous: number,
  limit: number,
  ttl: number,
  elapsed: number,
): number {
  const wait =
    current >= limit
      ? ttl - elapsed + ttl * Math.max(0, 1 - limit / current) // this window must fade too
      : ttl * (1 - (limit - current) / previous) - elapsed;
  return Math.max(1, Math.ceil(wait / 1000));
}

/** The same counters in this process, for when NATS is out of reach. */
export class LocalCounters implements Counters {
  private readonly counts = new Map<string, number>();
  private pruned = -Infinity;

  read(key: string): Promise<{ count: number; revision: number } | null> {
    const count = this.counts.get(key);
    return Promise.resolve(count === undefined ? null : { count, revision: count });
  }

  write(key: string, count: number): Promise<boolean> {
    this.counts.set(key, count);
    return Promise.resolve(true);
  }

  /** Forgets windows older than `oldest`. */
  prune(oldest: number): void {
    if (oldest <= this.pruned) return;
    this.pruned = oldest;
    for (const key of this.counts.keys()) {
      if (Number(key.slice(key.lastIndexOf('.') + 1)) < oldest) this.counts.delete(key);
    }
  }
}
