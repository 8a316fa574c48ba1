import { createHash, randomBytes } from 'node:crypto';
import { KeyedQueue } from './keyed-queue';
import { dropLease, liveLeases, renewLeases, takeLease } from './leases';
import type { SharedCounters } from './shared-counters';
import { LocalCounters, type Counters } from './sliding-window';

/** A request for a slot: taken (release it when done: safe to call twice), or refused with how many are held. */
export type LeaseAnswer =
  | { readonly admitted: true; readonly held: number; release(): Promise<void> }
  | { readonly admitted: false; readonly held: number };

type Store = 'shared' | 'local';

/**
 * At most `limit` slots per key at once across every gateway replica (docs/ARCHITECTURE.md, "Quotas"): one entry
 * per key in the shared bucket holds its leases, each with an expiry, updated by compare-and-set. This replica
 * renews the leases it holds every third of `ttlMs`, so a slot whose replica died (no release, no renewal) is free
 * again within `ttlMs`, never leaked. While NATS is out of reach slots are counted per replica, in memory, as the
 * rate limit is.
 */
export class ConcurrencyLeases {
  private readonly local = new LocalCounters();
  private readonly queue = new KeyedQueue();
  /** The leases this replica holds: entry key → lease id → where it was taken. */
  private readonly held = new Map<string, Map<string, Store>>();
  private readonly heartbeat: NodeJS.Timeout;

  /** `name` sets these leases apart from other counters in the bucket (e.g. `queries`). */
  constructor(
    private readonly counters: SharedCounters,
    private readonly name: string,
    private readonly ttlMs: number,
  ) {
    this.heartbeat = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(ttlMs / 3)));
    this.heartbeat.unref();
  }

  /** Takes one of `subject`'s slots unless `limit` are held. */
  acquire(subject: string, limit: number): Promise<LeaseAnswer> {
    const key = this.keyOf(subject);
    const id = randomBytes(9).toString('base64url');
    return this.queue.run(key, async () => {
      const shared = await this.counters.attempt((c) => takeLease(c, key, id, limit, this.ttlMs));
      if (shared === null) {
        this.counters.warnAtMostEvery10s('quota leases kept losing races; refusing');
        return { admitted: false, held: limit };
      }
      const store: Store = shared === undefined ? 'local' : 'shared';
      const taken = shared ?? (await takeLease(this.local, key, id, limit, this.ttlMs));
      if (!taken?.admitted) return { admitted: false, held: taken?.held ?? limit };
      this.hold(key, id, store);
      let released: Promise<void> | undefined;
      return { admitted: true, held: taken.held, release: () => (released ??= this.release(key, id)) };
    });
  }

  /** How many of `subject`'s slots are held now, on every replica. */
  async inUse(subject: string): Promise<number> {
    const key = this.keyOf(subject);
    return (await this.counters.attempt((c) => liveLeases(c, key))) ?? liveLeases(this.local, key);
  }

  /** Slots held by requests on this replica (for the metrics). */
  heldHere(): number {
    let count = 0;
    for (const leases of this.held.values()) count += leases.size;
    return count;
  }

  /** Stops renewing: what this replica still holds expires within the TTL, as if it had died. */
  close(): void {
    clearInterval(this.heartbeat);
  }

  private keyOf(subject: string): string {
    return `lease.${this.name}.${createHash('sha256').update(subject).digest('hex').slice(0, 40)}`;
  }

  private hold(key: string, id: string, store: Store): void {
    const leases = this.held.get(key) ?? new Map<string, Store>();
    leases.set(id, store);
    this.held.set(key, leases);
  }

  private release(key: string, id: string): Promise<void> {
    const store = this.held.get(key)?.get(id);
    this.held.get(key)?.delete(id);
    if (this.held.get(key)?.size === 0) this.held.delete(key);
    return this.queue.run(key, async () => {
      if (store === 'local') await dropLease(this.local, key, id);
      // Not reachable now: the lease expires in the bucket within the TTL, as a dead replica's would.
      else await this.counters.attempt((c) => dropLease(c, key, id));
    });
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held.keys()].map((key) =>
        this.queue.run(key, async () => {
          const leases = this.held.get(key) ?? new Map<string, Store>();
          for (const store of ['shared', 'local'] as const) {
            const ids = new Set([...leases].filter(([, at]) => at === store).map(([id]) => id));
            if (ids.size === 0) continue;
            const renew = (c: Counters) => renewLeases(c, key, ids, this.ttlMs);
            if (store === 'local') await renew(this.local);
            else await this.counters.attempt(renew);
          }
        }),
      ),
    );
  }
}
