import { AuroraError, ErrorCode } from '@aurora/errors';
import {
  DashboardJobSchema,
  ExportQueue,
  FINISHED,
  ObjectStore,
  completedEvent,
  jobDigest,
  newJobId,
  queuedJob,
  type DashboardFormat,
  type DashboardJobInput,
  type ExportJob,
  type ScheduleLink,
} from '@aurora/export-jobs';
import { NatsCredentialsError, natsClientSettings } from '@aurora/nats-access';
import type { InternalTokenIssuer } from '@aurora/internal-auth';
import { logger, recordExportSubmitted, recordQuotaUse } from '@aurora/observability';
import { fileNameFrom, parseExportRequest } from '@aurora/query-model';
import type { CallContext, Principal } from '@aurora/proto';
import type { GatewayConfig } from '../config';
import type { GrpcClients } from '../http/grpc-clients';
import { runnableReport } from './report-runs';
import {
  checkRecipientRights,
  sourceOf,
  type ReadableExport,
  type ScheduledExport,
} from './scheduled-exports';

const log = logger('gateway');

/** How much of an unknown id a 404 repeats (a probe's may be 5,000 characters). */
const MAX_ID_SHOWN = 40;

/**
 * The one 404 for a job that does not exist, is another user's, or whose id could not be a job's at all: none
 * may be told from another. A long id is shown cut short.
 */
export function exportNotFound(id: string): AuroraError {
  const shown = id.length > MAX_ID_SHOWN ? `${id.slice(0, MAX_ID_SHOWN)}…` : id;
  return new AuroraError(ErrorCode.NOT_FOUND, `There is no export "${shown}".`);
}

