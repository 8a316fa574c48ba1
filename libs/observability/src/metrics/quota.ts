import type { Registry } from 'prom-client';
import { counter, histogram, metricsRegistry, sampledGauge } from './registry';

/** Use over limit, at each admission: how close users come to a quota (1: the last slot or the whole budget). */
const USE_RATIO_BUCKETS = [0.25, 0.5, 0.75, 0.9, 1];

/**
 * The per-user quotas' series (docs/API.md, "Quotas"), made at start so that they exist before the first refusal.
 * Labelled by quota name only: how many users are near or over their quota shows in the ratio histogram, without a
 * series per user. `slotsHeld` is read at each scrape (the query slots this replica's requests hold now).
 */
export function registerQuotaMetrics(slotsHeld: () => number, registry: Registry = metricsRegistry()): void {
  refusals(registry);
  useRatio(registry);
  sampledGauge(
    registry,
    'aurora_quota_query_slots_held',
    'Concurrent-query slots held by requests on this replica (summed over replicas: queries running under the quota)',
    [],
    () => [{ labels: {}, value: slotsHeld() }],
  );
}

/** A request refused with 429 QUOTA_EXCEEDED, by the quota it would exceed. */
export function recordQuotaRefusal(quota: string, registry: Registry = metricsRegistry()): void {
  refusals(registry).inc({ quota });
}

/** An admitted request's use of its quota, itself included (`limit` 0: unlimited, nothing recorded). */
export function recordQuotaUse(
  quota: string,
  used: number,
  limit: number,
  registry: Registry = metricsRegistry(),
): void {
  if (limit > 0) useRatio(registry).observe({ quota }, used / limit);
}

function refusals(registry: Registry) {
  return counter(
    registry,
    'aurora_quota_refusals_total',
    'Requests refused with 429 QUOTA_EXCEEDED, by quota',
    ['quota'],
  );
}

function useRatio(registry: Registry) {
  return histogram(
    registry,
    'aurora_quota_use_ratio',
    "A user's use of a quota over its limit when a request is admitted, by quota",
    ['quota'],
    USE_RATIO_BUCKETS,
  );
}
