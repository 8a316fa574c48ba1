import type { Registry } from 'prom-client';
import type { QueryKind } from './query';
import { counter, metricsRegistry, sampledGauge } from './registry';

/**
 * How a result cache lookup ended. `hit`: from memory; `shared`: the same statement was running for another
 * caller, whose result it waited for; `miss`: it ran; `skipped`: not cacheable (cache off, or no versions).
 */
export type QueryCacheResult = 'hit' | 'shared' | 'miss' | 'skipped';

/** One lookup of the query service's result cache. */
export function recordQueryCacheLookup(
  dialect: string,
  kind: QueryKind,
  result: QueryCacheResult,
  registry: Registry = metricsRegistry(),
): void {
  counter(
    registry,
    'aurora_query_cache_lookups_total',
    'Result cache lookups of previews and counts, by result',
    ['dialect', 'kind', 'result'],
  ).inc({ dialect, kind, result });
}

/** The result cache's size, read at each scrape from `stats`. */
export function registerQueryCacheGauges(
  stats: () => { readonly entries: number; readonly bytes: number },
  registry: Registry = metricsRegistry(),
): void {
  sampledGauge(registry, 'aurora_query_cache_entries', 'Results held by the result cache', [], () => [
    { labels: {}, value: stats().entries },
  ]);
  sampledGauge(
    registry,
    'aurora_query_cache_bytes',
    'Estimated heap bytes of the results held by the result cache',
    [],
    () => [{ labels: {}, value: stats().bytes }],
  );
}