/** Export jobs for the HTTP API: validation and the Excel row limit up front, then the queue does the work. */
export class ExportsService {
  private queue: Promise<ExportQueue> | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly clients: GrpcClients,
    readonly store: ObjectStore,
    private readonly issuer: InternalTokenIssuer,
  ) {}

  /** `schedule`: the job is that schedule run's (ScheduleRunner), started exactly as one started by hand. */
  async submit(
    body: unknown,
    context: CallContext,
    idempotencyKey: string | undefined,
    schedule?: ScheduleLink,
  ): Promise<ExportJob> {
    const request = parseExportRequest(await this.withReportQuery(body, context));
    const queryJson = JSON.stringify(request.query);
    // Counting validates the query against the user's catalog and tells whether an XLSX would fit.
    const counted = await this.clients.query.count(queryJson, context, 'export').catch((error: unknown) => {
      throw error instanceof AuroraError && error.path
        ? new AuroraError(error.code, error.detail, `query.${error.path}`)
        : error;
    });
    const limit = this.config.EXPORT_EXCEL_MAX_ROWS;
    if (request.format === 'xlsx' && (counted.capped || counted.count > limit)) {
      throw new AuroraError(
        ErrorCode.ROW_LIMIT_EXCEEDED,
        `An Excel export holds at most ${limit.toLocaleString('en-US')} rows and this one has ${counted.capped ? 'more' : counted.count.toLocaleString('en-US')}: export CSV, or narrow the filter.`,
        'format',
      );
    }
    const content = {
      id: newJobId(),
      owner: {
        sub: context.principal.sub,
        name: context.principal.name,
        groups: [...context.principal.groups],
      },
      format: request.format,
      fileName: `${request.fileName.replace(/\.(csv|xlsx)(\.gz)?$/i, '')}.${request.format}${request.compression === 'gzip' ? '.gz' : ''}`,
      ...(request.compression === 'gzip' ? { compression: 'gzip' as const } : {}),
      queryJson,
    };
    // The worker runs only what this signs: the owner (with the attributes row policies read), and the digest of
    // the job's content.
    const statement = await this.issuer.jobStatement(context.principal, {
      job: content.id,
      digest: jobDigest(content),
    });
    return this.enqueue(
      queuedJob({ ...content, statement, ...(schedule ? { schedule } : {}) }),
      idempotencyKey,
    );
  }

  /**
   * A dashboard's page as a PDF or PNG job (exportDashboard): `tiles` are the dashboard's tiles already resolved
   * for the viewer (each report's query with its vintages and the dashboard's filters applied,
   * as the tile endpoints run it). The worker reads every tile's rows as the viewer, with their rights; the
   * statement signs the whole dashboard, so no tile's query can be changed on the way.
   */
  async submitDashboard(
    dashboard: {
      readonly name: string;
      /** The filter values as one line ("Month-end: 2026-10-31 · Region: EMEA, APAC"). */
      readonly filters: string;
      readonly format: DashboardFormat;
      /** `{ title, view, x, y, w, h, query, vintages, chart, previousVintage? }` each (DashboardJobTileSchema). */
      readonly tiles: DashboardJobInput['tiles'];
    },
    context: CallContext,
    idempotencyKey?: string,
    schedule?: ScheduleLink,
  ): Promise<ExportJob> {
    const parsed = DashboardJobSchema.safeParse({
      name: dashboard.name,
      filters: dashboard.filters,
      tiles: dashboard.tiles,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        `The dashboard cannot be exported: ${issue?.message ?? 'invalid'}.`,
        issue?.path.join('.') || undefined,
      );
    }
    const format = dashboard.format;
    const content = {
      id: newJobId(),
      owner: {
        sub: context.principal.sub,
        name: context.principal.name,
        groups: [...context.principal.groups],
      },
      format,
      fileName: `${fileNameFrom(parsed.data.name, 'aurora-dashboard')}.${format}`,
      queryJson: '',
      dashboardJson: JSON.stringify(parsed.data),
    };
    const statement = await this.issuer.jobStatement(context.principal, {
      job: content.id,
      digest: jobDigest(content),
    });
    return this.enqueue(
      queuedJob({ ...content, statement, ...(schedule ? { schedule } : {}) }),
      idempotencyKey,
    );
  }

  /** Queues a signed job under the owner's export quotas. */
  private async enqueue(job: ExportJob, idempotencyKey: string | undefined): Promise<ExportJob> {
    const limits = {
      concurrentJobs: this.config.QUOTA_CONCURRENT_EXPORTS,
      rowsPerDay: this.config.QUOTA_EXPORT_ROWS_PER_DAY,
    };
    const queued = await this.withQueue((queue) => queue.submit(job, idempotencyKey, limits));
    if (queued.created) recordExportSubmitted(job.format);
    if (queued.usage) {
      recordQuotaUse('concurrentExports', queued.usage.active.length, limits.concurrentJobs);
      recordQuotaUse('exportRowsPerDay', queued.usage.rows, limits.rowsPerDay);
    }
    return queued.job;
  }

  /** The owner's jobs queued or running, and the rows their exports wrote today (export quotas). */
  usage(owner: Principal): Promise<{ running: number; rowsToday: number; resetsAt: Date }> {
    return this.withQueue((queue) => queue.usage(owner));
  }

  /** `{ "reportId" }` instead of a query: the report's query, resolved now for the asker (runnableReport). */
  private async withReportQuery(body: unknown, context: CallContext): Promise<unknown> {
    if (typeof body !== 'object' || body === null || !('reportId' in body)) return body;
    const { reportId, ...rest } = body as Record<string, unknown>;
    if ('query' in rest)
      throw new AuroraError(ErrorCode.INVALID_QUERY, 'Export a query or a report, not both.', 'reportId');
    if (typeof reportId !== 'string' || reportId.length > 64)
      throw new AuroraError(ErrorCode.INVALID_QUERY, 'reportId must be a report id.', 'reportId');
    const { query, fileName } = await runnableReport(this.clients, reportId, context);
    return { fileName, ...rest, query };
  }

  async list(owner: Principal): Promise<ExportJob[]> {
    return this.withQueue((queue) => queue.list(owner));
  }

  async get(owner: Principal, id: string): Promise<ExportJob> {
    const job = await this.withQueue((queue) => queue.get(owner, id));
    if (!job) throw exportNotFound(id);
    return job;
  }

  watch(owner: Principal, id: string, signal: AbortSignal): Promise<AsyncGenerator<ExportJob>> {
    return this.withQueue((queue) => Promise.resolve(queue.watch(owner, id, signal)));
  }

  /** A queued job is cancelled at once; a running one is asked to stop (its worker does within a second). */
  async cancel(owner: Principal, id: string): Promise<ExportJob> {
    await this.get(owner, id);
    return this.withQueue(async (queue) => {
      const job = await queue.update(owner, id, (j) => {
        if (FINISHED.has(j.status)) return j;
        if (j.status === 'queued')
          return { ...j, status: 'cancelled', cancelRequested: true, finishedAt: new Date().toISOString() };
        return { ...j, cancelRequested: true };
      });
      // A queued job ends here, so its completed event is published here (the worker only acks it later).
      if (job.status === 'cancelled') await queue.publishCompleted(completedEvent(job));
      return job;
    });
  }

  /**
   * An export as `reader` may read it: their own job, or a scheduled run's job whose mail went to them and whose
   * data they may read themselves (checkRecipientRights: 403 if not). Anyone else: the one 404.
   */
  async readable(reader: CallContext, id: string): Promise<ReadableExport> {
    const own = await this.withQueue((queue) => queue.get(reader.principal, id));
    if (own) {
      // The owner's own job; a scheduled run's names where it came from, when the metadata service answers.
      const found = own.schedule ? await this.scheduledExport(id, reader).catch(() => undefined) : undefined;
      return { job: own, ...(found ? { source: sourceOf(found) } : {}) };
    }
    const found = await this.scheduledExport(id, reader);
    if (!found) throw exportNotFound(id);
    const job = await this.withQueue((queue) => queue.get(found.owner.sub, id));
    if (job?.schedule?.runId !== found.runId) throw exportNotFound(id);
    await checkRecipientRights(this.clients, this.issuer, job, found, reader);
    return { job, source: sourceOf(found) };
  }

  /** The schedule run behind an export, if `reader` owns it or its mail went to them. */
  private async scheduledExport(id: string, reader: CallContext): Promise<ScheduledExport | undefined> {
    try {
      return (await this.clients.schedules.scheduledExport(id, reader)) as ScheduledExport;
    } catch (error) {
      if (error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND) return undefined;
      throw error;
    }
  }

  /** The presigned link for `reader` (ExportsService.readable decides whether they may have it). */
  async readableDownloadUrl(reader: CallContext, id: string): Promise<string> {
    const { job } = await this.readable(reader, id);
    return this.fileUrl(job, id);
  }

  private fileUrl(job: ExportJob, id: string): Promise<string> {
    if (job.status !== 'succeeded' || !job.key) {
      throw new AuroraError(ErrorCode.NOT_FOUND, `Export "${id}" has no file yet (it is ${job.status}).`);
    }
    return this.store.presignDownload(job.key, job.fileName, this.config.DOWNLOAD_URL_TTL_SECONDS);
  }

  /** Nest calls this once the HTTP server has stopped. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    const queue = await this.queue?.catch(() => undefined);
    await queue?.close();
    this.store.close();
  }

  /**
   * Runs `work` on the queue; a NATS failure (a timeout or a lost connection, e.g. while NATS restarts) is a
   * 503 the client may retry, never a 500.
   */
  private async withQueue<T>(work: (queue: ExportQueue) => Promise<T>): Promise<T> {
    const queue = await this.jobs();
    try {
      return await work(queue);
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'NatsError') throw error;
      log.warn('NATS request failed', { error: error.message });
      throw new AuroraError(
        ErrorCode.UNAVAILABLE,
        'Exports are unavailable right now. Please try again in a moment.',
      );
    }
  }

  /** Connects on first use and again after a failure, so the API answers 503 (not a crash) while NATS is down. */
  private jobs(): Promise<ExportQueue> {
    const nats = natsClientSettings('gateway', this.config);
    this.queue ??= ExportQueue.connect(nats, 'aurora-gateway').catch((error: unknown) => {
      this.queue = undefined;
      if (error instanceof NatsCredentialsError)
        log.error('NATS refused the gateway', { error: error.message });
      else log.warn('NATS unreachable', { error: error instanceof Error ? error.message : String(error) });
      throw new AuroraError(
        ErrorCode.UNAVAILABLE,
        'Exports are unavailable right now. Please try again in a moment.',
      );
    });
    return this.queue;
  }
}
