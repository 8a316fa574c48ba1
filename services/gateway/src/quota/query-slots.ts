import { QuotaExceededError } from '@aurora/errors';
import { recordQuotaUse } from '@aurora/observability';
import type { ConcurrencyLeases } from '@aurora/rate-limits';

/**
 * The concurrent-query quota (QUOTA_CONCURRENT_QUERIES): each request that runs a query holds one of its user's
 * slots, shared by every gateway replica through leases (ConcurrencyLeases), until its response ends.
 */
export class QuerySlots {
  /** `limit` 0: no limit, and nothing is counted. */
  constructor(
    private readonly leases: ConcurrencyLeases,
    readonly limit: number,
  ) {}

  /** Takes one of `subject`'s slots, or refuses with 429 QUOTA_EXCEEDED; the returned release is safe to call twice. */
  async acquire(subject: string): Promise<() => Promise<void>> {
    if (this.limit === 0) return () => Promise.resolve();
    const answer = await this.leases.acquire(subject, this.limit);
    if (!answer.admitted) {
      throw new QuotaExceededError(
        'concurrentQueries',
        `You already have ${queries(answer.held)} running (your limit); try again when one finishes.`,
      );
    }
    recordQuotaUse('concurrentQueries', answer.held, this.limit);
    return () => answer.release().catch(() => undefined); // unreachable NATS: the lease expires instead
  }

  /** The user's queries running now on every replica; null without a limit (they are not counted). */
  async inUse(subject: string): Promise<number | null> {
    return this.limit === 0 ? null : this.leases.inUse(subject);
  }

  heldHere(): number {
    return this.leases.heldHere();
  }

  onApplicationShutdown(): void {
    this.leases.close();
  }
}

const queries = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'query' : 'queries'}`;
