import type { PreviewResult, Query } from '../api';
import type { Alert, AlertCheck } from './alert.types';

/** A summary report's query: revenue by region and month. */
export const SUMMARY: Query = {
  dataset: 'global_sales',
  aggregate: {
    groupBy: [
      'global_sales.region',
      { column: 'global_sales.order_date', bucket: 'month', as: 'order_month' },
    ],
    measures: [
      { fn: 'sum', column: 'global_sales.amount', as: 'total' },
      { fn: 'count', column: null, as: 'orders' },
    ],
  },
};

/** Its preview, as the server answers it. */
export const SUMMARY_PREVIEW: PreviewResult = {
  columns: [
    { name: 'global_sales.region', label: 'Region', type: 'string' },
    { name: 'order_month', label: 'Order month', type: 'date' },
    { name: 'total', label: 'total', type: 'number' },
    { name: 'orders', label: 'orders', type: 'integer' },
  ],
  rows: [
    ['EMEA', '2026-10-01', 812345.5, 120],
    ['APAC', '2026-10-01', 700000, 98],
    ['EMEA', '2026-11-01', 900000, 130],
    [null, '2026-11-01', 12, 1],
  ],
  page: { number: 1, size: 500 },
  hasMore: false,
  elapsedMs: 12,
};

export function anAlert(change: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    reportId: 'r1',
    name: 'EMEA revenue below 1M',
    condition: {
      kind: 'threshold',
      measure: 'total',
      op: '<',
      value: 1_000_000,
      row: { 'global_sales.region': 'EMEA' },
    },
    trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
    deliveries: [],
    paused: false,
    owner: { sub: 'alice', name: 'Alice' },
    version: 1,
    nextRunAt: '2027-03-29T05:00:00.000Z',
    state: 'unknown',
    lastCheckedAt: null,
    lastTriggeredAt: null,
    lastCheck: null,
    createdAt: '2027-03-01T00:00:00.000Z',
    updatedAt: '2027-03-01T00:00:00.000Z',
    ...change,
  };
}

export function aCheck(change: Partial<AlertCheck> = {}): AlertCheck {
  return {
    id: 'c1',
    alertId: 'a1',
    scheduledFor: '2027-03-26T06:00:00.000Z',
    cause: 'manual',
    status: 'queued',
    transition: null,
    values: [],
    rowCount: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    ...change,
  };
}
