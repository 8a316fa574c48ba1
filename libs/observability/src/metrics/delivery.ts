import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** How one delivery attempt ended: sent, failed and to be retried, or failed for good. */
export type DeliveryAttemptResult = 'delivered' | 'retry' | 'failed';

/**
 * Why a delivery failed for good: `refused` before any attempt (allow-list, address), `permanent` (an SMTP 5xx,
 * an HTTP 4xx), `exhausted` (transient failures until the last attempt), `no-recipients`.
 */
export type DeliveryFailureKind = 'refused' | 'permanent' | 'exhausted' | 'no-recipients';

/** One attempt to deliver a scheduled run (`channel`: email or webhook). Labels from fixed sets only. */
export function recordDeliveryAttempt(
  channel: string,
  result: DeliveryAttemptResult,
  registry: Registry = metricsRegistry(),
): void {
  counter(
    registry,
    'aurora_delivery_attempts_total',
    'Attempts to deliver a scheduled run, by channel and how the attempt ended',
    ['channel', 'result'],
  ).inc({ channel, result });
}

/** A delivery that failed for good, after its last attempt or before any. */
export function recordDeliveryFailure(
  channel: string,
  kind: DeliveryFailureKind,
  registry: Registry = metricsRegistry(),
): void {
  counter(
    registry,
    'aurora_delivery_failures_total',
    'Scheduled-run deliveries that failed for good, by channel and kind of failure',
    ['channel', 'kind'],
  ).inc({ channel, kind });
}
