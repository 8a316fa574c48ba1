import { logger } from '@aurora/observability';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { connect, Events, StorageType, StringCodec, type KV, type NatsConnection } from 'nats';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The bucket every gateway replica counts in; in memory on the server, since counters outlive nothing. */
export const RATE_LIMIT_BUCKET = 'AURORA_RATE_LIMITS';
/** A counter update that loses a race retries with the fresh value; past this, count locally. */
const MAX_ATTEMPTS = 20;
const codec = StringCodec();

/** Counters with compare-and-set: `write` answers false when another writer changed the value first. */
interface Counters {
  read(key: string): Promise<{ count: number; revision: number } | null>;
  write(key: string, count: number, revision: number | null): Promise<boolean>;
}

/**
 * Request counters shared by every gateway replica (docs/ARCHITECTURE.md, "Rate limiting"), in a NATS KV bucket:
 * a sliding window approximated from two fixed windows (this window's hits plus the previous window's, weighted
 * by how much of it still overlaps), each counter updated by compare-and-set on its revision. While NATS is
 * unreachable the same limit is counted per replica, in memory, rather than failing requests: the portal must
 * keep answering queries while the export infrastructure is down.
 */
export class SharedRateLimitStorage implements ThrottlerStorage {
  private readonly log = logger('rate-limit');
  private readonly local = new LocalCounters();
  private shared: Counters | undefined;
  private connection: NatsConnection | undefined;
  private connected = false;
  private closed = false;
  /** One warning per outage, not one per reconnection attempt. */
  private warned = false;
  private lastFailureLog = 0;

  private constructor(private readonly windowMs: number) {}

  /** Connects in the background: until NATS answers, counting is local. */
  static start(natsUrl: string, windowMs: number): SharedRateLimitStorage {
    const storage = new SharedRateLimitStorage(windowMs);
    void storage.open(natsUrl);
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

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const id = createHash('sha256').update(key).digest('hex').slice(0, 40);
    if (this.isShared() && this.shared) {
      try {
        const record = await count(this.shared, id, ttl, limit);
        if (record) return record;
      } catch (error) {
        // At most one line per 10 s: during a NATS hiccup every request would otherwise log one.
        if (Date.now() - this.lastFailureLog > 10_000) {
          this.lastFailureLog = Date.now();
          this.log.warn('shared rate-limit counter failed; counting locally', { error: String(error) });
        }
      }
    }
    this.local.prune(Math.floor(Date.now() / ttl) - 1);
    return (await count(this.local, id, ttl, limit)) ?? unreachable();
  }

  private async openBucket(connection: NatsConnection): Promise<void> {
    const kv = await connection.jetstream().views.kv(RATE_LIMIT_BUCKET, {
      history: 1,
      storage: StorageType.Memory,
      // Two windows are read; anything older is garbage.
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

  private async open(natsUrl: string): Promise<void> {
    if (this.closed) return;
    try {
      const connection = await connect({
        servers: natsUrl,
        name: 'aurora-gateway-rate-limit',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
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
        this.log.warn('rate-limit counters stay local until NATS answers', { error: String(error) });
        this.warned = true;
      }
      await this.connection?.close().catch(() => undefined);
      this.connection = undefined;
      setTimeout(() => void this.open(natsUrl), 2_000).unref();
    }
  }
}

/**
 * Counts one request for `id` unless its budget is spent. Blocked requests are not counted, so a client that
 * backs off recovers as the window slides. Null when the counter kept losing races.
 */
async function count(
  counters: Counters,
  id: string,
  ttl: number,
  limit: number,
): Promise<ThrottlerStorageRecord | null> {
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

class KvCounters implements Counters {
  constructor(private readonly kv: KV) {}

  async read(key: string): Promise<{ count: number; revision: number } | null> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT'
      ? { count: Number(codec.decode(entry.value)), revision: entry.revision }
      : null;
  }

  async write(key: string, count: number, revision: number | null): Promise<boolean> {
    try {
      if (revision === null) await this.kv.create(key, codec.encode(String(count)));
      else await this.kv.update(key, codec.encode(String(count)), revision);
      return true;
    } catch (error) {
      if (String(error).includes('wrong last sequence')) return false;
      throw error;
    }
  }
}

/** The same counters in this process, for when NATS is out of reach. */
class LocalCounters implements Counters {
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

function unreachable(): never {
  throw new Error('local counters cannot lose a race');
}
