import type { NatsClientSettings } from '@aurora/nats-access';
import { createHash } from 'node:crypto';
import { KeyedQueue } from './keyed-queue';
import { SharedCounters } from './shared-counters';
import { count, LocalCounters, type RateLimitHit } from './sliding-window';

/**
 * Request counters shared by every gateway replica (docs/ARCHITECTURE.md, "Rate limiting"), in a NATS KV bucket:
 * one entry per key holding its requests of the last window in buckets (window-buckets.ts: no rolling window
 * admits more than the limit), updated by compare-and-set on its revision. A replica counts its own requests for
 * one key one after another, so only other replicas race it. While NATS is unreachable the same limit is counted
 * per replica, in memory, rather than failing requests: the portal must keep answering queries while the export
 * infrastructure is down. Its `increment` is what @nestjs/throttler asks of a storage, so the gateway hands it to
 * the ThrottlerModule as it is.
 */
export class SharedRateLimitStorage {
  private readonly local = new LocalCounters();
  private readonly queue = new KeyedQueue();

  /** `owned`: the counters' connection is this storage's own, closed with it. */
  private constructor(
    private readonly counters: SharedCounters,
    private readonly owned: boolean,
  ) {}

  /** Connects in the background (as the gateway: `nats` holds its credentials): until NATS answers, counting is local. */
  static start(nats: NatsClientSettings, windowMs: number): SharedRateLimitStorage {
    return new SharedRateLimitStorage(SharedCounters.start(nats, entryTtlMs(windowMs)), true);
  }

  /** Counts in `counters` (whose entries live at least `entryTtlMs(windowMs)`), which its owner closes. */
  static over(counters: SharedCounters): SharedRateLimitStorage {
    return new SharedRateLimitStorage(counters, false);
  }

  /** Resolves once the shared bucket is in use. */
  ready(timeoutMs = 10_000): Promise<void> {
    return this.counters.ready(timeoutMs);
  }

  isShared(): boolean {
    return this.counters.isShared();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.owned) await this.counters.close();
  }

  /** Counts one request of `key` against `limit` requests in any `ttl` ms. */
  increment(key: string, ttl: number, limit: number): Promise<RateLimitHit> {
    const id = createHash('sha256').update(key).digest('hex').slice(0, 40);
    return this.queue.run(id, () => this.countOne(id, ttl, limit));
  }

  private async countOne(id: string, ttl: number, limit: number): Promise<RateLimitHit> {
    const shared = await this.counters.attempt((counters) => count(counters, id, ttl, limit));
    if (shared === null) return this.contended(limit);
    if (shared !== undefined) return shared;
    this.local.prune(Date.now(), ttl);
    return (await count(this.local, id, ttl, limit)) ?? unreachable();
  }

  /**
   * Other replicas kept winning the race for this key: refused for a second rather than counted locally, where
   * the shared budget is unknown (that would let a burst spread over replicas through).
   */
  private contended(limit: number): RateLimitHit {
    this.counters.warnAtMostEvery10s('rate-limit counter kept losing races; refusing');
    return { totalHits: limit + 1, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 };
  }
}

/** One entry per key, rewritten at each admitted request; idle for longer than a few windows it is garbage. */
export function entryTtlMs(windowMs: number): number {
  return 3 * windowMs;
}

function unreachable(): never {
  throw new Error('local counters cannot lose a race');
}
