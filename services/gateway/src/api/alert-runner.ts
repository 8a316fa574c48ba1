import { AuroraError, ErrorCode } from '@aurora/errors';
import { SCHEDULE_RUNNER, SCHEDULE_RUNNER_PRINCIPAL, type InternalTokenIssuer } from '@aurora/internal-auth';
import type { CallContext, DueCheck, Principal } from '@aurora/proto';
import {
  CHART_LIMITS,
  earlierVintagesNeeded,
  evaluateAlert,
  parseQuery,
  type AlertCheckView,
  type AlertView,
  type Query,
  type SummarySnapshot,
} from '@aurora/query-model';
import { failureOf, type AuditTrail } from '../audit/audit-trail';
import type { GrpcClients } from '../http/grpc-clients';
import { PollingLoop } from './polling-loop';
import { summaryRows } from './chart-runs';
import { runnableReport } from './report-runs';
import { earlierLoadIds, pinned } from './vintage-history';

/** Checks taken per poll: the rest wait for the next one. */
const TAKE = 10;

/** Failures that say nothing about the alert: the check is taken again later rather than failed. */
const TRANSIENT: ReadonlySet<string> = new Set([ErrorCode.UNAVAILABLE, ErrorCode.AUDIT_UNAVAILABLE]);

/** What a check has read so far: the report's query and the summary rows (every vintage's). */
interface Reads {
  query: Query | undefined;
  rows: number;
}

export interface AlertRunnerOptions {
  readonly pollMs: number;
  readonly timeoutMs: number;
}

/**
 * Runs queued alert checks as their owners, as the ScheduleRunner runs schedules: every gateway replica polls, and
 * the metadata service hands each check to one. A check reads the report's summary through the path of
 * `POST /reports/{id}/chart` (the report resolved now with its vintage policy; the owner's `view` action, row
 * policies and masks applied by the query service), and for change and outlier conditions the same summary pinned
 * to each earlier Load ID of the report's dataset; it evaluates the condition here and reports the outcome, and
 * the metadata service decides the transition. A check the owner may no longer run fails with that reason.
 */
export class AlertRunner {
  private readonly loop: PollingLoop;

  constructor(
    private readonly clients: GrpcClients,
    private readonly issuer: InternalTokenIssuer,
    private readonly audit: AuditTrail,
    private readonly options: AlertRunnerOptions,
  ) {
    this.loop = new PollingLoop('alert runner', () => this.pass(), options.pollMs);
  }

  start(): void {
    this.loop.start();
  }

  /** Nest calls this at shutdown. */
  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: run what is queued. Never overlaps itself. */
  poll(): Promise<void> {
    return this.loop.poll();
  }

  private async pass(): Promise<void> {
    const runner = await this.context(SCHEDULE_RUNNER_PRINCIPAL, SCHEDULE_RUNNER);
    for (const due of await this.clients.alerts.take(TAKE, runner)) await this.run(due, runner);
  }

  private async run(due: DueCheck, runner: CallContext): Promise<void> {
    const check = JSON.parse(due.checkJson) as AlertCheckView;
    const alert = JSON.parse(due.alertJson) as AlertView;
    const owner = JSON.parse(due.ownerJson) as Principal;
    const read: Reads = { query: undefined, rows: 0 };
    const started = performance.now();
    // The check's reads, in the owner's audit trail as their own reads are; stored before the outcome goes on.
    const recorded = (outcome: 'ok' | 'refused' | 'error', errorCode: string | null) =>
      this.audit.recordUnattended(
        owner,
        {
          action: 'alert.evaluate',
          outcome,
          status: null,
          errorCode,
          query: read.query,
          target: alert.id,
          rows: read.rows,
          durationMs: Math.round(performance.now() - started),
        },
        { runner: 'alert-runner', alertId: alert.id, checkId: check.id },
      );
    try {
      const outcome = await this.evaluate(alert, await this.context(owner), read);
      await recorded('ok', null);
      await this.clients.alerts.finish(check.id, { status: 'evaluated', ...outcome }, runner);
    } catch (error) {
      // Refused for a reason the owner should read (no access any more, report gone, no summary): the check fails
      // with it. Anything else (a service down, the audit trail unavailable) leaves the check taken, and it is
      // taken again after its lease.
      if (!(error instanceof AuroraError) || TRANSIENT.has(error.code)) throw error;
      await recorded(failureOf(error).status < 500 ? 'refused' : 'error', error.code);
      await this.clients.alerts.finish(
        check.id,
        { status: 'failed', error: { code: error.code, detail: error.detail } },
        runner,
      );
    }
  }

  private async evaluate(alert: AlertView, owner: CallContext, read: Reads) {
    const { query: resolved } = await runnableReport(this.clients, alert.reportId, owner);
    const query = parseQuery(resolved);
    read.query = query;
    if (!query.aggregate)
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        'An alert needs a summary report: this report has no summary.',
      );
    const latest = await this.snapshot(query, owner, read);
    const earlier: SummarySnapshot[] = [];
    const wanted = earlierVintagesNeeded(alert.condition);
    if (wanted > 0)
      for (const loadId of await earlierLoadIds(this.clients.metadata, query, wanted, owner))
        earlier.push(await this.snapshot(pinned(query, loadId), owner, read));
    const measures = new Set(query.aggregate.measures.map((m) => m.as));
    const firstBucket = query.aggregate.groupBy.find((entry) => typeof entry !== 'string');
    return evaluateAlert(alert.condition, {
      latest,
      earlier,
      dimensions: latest.columns.filter((name) => !measures.has(name)),
      ...(firstBucket && typeof firstBucket !== 'string' ? { periodColumn: firstBucket.as } : {}),
    });
  }

  /** The summary's rows (at most CHART_LIMITS.maxRows, counted first as a chart counts them). */
  private async snapshot(query: Query, owner: CallContext, read: Reads): Promise<SummarySnapshot> {
    const whole: Query = { ...query, page: undefined };
    const { count } = await this.clients.query.count(JSON.stringify(whole), owner);
    if (count > CHART_LIMITS.maxRows)
      throw new AuroraError(
        ErrorCode.ROW_LIMIT_EXCEEDED,
        `This summary has ${count.toLocaleString('en-US')} rows; an alert reads at most ${CHART_LIMITS.maxRows.toLocaleString('en-US')}: group by fewer or coarser columns, or filter it.`,
      );
    const { columns, rows } = await summaryRows(this.clients, whole, count, owner);
    read.rows += rows.length;
    const vintage = query.vintages?.[query.dataset];
    return {
      vintage: vintage === undefined ? null : String(vintage.loadId),
      columns: columns.map((column) => column.name),
      rows: rows,
    };
  }

  private async context(principal: Principal, actor?: string): Promise<CallContext> {
    return {
      principal,
      token: await this.issuer.requestToken(principal, actor),
      timeoutMs: this.options.timeoutMs,
    };
  }
}
