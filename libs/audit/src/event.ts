import { NATS_NAMES } from '@aurora/nats-access';
import type { AuditAction, AuditRecord } from './record';

/** An audit record as the CloudEvent (1.0, structured JSON) published on `aurora.events.audit.<action>`. */
export interface AuditEvent {
  readonly specversion: '1.0';
  readonly type: `io.aurora.audit.${AuditAction}`;
  readonly source: string;
  readonly id: string;
  readonly time: string;
  /** Whom it is about: the subject, or `ip:<address>` for a refusal before authentication. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: AuditRecord;
}

export function auditEvent(record: AuditRecord, source: string): AuditEvent {
  return {
    specversion: '1.0',
    type: `io.aurora.audit.${record.action}`,
    source,
    id: record.id,
    time: record.time,
    subject: record.actor.sub ?? `ip:${record.clientAddress ?? 'unknown'}`,
    datacontenttype: 'application/json',
    data: record,
  };
}

/** The JetStream subject of an action. */
export function auditSubject(action: AuditAction): string {
  return `${NATS_NAMES.auditSubjectPrefix}.${action}`;
}
