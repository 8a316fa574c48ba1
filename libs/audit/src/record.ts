/**
 * What the audit trail records (docs/API.md, "Audit trail"). Every data access, every change and every refused
 * request is one record; a stream or a change that cannot be held back is announced first (`started`) and
 * recorded again when it ends.
 */
export {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditOutcome,
} from '@aurora/query-model/audit-vocabulary';
import type { AuditAction, AuditOutcome } from '@aurora/query-model/audit-vocabulary';

export interface AuditActor {
  /** Null for a request refused before authentication (401): the client address is all there is. */
  readonly sub: string | null;
  readonly name: string | null;
  readonly groups: readonly string[];
}

export interface AuditRecord {
  /** The CloudEvent id (a UUID): what JetStream deduplicates and the index keeps once. */
  readonly id: string;
  /** ISO 8601, when the gateway decided. */
  readonly time: string;
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly clientAddress: string | null;
  /** `POST /api/v1/query/preview`: the request as it came, without its query string. */
  readonly route: string | null;
  /** The report or export job acted on, when there is one. */
  readonly target: string | null;
  readonly datasets: readonly string[];
  readonly columns: readonly string[];
  /** SHA-256 of the canonical JSON of the query's filters, values included; null without a filter. */
  readonly filterFingerprint: string | null;
  /** The query model itself, values and all: only where AUDIT_FILTER_VALUES allows it. */
  readonly query: unknown;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly durationMs: number | null;
  readonly outcome: AuditOutcome;
  /** The HTTP status answered (null while `started`). */
  readonly status: number | null;
  /** The error code of docs/API.md, for `refused` and `error`. */
  readonly errorCode: string | null;
  readonly requestId: string | null;
  readonly traceId: string | null;
  /** Anything else an action needs, e.g. a catalog change's `{ from, to }` versions. */
  readonly detail: Readonly<Record<string, string>> | null;
}

/** The outcome of a failed request: 401, 403 and 429 are refusals, anything else an error. */
export function failureOutcome(status: number): AuditOutcome {
  return status === 401 || status === 403 || status === 429 ? 'refused' : 'error';
}
