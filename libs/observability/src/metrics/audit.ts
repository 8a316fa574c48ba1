import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/**
 * One audit record the gateway published (`stored`: JetStream acked it) or could not (`failed`: the request was
 * refused with 503 AUDIT_UNAVAILABLE, or a best-effort record was lost). Labels from fixed sets only.
 */
export function recordAuditRecord(
  record: { action: string; outcome: string; result: 'stored' | 'failed' },
  registry: Registry = metricsRegistry(),
): void {
  counter(
    registry,
    'aurora_audit_records_total',
    'Audit records published, by whether JetStream acked them',
    ['action', 'outcome', 'result'],
  ).inc(record);
}
