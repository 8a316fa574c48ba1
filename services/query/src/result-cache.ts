import { AuroraError, ErrorCode } from '@aurora/errors';
import type { QueryCacheResult } from '@aurora/observability';
import type { CompiledQuery } from '@aurora/query-compiler';
import type { QueryResult } from '@aurora/warehouse';
import type { CallContext } from '@aurora/proto';
import type { CatalogClient, ResultScope } from './catalog-client';

export interface ResultCacheLimits {
  /** What the cached results may hold in all, by estimate (0: nothing is cached). */
  readonly maxBytes: number;
  /** How long a result is served at most: bounds staleness the catalog and vintages cannot see. */
  readonly ttlMs: number;
}

export type CachedKind = 'preview' | 'count';

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
}

interface Entry {
  readonly result: QueryResult;
  readonly bytes: number;
  readonly expires: number;
}

interface Flight {
  readonly key: string;
  readonly result: Promise<QueryResult>;
  readonly abort: AbortController;
  waiters: number;
}

/** No single result may take more than this share of the budget, so one big page never flushes the rest. */
const MAX_ENTRY_SHARE = 8;

/**
 * The engine's answers to previews and counts, per replica, least recently used out first when the bytes run
 * over. A result is keyed by everything it depends on: the statement (SQL and bind values) and the asker's
 * ResultScope (what their catalog view lets them see, the catalog's version, their datasets' vintages), so a
 * principal is only ever served a result of a statement compiled against a view equal to their own, and a new
 * catalog or vintage makes new keys (old entries age out). Errors are never kept. Concurrent askers of the same
 * key share one engine run; it is cancelled only when all of them have gone.
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();
  private bytes = 0;

  constructor(
    private readonly catalogs: Pick<CatalogClient, 'scopeFor'>,
    private readonly limits: ResultCacheLimits,
    private readonly onLookup: (kind: CachedKind, outcome: QueryCacheResult) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The result of `compiled` for `context`'s principal: cached, shared with a run under way, or `run`'s. */
  async get(
    kind: CachedKind,
    compiled: CompiledQuery,
    context: CallContext & { readonly signal: AbortSignal },
    run: (signal: AbortSignal) => Promise<QueryResult>,
  ): Promise<QueryResult> {
    const scope = this.limits.maxBytes > 0 ? await this.catalogs.scopeFor(context) : null;
    if (scope === null) {
      this.onLookup(kind, 'skipped');
      return run(context.signal);
    }
    const key = keyOf(kind, compiled, scope);
    const cached = this.entries.get(key);
    if (cached && cached.expires > this.now()) {
      // Most recently used goes last: eviction takes the first.
      this.entries.delete(key);
      this.entries.set(key, cached);
      this.onLookup(kind, 'hit');
      return cached.result;
    }
    if (cached) this.remove(key, cached);
    const flight = this.flights.get(key);
    this.onLookup(kind, flight ? 'shared' : 'miss');
    return this.join(flight ?? this.start(key, run), context.signal);
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private start(key: string, run: (signal: AbortSignal) => Promise<QueryResult>): Flight {
    const abort = new AbortController();
    const flight: Flight = { key, result: run(abort.signal), abort, waiters: 0 };
    this.flights.set(key, flight);
    flight.result.then(
      (result) => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
        if (!abort.signal.aborted) this.store(key, result);
      },
      () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      },
    );
    return flight;
  }

  /** Waits for the flight unless the caller goes first; the last caller to go cancels the engine query. */
  private join(flight: Flight, signal: AbortSignal): Promise<QueryResult> {
    flight.waiters += 1;
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        flight.waiters -= 1;
        if (flight.waiters === 0) {
          // Nobody may join a run that is being cancelled.
          if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key);
          flight.abort.abort();
        }
        reject(new AuroraError(ErrorCode.UNAVAILABLE, 'The query was cancelled.'));
      };
      if (signal.aborted) {
        leave();
        return;
      }
      signal.addEventListener('abort', leave, { once: true });
      flight.result.then(
        (result) => {
          signal.removeEventListener('abort', leave);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private store(key: string, result: QueryResult): void {
    const bytes = sizeOf(key, result);
    if (bytes > this.limits.maxBytes / MAX_ENTRY_SHARE) return;
    // Shared by every asker from now on: nobody may change it.
    for (const row of result.rows) Object.freeze(row);
    Object.freeze(result.rows);
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, { result, bytes, expires: this.now() + this.limits.ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.limits.maxBytes) break;
      this.remove(oldest, entry);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** Everything the rows depend on; the full text rather than a hash, so two keys are equal only if they are. */
function keyOf(kind: CachedKind, compiled: CompiledQuery, scope: ResultScope): string {
  const params = compiled.params.map((value) =>
    typeof value === 'bigint' ? { bigint: value.toString() } : value,
  );
  return JSON.stringify([
    kind,
    scope.policy,
    scope.catalogVersion,
    scope.vintagesVersion,
    compiled.dialect,
    compiled.sql,
    params,
  ]);
}

/** An estimate of the heap an entry holds: UTF-16 strings, and a fixed cost per array, cell and column. */
function sizeOf(key: string, result: QueryResult): number {
  let bytes = 2 * key.length + 128;
  for (const column of result.columns) bytes += 32 + 2 * column.length;
  for (const row of result.rows) {
    bytes += 32 + 8 * row.length;
    for (const cell of row) if (typeof cell === 'string') bytes += 24 + 2 * cell.length;
  }
  return bytes;
}
