/**
 * Every name Aurora uses on NATS (docs/API.md, docs/ARCHITECTURE.md): the export topology (@aurora/export-jobs'
 * TOPOLOGY) and the rate-limit bucket (@aurora/rate-limits) take them from here, so the permissions below are
 * derived from the names the code really uses.
 */
export const NATS_NAMES = {
  /** KV bucket of the export job records (stream `KV_AURORA_EXPORT_JOBS`). */
  jobsBucket: 'AURORA_EXPORT_JOBS',
  /** Work-queue stream of export jobs, its subject and the durable pull consumer all workers share. */
  workStream: 'AURORA_EXPORTS',
  workSubject: 'aurora.exports.jobs',
  workConsumer: 'export-workers',
  /** The export-completed CloudEvents batch consumers read. */
  eventsStream: 'AURORA_EVENTS',
  completedSubject: 'aurora.events.export.completed',
  /** A new vintage (Load ID) of a partitioned dataset, as the metadata service noticed it (plain NATS, no stream). */
  vintageArrivedSubject: 'aurora.events.vintage.arrived',
  /** A notification of the bell, created for one person (metadata publishes, every gateway fans it out; no stream). */
  notificationCreatedSubject: 'aurora.notifications.created',
  /** KV bucket of the gateway replicas' shared rate-limit counters. */
  rateLimitBucket: 'AURORA_RATE_LIMITS',
  /** The audit trail (@aurora/audit): a CloudEvent per record on `<prefix>.<action>`, indexed by metadata. */
  auditStream: 'AURORA_AUDIT',
  auditSubjectPrefix: 'aurora.events.audit',
  /** The metadata service's durable consumer that indexes the trail into PostgreSQL. */
  auditConsumer: 'audit-index',
} as const;

/** The stream behind a KV bucket. */
export function kvStream(bucket: string): string {
  return `KV_${bucket}`;
}
