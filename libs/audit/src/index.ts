export { AuditStream, AuditUnavailableError } from './audit-stream';
export { GENESIS_HASH, canonicalJson, chainHash, sha256Hex } from './canonical';
export { auditEvent, auditSubject, type AuditEvent } from './event';
export { filterFingerprint, summarizeQuery, type QuerySummary } from './query-summary';
export {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  failureOutcome,
  type AuditAction,
  type AuditActor,
  type AuditOutcome,
  type AuditRecord,
} from './record';
