import type { Counters } from './sliding-window';
import { pairsCodec, updateStored } from './stored-values';

/** A slot held by one request: its id, and until when it counts unless its holder renews it (ms since epoch). */
export interface Lease {
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * Reads the leases of `key`, lets `change` decide (expired ones are already gone), and writes its `leases` back by
 * compare-and-set unless it returns none to write. Null when other writers kept winning the race.
 */
function updateLeases<T>(
  counters: Counters,
  key: string,
  change: (live: readonly Lease[], now: number) => { leases?: readonly Lease[]; result: T },
): Promise<T | null> {
  return updateStored(counters, key, LEASES, (stored) => {
    const now = Date.now();
    const { leases, result } = change(
      (stored ?? []).filter((lease) => lease.expiresAt > now),
      now,
    );
    return { value: leases, result };
  });
}

/** Takes a slot for `id` unless `limit` live leases are held; `held` counts this one when admitted. */
export function takeLease(
  counters: Counters,
  key: string,
  id: string,
  limit: number,
  ttlMs: number,
): Promise<{ admitted: boolean; held: number } | null> {
  return updateLeases<{ admitted: boolean; held: number }>(counters, key, (live, now) =>
    live.length >= limit
      ? { result: { admitted: false, held: live.length } }
      : {
          leases: [...live, { id, expiresAt: now + ttlMs }],
          result: { admitted: true, held: live.length + 1 },
        },
  );
}

/**
 * Extends `ids` by `ttlMs` from now. One that is missing is put back: its holder still runs (the entry was lost
 * with a restarted NATS, or a pause outlived the lease), so it counts again.
 */
export function renewLeases(
  counters: Counters,
  key: string,
  ids: ReadonlySet<string>,
  ttlMs: number,
): Promise<true | null> {
  return updateLeases(counters, key, (live, now) => ({
    leases: [
      ...live.filter((lease) => !ids.has(lease.id)),
      ...[...ids].map((id) => ({ id, expiresAt: now + ttlMs })),
    ],
    result: true as const,
  }));
}

/** Frees `id`'s slot (and forgets the expired ones). */
export function dropLease(counters: Counters, key: string, id: string): Promise<true | null> {
  return updateLeases(counters, key, (live) => ({
    leases: live.filter((lease) => lease.id !== id),
    result: true as const,
  }));
}

/** How many slots of `key` are held now. */
export async function liveLeases(counters: Counters, key: string): Promise<number> {
  return (await updateLeases(counters, key, (live) => ({ result: live.length }))) ?? 0;
}

/** `[[id, expiresAt], …]`: a few dozen bytes per slot. */
const LEASES = pairsCodec<Lease>(
  (lease) => [lease.id, lease.expiresAt],
  (id, expiresAt) =>
    typeof id === 'string' && Number.isSafeInteger(expiresAt) ? { id, expiresAt: expiresAt as number } : null,
);
