// Imports nothing (see eslint.config.mjs): the web app bundles it alone, as `@aurora/query-model/audit-vocabulary`.

/**
 * The actions and outcomes of the audit trail (docs/API.md, "Audit trail"): what `GET /audit` filters by, what
 * the Audit page offers, and what the gateway records, from this one list.
 */
export const AUDIT_ACTIONS = [
  'query.preview',
  'query.count',
  'query.csv',
  'query.sql',
  'query.chart',
  'report.preview',
  'report.count',
  'report.csv',
  'report.chart',
  'report.create',
  'report.update',
  'report.share',
  'report.delete',
  'report.restore',
  'dashboard.create',
  'dashboard.update',
  'dashboard.share',
  'dashboard.delete',
  'dashboard.restore',
  'dashboard.preview',
  'dashboard.chart',
  'dashboard.export',
  'schedule.create',
  'schedule.update',
  'schedule.delete',
  'schedule.pause',
  'schedule.resume',
  'schedule.run',
  'alert.create',
  'alert.update',
  'alert.delete',
  'alert.pause',
  'alert.resume',
  'alert.check',
  'alert.evaluate',
  'export.submit',
  'export.download',
  'export.cancel',
  'catalog.change',
  'request.refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `refused`: 401, 403 or 429; `error`: any other failure; `started`: announced before the first byte. */
export const AUDIT_OUTCOMES = ['ok', 'started', 'refused', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
