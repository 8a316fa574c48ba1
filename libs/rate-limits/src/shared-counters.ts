import {
  NATS_NAMES,
  natsConnectError,
  natsConnectOptions,
  type NatsClientSettings,
} from '@aurora/nats-access';
import { logger } from '@aurora/observability';
import { connect, Events, StorageType, type NatsConnection } from 'nats';
import { KvCounters } from './kv-counters';
import type { Counters } from './sliding-window';

/** The bucket every gateway replica counts in; in memory on the server, since counters outlive nothing. */
export const RATE_LIMIT_BUCKET = NATS_NAMES.rateLimitBucket;

/** How long a replica counts locally after the shared counter failed (a timeout, a lost connection). */
const SHARED_PAUSE_MS = 2_000;

/**
 * The gateway replicas' shared counters (rate limits and quota leases) in one NATS KV bucket, over one connection
 * that reconnects on its own. `attempt` runs work there while NATS answers; while it does not, it answers
 * undefined and each caller counts in memory, so the portal keeps answering queries when NATS is down.
 */
export class SharedCounters {
  private readonly log = logger('rate-limit');
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

  /** `entryTtlMs`: how long an entry nobody rewrites is kept (the bucket's max age). */
  private constructor(private readonly entryTtlMs: number) {}

  /** Connects in the background (as the gateway: `nats` holds its credentials): until NATS answers, counting is local. */
  static start(nats: NatsClientSettings, entryTtlMs: number): SharedCounters {
    const counters = new SharedCounters(entryTtlMs);
    void counters.open(nats);
    return counters;
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

  /** `work` on the shared bucket; undefined when it is out of reach or just failed (then count locally). */
  async attempt<T>(work: (counters: Counters) => Promise<T>): Promise<T | undefined> {
    if (!this.isShared() || !this.shared || Date.now() < this.sharedPausedUntil) return undefined;
    try {
      return await work(this.shared);
    } catch (error) {
      this.sharedPausedUntil = Date.now() + SHARED_PAUSE_MS;
      this.warnAtMostEvery10s('shared counter failed; counting locally', { error: String(error) });
      return undefined;
    }
  }

  /** At most one line per 10 s: during a NATS hiccup every request would otherwise log one. */
  warnAtMostEvery10s(message: string, fields: Record<string, unknown> = {}): void {
    if (Date.now() - this.lastFailureLog <= 10_000) return;
    this.lastFailureLog = Date.now();
    this.log.warn(message, fields);
  }

  private async openBucket(connection: NatsConnection): Promise<void> {
    const kv = await connection.jetstream({ timeout: 1_000 }).views.kv(RATE_LIMIT_BUCKET, {
      history: 1,
      storage: StorageType.Memory,
      ttl: this.entryTtlMs,
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
