import { ErrorCode, isAuroraError } from '@aurora/errors';
import type { DialectName } from '@aurora/sql-dialect';
import type { Registry } from 'prom-client';
import { BUCKETS, counter, histogram, metricsRegistry } from './registry';

export type QueryKind = 'preview' | 'count' | 'rows' | 'csv' | 'sql';
export type QueryOutcome = 'ok' | 'timeout' | 'cancelled' | 'too_expensive' | 'error';

export interface QueryRecord {
  readonly dialect: DialectName;
  readonly kind: QueryKind;
  readonly seconds: number;
  /** Data rows sent back (preview page, streamed rows, CSV records); 0 for count and sql. */
  readonly rows: number;
  /** Why it failed, if it did. */
  readonly error?: unknown;
  /** The caller went away (or cancelled) before the answer was complete. */
  readonly cancelled?: boolean;
}

/** The outcome label of a query, and the error code counted for it (none for ok and cancelled). */
export function queryOutcome(record: Pick<QueryRecord, 'error' | 'cancelled'>): {
  outcome: QueryOutcome;
  code?: string;
} {
  if (record.cancelled === true) return { outcome: 'cancelled' };
  if (record.error === undefined) return { outcome: 'ok' };
  const code = isAuroraError(record.error) ? record.error.code : 'INTERNAL';
  switch (code) {
    case ErrorCode.QUERY_TIMEOUT:
      return { outcome: 'timeout', code };
    case ErrorCode.QUERY_TOO_EXPENSIVE:
      return { outcome: 'too_expensive', code };
    default:
      return { outcome: 'error', code };
  }
}

/** One query the query service handled: duration by outcome, rows, and errors by code. */
export function recordQuery(
  record: QueryRecord,
  registry: Registry = metricsRegistry(),
): { outcome: QueryOutcome; code?: string } {
  const { outcome, code } = queryOutcome(record);
  histogram(
    registry,
    'aurora_query_duration_seconds',
    'Query duration in the query service (validate, plan, cost check, run, stream), by outcome',
    ['dialect', 'kind', 'outcome'],
    BUCKETS.query,
  ).observe({ dialect: record.dialect, kind: record.kind, outcome }, record.seconds);
  const rows = counter(registry, 'aurora_query_rows_total', 'Data rows returned by queries', [
    'dialect',
    'kind',
  ]);
  // Touched even at 0, so every kind has its series from the first query on.
  rows.inc({ dialect: record.dialect, kind: record.kind }, record.rows);
  if (code !== undefined) {
    counter(registry, 'aurora_query_errors_total', 'Failed queries by error code', ['dialect', 'code']).inc({
      dialect: record.dialect,
      code,
    });
  }
  return code === undefined ? { outcome } : { outcome, code };
}
