import type { Principal } from '@aurora/proto';
import type { ExportFormat } from '@aurora/query-model';
import { createHash } from 'node:crypto';
import type { DashboardFormat } from './dashboard-job';

/** A job's file: a query's rows as CSV or XLSX, or a dashboard's page as PDF or PNG. */
export type JobFormat = ExportFormat | DashboardFormat;

export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The job record kept in the KV bucket: the single source of a job's state, watched for progress. */
export interface ExportJob {
  readonly id: string;
  /** Who asked: the worker runs the query as this principal, so it sees exactly what they may see. */
  readonly owner: Principal;
  readonly format: JobFormat;
  /** CSV may be gzip-compressed (absent: not compressed). */
  readonly compression?: 'gzip' | undefined;
  readonly fileName: string;
  /** The query whose rows a CSV or XLSX holds; empty for a dashboard job. */
  readonly queryJson: string;
  /** A PDF or PNG job's dashboard (DashboardJobSchema as JSON): every tile's query, chart and place. */
  readonly dashboardJson?: string | undefined;
  readonly status: ExportStatus;
  readonly rowsWritten: number;
  readonly bytes: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
  readonly cancelRequested: boolean;
  /** Where the file is (bucket and key) once written, and its checksum. */
  readonly bucket: string | null;
  readonly key: string | null;
  readonly sha256: string | null;
  /** Attempts so far (JetStream deliveries that started work). */
  readonly attempts: number;
  /**
   * The gateway's signed statement (an internal token for the export service) of who submitted the job and of
   * its `jobDigest`: the worker runs nothing that the gateway did not sign, whatever else is in the record.
   */
  readonly statement: string;
  /** A scheduled run's job: its schedule and run (absent for an export started by hand). */
  readonly schedule?: ScheduleLink | undefined;
}

/** Which schedule run an export job is (docs/API.md, "Schedules"). */
export interface ScheduleLink {
  readonly scheduleId: string;
  readonly runId: string;
}

/** What a submission decides; everything else starts empty. */
export type JobRequest = Pick<
  ExportJob,
  | 'id'
  | 'owner'
  | 'format'
  | 'fileName'
  | 'queryJson'
  | 'dashboardJson'
  | 'compression'
  | 'statement'
  | 'schedule'
>;

/** What a job's statement vouches for: which job, as whom, running what, and where the file goes. */
export function jobDigest(
  job: Pick<
    ExportJob,
    'id' | 'owner' | 'format' | 'fileName' | 'queryJson' | 'dashboardJson' | 'compression'
  >,
): string {
  const content = [job.id, job.owner.sub, job.format, job.compression ?? null, job.fileName, job.queryJson];
  // A dashboard's tiles (each a query) are vouched for alike; a query job's digest is unchanged.
  if (job.dashboardJson !== undefined) content.push(job.dashboardJson);
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

/** A new job record: queued, nothing written, no attempt yet. */
export function queuedJob(request: JobRequest): ExportJob {
  return {
    ...request,
    status: 'queued',
    rowsWritten: 0,
    bytes: 0,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    cancelRequested: false,
    bucket: null,
    key: null,
    sha256: null,
    attempts: 0,
  };
}

export const FINISHED: ReadonlySet<ExportStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** The job as docs/API.md shows it to its owner. */
export function publicView(job: ExportJob) {
  return {
    id: job.id,
    status: job.status,
    format: job.format,
    fileName: job.fileName,
    rowsWritten: job.rowsWritten,
    bytes: job.bytes,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.error,
    ...(job.schedule ? { schedule: job.schedule } : {}),
  };
}

/** The object key derives from the job id alone, so a redelivered job overwrites rather than duplicates. */
export function objectKey(job: Pick<ExportJob, 'id' | 'format' | 'compression'>): string {
  return `exports/${job.id}.${job.format}${job.compression === 'gzip' ? '.gz' : ''}`;
}

/** The export-completed event of docs/API.md (CloudEvents 1.0, JSON), for batch consumers. */
export interface ExportCompletedEvent {
  readonly specversion: '1.0';
  readonly type: 'io.aurora.export.completed';
  readonly source: '/services/export';
  readonly id: string;
  readonly time: string | null;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: {
    readonly jobId: string;
    readonly owner: string;
    readonly format: JobFormat;
    readonly status: ExportStatus;
    readonly bucket: string | null;
    readonly key: string | null;
    readonly rows: number;
    readonly bytes: number;
    readonly sha256: string | null;
    readonly error?: { readonly code: string; readonly detail: string };
    readonly schedule?: ScheduleLink;
  };
}

/** The event for a finished job. */
export function completedEvent(job: ExportJob): ExportCompletedEvent {
  return {
    specversion: '1.0',
    type: 'io.aurora.export.completed',
    source: '/services/export',
    id: job.id,
    time: job.finishedAt,
    subject: job.id,
    datacontenttype: 'application/json',
    data: {
      jobId: job.id,
      owner: job.owner.sub,
      format: job.format,
      status: job.status,
      bucket: job.bucket,
      key: job.key,
      rows: job.rowsWritten,
      bytes: job.bytes,
      sha256: job.sha256,
      ...(job.error ? { error: job.error } : {}),
      ...(job.schedule ? { schedule: job.schedule } : {}),
    },
  };
}
