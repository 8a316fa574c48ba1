import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@aurora/audit';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { principalFromMetadata } from '@aurora/proto';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { AuditStore } from './audit.store';

/** The store, or nothing without DATABASE_URL (then UNAVAILABLE). */
export const AUDIT_STORE = 'AUDIT_STORE';
export const AUDIT_READERS = 'AUDIT_READERS';

interface ListAuditRequest {
  user: string;
  dataset: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
  cursor: string;
  limit: number;
}

/** The audit index for audit readers: the gateway checks the groups too, this is the one that counts. */
@Controller()
export class AuditController {
  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore | undefined,
    @Inject(AUDIT_READERS) private readonly readers: readonly string[],
  ) {}

  @GrpcMethod('AuditService', 'ListAudit')
  async list(request: ListAuditRequest, metadata: Metadata) {
    const { groups } = principalFromMetadata(metadata);
    if (!groups.some((group) => this.readers.includes(group)))
      throw new AuroraError(ErrorCode.FORBIDDEN, 'Only audit readers may read the audit trail.');
    if (!this.store)
      throw new AuroraError(ErrorCode.UNAVAILABLE, 'The audit trail is not set up on this server.');
    const page = await this.store.list({
      user: request.user,
      dataset: request.dataset,
      action: oneOf(request.action, AUDIT_ACTIONS, 'action'),
      outcome: oneOf(request.outcome, AUDIT_OUTCOMES, 'outcome'),
      from: instant(request.from, 'from'),
      to: instant(request.to, 'to'),
      cursor: request.cursor,
      limit: request.limit >= 1 && request.limit <= 500 ? request.limit : 100,
    });
    return { entries: page.entries, nextCursor: page.nextCursor };
  }
}

function oneOf(value: string, allowed: readonly string[], path: string): string {
  if (value === '' || allowed.includes(value)) return value;
  throw new AuroraError(ErrorCode.INVALID_QUERY, `${path} must be one of ${allowed.join(', ')}.`, path);
}

function instant(value: string, path: string): Date | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new AuroraError(ErrorCode.INVALID_QUERY, `${path} must be an ISO 8601 instant.`, path);
  return date;
}
