import { summarizeQuery } from '@aurora/audit';
import { AuroraError, ErrorCode } from '@aurora/errors';
import { FINISHED, type ExportJob } from '@aurora/export-jobs';
import { SCHEDULE_RUNNER, SCHEDULE_RUNNER_PRINCIPAL, type InternalTokenIssuer } from '@aurora/internal-auth';
import type { CallContext, DueRun, Principal } from '@aurora/proto';
import type {
  DashboardFilterValues,
  DashboardFormat,
  ExportFormat,
  ScheduleRunView,
} from '@aurora/query-model';
import { failureOf, type AuditTrail } from '../audit/audit-trail';
import type { GrpcClients } from '../http/grpc-clients';
import { exportDashboard } from './dashboard-tiles';
import { PollingLoop } from './polling-loop';
import type { ExportsService } from './exports.service';

/** Runs taken per poll: the rest wait for the next one. */
const TAKE = 10;

/** Failures that say nothing about the schedule: the run is taken again later rather than failed. */
const TRANSIENT: ReadonlySet<string> = new Set([ErrorCode.UNAVAILABLE, ErrorCode.AUDIT_UNAVAILABLE]);

export interface ScheduleRunnerOptions {
  readonly pollMs: number;
  readonly timeoutMs: number;
}

/**
 * Turns queued schedule runs into export jobs, and follows each job to its end. It lives in the gateway because
 * only the gateway signs export jobs: each run is submitted through ExportsService as the schedule's owner,
 * exactly as an export they started by hand (a report's rows, or a dashboard's page with its tiles resolved now;
 * their dataset policy, their quotas), with the run id as idempotency key, so a run taken twice makes one job. A
 * run the owner may no longer export fails with that reason. Every gateway replica polls; the metadata service
 * hands each run to one.
 */
export class ScheduleRunner {
  private readonly loop: PollingLoop;

  constructor(
    private readonly clients: GrpcClients,
    private readonly exports: ExportsService,
    private readonly issuer: InternalTokenIssuer,
    private readonly audit: AuditTrail,
    private readonly options: ScheduleRunnerOptions,
  ) {
    this.loop = new PollingLoop('schedule runner', () => this.pass(), options.pollMs);
  }

  start(): void {
    this.loop.start();
  }

  /** Nest calls this at shutdown, before the clients and the export queue close. */
  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: dispatch what is queued, then settle what has ended. Never overlaps itself. */
  poll(): Promise<void> {
    return this.loop.poll();
  }

  private async pass(): Promise<void> {
    const runner = await this.context(SCHEDULE_RUNNER_PRINCIPAL, SCHEDULE_RUNNER);
    for (const due of await this.clients.schedules.take(TAKE, runner)) await this.dispatch(due, runner);
    for (const started of await this.clients.schedules.started(runner)) await this.follow(started, runner);
  }

  private async dispatch(due: DueRun, runner: CallContext): Promise<void> {
    const run = JSON.parse(due.runJson) as ScheduleRunView;
    const owner = JSON.parse(due.ownerJson) as Principal;
    const key = `schedule-run:${run.id}`;
    const link = { scheduleId: run.scheduleId, runId: run.id };
    // The submission, in the owner's audit trail as an export they start by hand is (`export.submit`).
    const recorded = (outcome: 'ok' | 'refused' | 'error', job?: ExportJob, errorCode?: string) =>
      this.audit.recordUnattended(
        owner,
        {
          action: 'export.submit',
          outcome,
          status: null,
          errorCode: errorCode ?? null,
          ...(job ? { query: job.queryJson ? (JSON.parse(job.queryJson) as unknown) : undefined } : {}),
          datasets: job ? datasetsOf(job) : [],
          target: job?.id ?? null,
        },
        { runner: 'schedule-runner', scheduleId: run.scheduleId, runId: run.id, [due.kind]: due.documentId },
      );
    try {
      const context = await this.context(owner);
      const job =
        due.kind === 'dashboard'
          ? await exportDashboard(
              this.clients,
              this.exports,
              due.documentId,
              {
                format: due.format as DashboardFormat,
                filters: JSON.parse(due.filtersJson || '{}') as DashboardFilterValues,
              },
              context,
              key,
              link,
            )
          : await this.exports.submit(
              { reportId: due.documentId, format: due.format as ExportFormat },
              context,
              key,
              link,
            );
      await recorded('ok', job);
      await this.clients.schedules.runStarted(run.id, job.id, runner);
    } catch (error) {
      // Refused for a reason the owner should read (no access any more, report gone, quota): the run fails with
      // it. Anything else (a service down, the audit trail unavailable) leaves the run taken, and it is taken
      // again later; its idempotency key keeps that from making a second job.
      if (!(error instanceof AuroraError) || TRANSIENT.has(error.code)) throw error;
      await recorded(failureOf(error).status < 500 ? 'refused' : 'error', undefined, error.code);
      await this.finish(run.id, { code: error.code, detail: error.detail }, runner);
    }
  }

  private async follow(started: DueRun, runner: CallContext): Promise<void> {
    const run = JSON.parse(started.runJson) as ScheduleRunView;
    const owner = JSON.parse(started.ownerJson) as Principal;
    if (!run.exportId) return;
    const job = await this.exports.get(owner, run.exportId).catch((error: unknown) => {
      if (error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND) return undefined;
      throw error;
    });
    if (!job) {
      await this.finish(run.id, { code: ErrorCode.NOT_FOUND, detail: 'The export job is gone.' }, runner);
      return;
    }
    if (!FINISHED.has(job.status)) return;
    if (job.status === 'succeeded')
      await this.clients.schedules.finishRun(
        {
          runId: run.id,
          status: 'succeeded',
          rows: job.rowsWritten,
          fileName: job.fileName,
          bytes: job.bytes,
        },
        runner,
      );
    else await this.finish(run.id, jobError(job), runner);
  }

  private finish(runId: string, error: { code: string; detail: string }, runner: CallContext) {
    return this.clients.schedules.finishRun(
      { runId, status: 'failed', errorCode: error.code, errorDetail: error.detail },
      runner,
    );
  }

  private async context(principal: Principal, actor?: string): Promise<CallContext> {
    return {
      principal,
      token: await this.issuer.requestToken(principal, actor),
      timeoutMs: this.options.timeoutMs,
    };
  }
}

function jobError(job: ExportJob): { code: string; detail: string } {
  if (job.error) return job.error;
  return { code: 'CANCELLED', detail: 'The export job was cancelled.' };
}

/** The datasets a job reads: its query's, or every tile's of a dashboard page. */
function datasetsOf(job: ExportJob): string[] {
  if (!job.dashboardJson) return summarizeQuery(JSON.parse(job.queryJson) as unknown).datasets;
  const page = JSON.parse(job.dashboardJson) as { tiles: { query?: unknown }[] };
  return [...new Set(page.tiles.flatMap((tile) => summarizeQuery(tile.query).datasets))];
}
