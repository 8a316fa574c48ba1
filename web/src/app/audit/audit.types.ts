import type { AuditAction, AuditOutcome } from '@aurora/query-model/audit-vocabulary';

/** A record of the audit trail as `GET /api/v1/audit` returns it (docs/API.md, "Audit trail"). */
export interface AuditEntry {
  readonly seq: number;
  readonly id: string;
  readonly time: string;
  readonly action: AuditAction;
  readonly actor: {
    readonly sub: string | null;
    readonly name: string | null;
    readonly groups: readonly string[];
  };
  readonly clientAddress: string | null;
  readonly route: string | null;
  readonly target: string | null;
  readonly datasets: readonly string[];
  readonly columns: readonly string[];
  readonly filterFingerprint: string | null;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly durationMs: number | null;
  readonly outcome: AuditOutcome;
  readonly status: number | null;
  readonly errorCode: string | null;
  readonly requestId: string | null;
  readonly traceId: string | null;
}

export interface AuditResults {
  readonly items: readonly AuditEntry[];
  readonly nextCursor: string | null;
}

/** The filters of the page, as the API takes them (empty: no condition). */
export interface AuditFilters {
  readonly user: string;
  readonly dataset: string;
  readonly action: string;
  readonly outcome: string;
  /** `datetime-local` values (the browser's time zone), sent as ISO instants. */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTERS: AuditFilters = { user: '', dataset: '', action: '', outcome: '', from: '', to: '' };

export { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@aurora/query-model/audit-vocabulary';
