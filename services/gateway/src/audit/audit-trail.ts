import {
  AuditUnavailableError,
  failureOutcome,
  summarizeQuery,
  type AuditAction,
  type AuditOutcome,
  type AuditRecord,
  type AuditStream,
} from '@aurora/audit';
import { AuroraError, ErrorCode, httpStatusOf, isAuroraError } from '@aurora/errors';
import { logger, recordAuditRecord, requestScope, traceHeaders } from '@aurora/observability';
import type { Principal } from '@aurora/proto';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from '../auth/auth.types';

const log = logger('gateway');

/** What a request adds to its record: what it read or changed, and how it went. */
export interface RecordDetails {
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  readonly status: number | null;
  readonly errorCode?: string | null;
  readonly query?: unknown;
  readonly datasets?: readonly string[];
  readonly target?: string | null;
  readonly rows?: number | null;
  readonly bytes?: number | null;
  readonly durationMs?: number | null;
}

export interface AuditTrailOptions {
  /** Null: the trail is off (AUDIT_TRAIL=off), nothing is recorded and nothing refused for it. */
  readonly stream: AuditStream | null;
  /** AUDIT_FILTER_VALUES: the query model itself, filter values and all, goes into each record. */
  readonly filterValues: boolean;
  readonly readers: readonly string[];
}

/** Who acted and from where: a request's caller, or an owner a runner acted for. */
interface Origin {
  readonly principal: Principal | undefined;
  readonly clientAddress: string | null;
  readonly route: string | null;
  readonly detail: Readonly<Record<string, string>> | null;
}

/** Marks a request whose record is made (or whose failure to be recorded was answered), so none is made twice. */
const RECORDED = Symbol('aurora.audit.recorded');

/**
 * The gateway's side of the audit trail: makes each record from the request and publishes it, waiting for
 * JetStream's ack. A record that cannot be stored is AUDIT_UNAVAILABLE (503) for data paths: fail closed.
 */
export class AuditTrail {
  constructor(private readonly options: AuditTrailOptions) {}

  isReader(principal: Principal): boolean {
    return principal.groups.some((group) => this.options.readers.includes(group));
  }

  /** Publishes the record and waits for its ack; AUDIT_UNAVAILABLE when it cannot be stored. */
  async record(request: Request, details: RecordDetails): Promise<void> {
    markRecorded(request);
    const principal = (request as AuthenticatedRequest).caller?.principal;
    const route = `${request.method} ${request.originalUrl.split('?')[0] ?? ''}`.slice(0, 300);
    await this.publish(details, { principal, clientAddress: request.ip ?? null, route, detail: null });
  }

  /**
   * Records what a runner did as an owner, outside any request (a schedule run's export job, an alert check's
   * reads): the owner is the actor, there is no route or client address, and `detail` names the runner's work.
   * AUDIT_UNAVAILABLE when it cannot be stored, so the runner holds back what it would have sent.
   */
  async recordUnattended(
    principal: Principal,
    details: RecordDetails,
    detail: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.publish(details, { principal, clientAddress: null, route: null, detail });
  }

  private async publish(details: RecordDetails, origin: Origin): Promise<void> {
    const { stream } = this.options;
    if (!stream) return;
    const { action, outcome } = details;
    try {
      await stream.publish(this.build(origin, details));
      recordAuditRecord({ action, outcome, result: 'stored' });
    } catch (error) {
      if (!(error instanceof AuditUnavailableError)) throw error;
      recordAuditRecord({ action, outcome, result: 'failed' });
      log.error('audit record not stored', { action, outcome, error: error.message });
      throw new AuroraError(
        ErrorCode.AUDIT_UNAVAILABLE,
        'This request cannot be recorded in the audit trail right now, so it is not served. Try again shortly.',
      );
    }
  }

  /** For what must be recorded but cannot be held back any more (a refusal, the end of a stream): never throws. */
  async recordBestEffort(request: Request, details: RecordDetails): Promise<void> {
    await this.record(request, details).catch(() => undefined);
  }

  /** A 401, 403 or 429 answered without a record yet (guards, the audit API itself). */
  refused(request: Request, status: number, errorCode: string): void {
    if (isRecorded(request) || failureOutcome(status) !== 'refused') return;
    void this.recordBestEffort(request, {
      action: 'request.refused',
      outcome: 'refused',
      status,
      errorCode,
    });
  }

  private build(origin: Origin, details: RecordDetails): AuditRecord {
    const { principal } = origin;
    const summary = summarizeQuery(details.query);
    const traceparent = traceHeaders()['traceparent'];
    return {
      id: randomUUID(),
      time: new Date().toISOString(),
      action: details.action,
      actor: {
        sub: principal?.sub ?? null,
        name: principal?.name ?? null,
        groups: principal ? [...principal.groups] : [],
      },
      clientAddress: origin.clientAddress,
      route: origin.route,
      target: details.target ?? null,
      datasets: details.datasets ?? summary.datasets,
      columns: summary.columns,
      filterFingerprint: summary.filterFingerprint,
      query: this.options.filterValues && details.query !== undefined ? details.query : null,
      rows: details.rows ?? null,
      bytes: details.bytes ?? null,
      durationMs: details.durationMs ?? null,
      outcome: details.outcome,
      status: details.status,
      errorCode: details.errorCode ?? null,
      requestId: requestScope()?.requestId ?? null,
      traceId: traceparent?.split('-')[1] ?? null,
      detail: origin.detail,
    };
  }
}

export function markRecorded(request: Request): void {
  (request as unknown as Record<symbol, boolean>)[RECORDED] = true;
}

function isRecorded(request: Request): boolean {
  return (request as unknown as Record<symbol, boolean>)[RECORDED] === true;
}

/** The HTTP status and code an error will be answered with (the problem filter's mapping, for the record). */
export function failureOf(error: unknown): { status: number; errorCode: string } {
  if (isAuroraError(error)) return { status: httpStatusOf(error.code), errorCode: error.code };
  return { status: 500, errorCode: 'INTERNAL' };
}
