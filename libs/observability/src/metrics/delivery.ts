import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** How one delivery attempt ended: sent, failed and to be retried, or failed for good. */
export type DeliveryAttemptResult = 'delivered' | 'retry' | 'failed';

/**
 * Why a delivery failed for good: `refused` before any attempt (allow-list, address), `permanent` (an SMTP 5xx,
 * an HTTP 4xx), `exhausted` (transient failures until the last attempt), `no-recipients`.
 */
export type DeliveryFailureKind = 'refused' | 'permanent' | 'exhausted' | 'no-recipients';

const CHANNELS = ['email', 'webhook'] as const;
export type DeliveryChannelLabel = (typeof CHANNELS)[number];
const RESULTS: readonly DeliveryAttemptResult[] = ['delivered', 'retry', 'failed'];
const KINDS: readonly DeliveryFailureKind[] = ['refused', 'permanent', 'exhausted', 'no-recipients'];

/**
 * Every series at 0 from the start (the sending service calls this at boot): `increase()` then sees the first
 * failure, and a dashboard shows 0 rather than no data.
 */
export function registerDeliveryMetrics(registry: Registry = metricsRegistry()): void {
  for (const channel of CHANNELS) {
    for (const result of RESULTS) attempts(registry).inc({ channel, result }, 0);
    for (const kind of KINDS) failures(registry).inc({ channel, kind }, 0);
  }
}

/** One attempt to deliver a scheduled run (`channel`: email or webhook). Labels from fixed sets only. */
export function recordDeliveryAttempt(
  channel: DeliveryChannelLabel,
  result: DeliveryAttemptResult,
  registry: Registry = metricsRegistry(),
): void {
  attempts(registry).inc({ channel, result });
}

/** A delivery that failed for good, after its last attempt or before any. */
export function recordDeliveryFailure(
  channel: DeliveryChannelLabel,
  kind: DeliveryFailureKind,
  registry: Registry = metricsRegistry(),
): void {
  failures(registry).inc({ channel, kind });
}

function attempts(registry: Registry) {
  return counter(
    registry,
    'aurora_delivery_attempts_total',
    'Attempts to deliver a scheduled run, by channel and how the attempt ended',
    ['channel', 'result'],
  );
}

function failures(registry: Registry) {
  return counter(
    registry,
    'aurora_delivery_failures_total',
    'Scheduled-run deliveries that failed for good, by channel and kind of failure',
    ['channel', 'kind'],
  );
}
