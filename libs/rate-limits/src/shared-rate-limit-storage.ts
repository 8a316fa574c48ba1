import {
  NATS_NAMES,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import { logger } from '@aurora/observability';
import { createHash } from 'node:crypto';
import { connect, Events, StorageType, type NatsConnection } from 'nats';
import { KeyedQueue } from './keyed-queue';
import { KvCounters } from './kv-counters';
import { count, LocalCounters, type Counters, type RateLimitHit } from './sliding-window';

/** The bucket every gateway replica counts in; in memory on the server, since counters outlive nothing. */
export const RATE_LIMIT_BUCKET = NATS_NAMES.rateLimitBucket;

/** How long a replica counts locally after the shared counter failed (a timeout, a lost connection). */
const SHARED_PAUSE_MS = 2_000;

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
  private readonly log = logger('rate-limit');
  private readonly local = new LocalCounters();
  private readonly queue = new KeyedQueue();
  private shared: Counters | undefined;
  private connection: NatsConnection | undefined;
  private connected = false;
  private closed = false;
  /** One warning per outage, not one per reconnection attempt. */
  private warned = false;
  private lastFailureLog = 0;
  /**
   * After a failed shared count, counting is local until then: a replica's requests for one user wait for each
   * other, so a NATS that times out must not be waited for once per queued request.
   */
  private sharedPausedUntil = 0;

  private constructor(private readonly windowMs: number) {}

  /** Connects in the background (as the gateway: `nats` holds its credentials): until NATS answers, counting is local. */
  static start(nats: NatsClientSettings, windowMs: number): SharedRateLimitStorage {
    const storage = new SharedRateLimitStorage(windowMs);
    void storage.open(nats);
    return storage;
  }

  /** Resolves once the shared bucket is in use. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isShared()) {
      if (Date.now() > deadline) throw new Error('the rate-limit bucket did not open in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  isShared(): boolean {
    return this.connected && this.shared !== undefined;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    await this.connection?.close();
  }

  /** Counts one request of `key` against `limit` requests in any `ttl` ms. */
  increment(key: string, ttl: number, limit: number): Promise<RateLimitHit> {
    const id = createHash('sha256').update(key).digest('hex').slice(0, 40);
    return this.queue.run(id, () => this.countOne(id, ttl, limit));
  }

  private async countOne(id: string, ttl: number, limit: number): Promise<RateLimitHit> {
    if (this.isShared() && this.shared && Date.now() >= this.sharedPausedUntil) {
      try {
        return (await count(this.shared, id, ttl, limit)) ?? this.contended(limit);
      } catch (error) {
        this.sharedPausedUntil = Date.now() + SHARED_PAUSE_MS;
        this.warnAtMostEvery10s('shared rate-limit counter failed; counting locally', {
          error: String(error),
        });
      }
    }
    this.local.prune(Date.now(), ttl);
    return (await count(this.local, id, ttl, limit)) ?? unreachable();
  }

  /**
   * Other replicas kept winning the race for this key: refused for a second rather than counted locally, where
   * the shared budget is unknown (that would let a burst spread over replicas through).
   */
  private contended(limit: number): RateLimitHit {
    this.warnAtMostEvery10s('rate-limit counter kept losing races; refusing');
    return { totalHits: limit + 1, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 };
  }

  /** At most one line per 10 s: during a NATS hiccup every request would otherwise log one. */
  private warnAtMostEvery10s(message: string, fields: Record<string, unknown> = {}): void {
    if (Date.now() - this.lastFailureLog <= 10_000) return;
    this.lastFailureLog = Date.now();
    this.log.warn(message, fields);
  }

  private async openBucket(connection: NatsConnection): Promise<void> {
    const kv = await connection.jetstream({ timeout: 1_000 }).views.kv(RATE_LIMIT_BUCKET, {
      history: 1,
      storage: StorageType.Memory,
      // One entry per key, rewritten at each admitted request; idle for longer than a window it is garbage.
      ttl: 3 * this.windowMs,
      timeout: 1_000,
    });
    this.shared = new KvCounters(kv);
    this.connected = true;
  }

  /** A restarted server has lost the in-memory bucket: create it again before counting there. */
  private async reopenBucket(connection: NatsConnection): Promise<void> {
    while (!this.closed && !connection.isClosed()) {
      try {
        await this.openBucket(connection);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500)); // JetStream may still be starting
      }
    }
  }

  private async open(nats: NatsClientSettings): Promise<void> {
    if (this.closed) return;
    try {
      const connection = await connect({
        ...natsConnectOptions(nats),
        name: 'aurora-gateway-rate-limit',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      }).catch((error: unknown) => {
        throw natsConnectError(error, nats);
      });
      this.connection = connection;
      await this.openBucket(connection);
      this.warned = false;
      for await (const status of connection.status()) {
        if (status.type === Events.Disconnect) this.connected = false;
        if (status.type === Events.Reconnect) void this.reopenBucket(connection);
      }
    } catch (error) {
      if (!this.warned) {
        const message = error instanceof Error ? error.message : String(error);
        this.log.warn('rate-limit counters stay local until NATS answers', { error: message });
        this.warned = true;
      }
      await this.connection?.close().catch(() => undefined);
      this.connection = undefined;
      setTimeout(() => void this.open(nats), 2_000).unref();
    }
  }
}

function unreachable(): never {
  throw new Error('local counters cannot lose a race');
}
