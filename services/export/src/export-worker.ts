import { AuroraError, ErrorCode, isAuroraError } from '@aurora/errors';
import {
  FINISHED,
  completedEvent,
  jobDigest,
  objectKey,
  type Delivery,
  type ExportJob,
  type ExportQueue,
  type ObjectStore,
} from '@aurora/export-jobs';
import { ISSUERS, type InternalTokenIssuer, type InternalTokenVerifier } from '@aurora/internal-auth';
import {
  contextFromHeaders,
  logger,
  recordExportJob,
  REQUEST_ID_HEADER,
  runInRequestScope,
  SpanKind,
  withSpan,
} from '@aurora/observability';
import type { Principal, QueryClient } from '@aurora/proto';
import { byteSink } from '@aurora/row-batches';
import { CsvRecordCounter } from '@aurora/csv';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { writeDashboardFile } from './dashboard-file';
import { CONTENT_TYPES, xlsxFile } from './file-writer';

const log = logger('export');

/** Errors that another attempt cannot fix: the job fails at once. */
const PERMANENT: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_QUERY,
  ErrorCode.UNKNOWN_DATASET,
  ErrorCode.UNKNOWN_COLUMN,
  ErrorCode.INVALID_VALUE,
  ErrorCode.PARTITION_FILTER_REQUIRED,
  ErrorCode.QUERY_TOO_EXPENSIVE,
  ErrorCode.ROW_LIMIT_EXCEEDED,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
]);

class Cancelled extends Error {}

export interface WorkerDeps {
  readonly queue: ExportQueue;
  readonly store: ObjectStore;
  readonly query: QueryClient;
  readonly timeoutMs: number;
  /** Checks a job's statement: signed by the gateway, for the export service. */
  readonly statements: InternalTokenVerifier;
  /** Signs the worker's calls to the query service as the job's owner (the worker as actor). */
  readonly issuer: InternalTokenIssuer;
}

/**
 * One job, end to end: rows streamed from the query service → CSV/XLSX → S3 multipart upload under a key
 * derived from the job id → job record → export-completed event. Heartbeats keep the delivery alive;
 * progress goes to the job record about once a second; a cancel request stops it within a second.
 * It runs in a CONSUMER span continuing the submission's trace (context from the message headers), with the
 * submission's request id and the owner's subject on its log lines.
 */
export function runJob(delivery: Delivery, deps: WorkerDeps, shutdown: AbortSignal): Promise<void> {
  const scope = { requestId: delivery.headers[REQUEST_ID_HEADER], subject: delivery.job.owner.sub };
  const span = {
    kind: SpanKind.CONSUMER,
    parent: contextFromHeaders(delivery.headers),
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.name': 'process',
      'aurora.export.format': delivery.job.format,
      'aurora.export.attempt': delivery.attempt,
    },
  };
  return runInRequestScope(scope, () => withSpan('export job', span, () => handle(delivery, deps, shutdown)));
}

async function handle(delivery: Delivery, deps: WorkerDeps, shutdown: AbortSignal): Promise<void> {
  const { queue } = deps;
  if (!(await queue.get(delivery.job.owner, delivery.job.id))) {
    delivery.term();
    return;
  }
  let owner: Principal;
  try {
    owner = await verifiedOwner(delivery.job, deps.statements);
  } catch (error) {
    // Not submitted through the gateway (written into NATS by someone else, or altered since): never run.
    const reason = isAuroraError(error)
      ? { code: error.code, detail: error.detail }
      : { code: ErrorCode.UNAUTHENTICATED, detail: 'The export job could not be verified.' };
    if (!FINISHED.has(delivery.job.status))
      await finish(deps, delivery.job, { status: 'failed', error: reason });
    delivery.term();
    log.warn('export refused', { job: delivery.job.id, reason: reason.detail });
    return;
  }
  // Compare-and-set: a cancel that lands meanwhile is never overwritten. A job found 'running' is one whose
  // worker died: this delivery takes it over.
  const job = await queue.update(delivery.job.owner, delivery.job.id, (j) =>
    FINISHED.has(j.status) || j.cancelRequested
      ? j
      : {
          ...j,
          status: 'running',
          startedAt: j.startedAt ?? new Date().toISOString(),
          attempts: j.attempts + 1,
          error: null,
        },
  );
  if (FINISHED.has(job.status)) {
    delivery.ack(); // finished before (e.g. redelivered after a crash between finishing and acking)
    // A job cancelled while queued ended in the gateway: its count is taken here, where all jobs are counted.
    if (job.status === 'cancelled' && job.startedAt === null)
      recordExportJob({ format: job.format, status: 'cancelled' });
    return;
  }
  if (job.cancelRequested) {
    await finish(deps, job, { status: 'cancelled' });
    delivery.ack();
    return;
  }
  log.info('export started', { job: job.id, attempt: delivery.attempt, format: job.format });
  const abort = new AbortController();
  const heartbeat = setInterval(() => delivery.working(), delivery.heartbeatMs);
  const watching = watchForCancel(deps, job, abort);
  const onShutdown = (): void => abort.abort(new Error('worker shutting down'));
  shutdown.addEventListener('abort', onShutdown, { once: true });
  try {
    const result = await writeFile(job, owner, deps, abort.signal);
    await finish(deps, job, { status: 'succeeded', ...result });
    delivery.ack();
    log.info('export succeeded', { job: job.id, rows: result.rowsWritten, bytes: result.bytes });
  } catch (error) {
    await settleFailure(delivery, deps, job, error, abort.signal);
  } finally {
    clearInterval(heartbeat);
    shutdown.removeEventListener('abort', onShutdown);
    abort.abort();
    await watching;
  }
}

async function writeFile(job: ExportJob, owner: Principal, deps: WorkerDeps, signal: AbortSignal) {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Optional gzip sits between the file writer and the meter, so bytes and sha256 are those stored.
  const gzip = job.compression === 'gzip' ? createGzip() : null;
  gzip?.pipe(meter);
  const sink = gzip ?? meter;
  const key = objectKey(job);
  await abortLeftovers(deps, job, key);
  const upload = { kind: SpanKind.CLIENT, attributes: { 'aws.s3.bucket': deps.store.bucket } };
  const uploading = withSpan('s3 upload', upload, () =>
    deps.store.upload(key, meter, gzip ? 'application/gzip' : CONTENT_TYPES[job.format], signal),
  );
  // An upload that fails must also stop the writer.
  uploading.catch(() => {
    gzip?.destroy();
    meter.destroy();
  });
  const token = await deps.issuer.requestToken(owner, ISSUERS.export);
  const context = { principal: owner, token, timeoutMs: deps.timeoutMs, signal };
  let rowsWritten = 0;
  let lastProgress = Date.now();
  const progressed = async (): Promise<void> => {
    if (Date.now() - lastProgress < 1000) return;
    lastProgress = Date.now();
    await deps.queue.update(job.owner, job.id, (j) => ({ ...j, rowsWritten, bytes }));
  };
  try {
    switch (job.format) {
      case 'csv': {
        // The query service formats the CSV next to the data; the worker stores its bytes as they come.
        const file = byteSink(sink);
        const records = new CsvRecordCounter();
        for await (const chunk of deps.query.csv(job.queryJson, context)) {
          await file.write(chunk);
          records.add(chunk);
          rowsWritten = records.dataRows;
          await progressed();
        }
        await file.end();
        break;
      }
      case 'xlsx': {
        const { columns, batches } = await deps.query.rows(job.queryJson, context);
        const file = xlsxFile(columns, sink);
        for await (const batch of batches) {
          await file.write(batch);
          rowsWritten += batch.rowCount;
          await progressed();
        }
        await file.finish();
        break;
      }
      case 'pdf':
      case 'png': {
        // A dashboard: every tile's rows read as the owner, one tile at a time, drawn into one page.
        const dashboard = {
          format: job.format,
          dashboardJson: job.dashboardJson ?? '',
          context,
          query: deps.query,
        };
        const onRows = async (rows: number): Promise<void> => {
          rowsWritten = rows;
          await progressed();
        };
        rowsWritten = await writeDashboardFile({ ...dashboard, onRows }, sink);
        break;
      }
    }
    await uploading;
  } catch (error) {
    gzip?.destroy();
    meter.destroy();
    await uploading.catch(() => undefined);
    if (signal.aborted)
      throw signal.reason instanceof Error && signal.reason.message === 'cancelled'
        ? new Cancelled()
        : signal.reason;
    throw error;
  }
  return { rowsWritten, bytes, bucket: deps.store.bucket, key, sha256: hash.digest('hex') };
}

async function settleFailure(
  delivery: Delivery,
  deps: WorkerDeps,
  job: ExportJob,
  error: unknown,
  signal: AbortSignal,
) {
  if (error instanceof Cancelled) {
    await finish(deps, job, { status: 'cancelled' });
    delivery.ack();
    return;
  }
  if (isAuroraError(error)) log.debug('export attempt failed', { job: job.id, detail: error.detail });
  const permanent = isAuroraError(error) && PERMANENT.has(error.code);
  if (permanent || delivery.last) {
    const reason = isAuroraError(error)
      ? { code: error.code, detail: error.detail }
      : {
          code: ErrorCode.UNAVAILABLE,
          detail: `The export could not be completed after ${job.attempts} attempts. Please try again later.`,
        };
    await finish(deps, job, { status: 'failed', error: reason });
    delivery.term();
    log.warn('export failed', {
      job: job.id,
      code: reason.code,
      attempts: job.attempts,
      error: describe(error),
    });
    return;
  }
  // A passing fault (or this worker stopping): hand the job back; JetStream redelivers after the backoff.
  await deps.queue.update(job.owner, job.id, (j) => ({ ...j, status: 'queued', rowsWritten: 0, bytes: 0 }));
  delivery.retry();
  recordExportJob({ format: job.format, status: 'retried' });
  log.warn('export will be retried', {
    job: job.id,
    attempt: delivery.attempt,
    shutdown: signal.aborted,
    error: describe(error),
  });
}

/**
 * Who a job runs as: the principal of the gateway's signed statement, and only if the statement vouches for
 * exactly this job (its id, owner and content digest).
 */
async function verifiedOwner(job: ExportJob, statements: InternalTokenVerifier): Promise<Principal> {
  const { principal, claims } = await statements.verify(job.statement);
  if (claims['job'] !== job.id || claims['digest'] !== jobDigest(job) || principal.sub !== job.owner.sub) {
    throw new AuroraError(ErrorCode.UNAUTHENTICATED, 'The export job does not match its signed statement.');
  }
  return principal;
}

/** Records the end state and publishes the export-completed CloudEvent (deduplicated by job id). */
export async function finish(
  deps: Pick<WorkerDeps, 'queue'>,
  job: ExportJob,
  end: Partial<ExportJob> & Pick<ExportJob, 'status'>,
): Promise<void> {
  const done = await deps.queue.update(job.owner, job.id, (j) => ({
    ...j,
    ...end,
    finishedAt: new Date().toISOString(),
  }));
  await deps.queue.publishCompleted(completedEvent(done));
  if (done.status === 'succeeded' || done.status === 'failed' || done.status === 'cancelled') {
    const ran =
      done.startedAt === null ? undefined : Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt);
    recordExportJob({
      format: done.format,
      status: done.status,
      seconds: ran === undefined ? undefined : ran / 1000,
      rows: done.rowsWritten,
      bytes: done.bytes,
    });
  }
}

/** Watches the record; a cancel request aborts the job. */
async function watchForCancel(deps: WorkerDeps, job: ExportJob, abort: AbortController): Promise<void> {
  try {
    for await (const state of deps.queue.watch(job.owner, job.id, abort.signal)) {
      if (state.cancelRequested) {
        abort.abort(new Error('cancelled'));
        return;
      }
    }
  } catch {
    // the watch ends with the job
  }
}

/**
 * An earlier attempt of this job may have left a multipart upload behind (its worker was killed, or S3 was
 * unreachable when it tried to abort): abort it now, so it does not linger beside the file. Best effort: an
 * S3 without ListMultipartUploads (plain s3rver) or one that is down fails this, and the upload decides.
 */
async function abortLeftovers(deps: WorkerDeps, job: ExportJob, key: string): Promise<void> {
  try {
    const aborted = await deps.store.abortIncompleteUploads(key);
    if (aborted > 0) log.info('aborted incomplete uploads of an earlier attempt', { job: job.id, aborted });
  } catch (error) {
    // An S3 without the call (plain s3rver, as `npm start` runs it) has nothing to say: no warning for that.
    if (error instanceof Error && error.name === 'NotImplemented') return;
    log.warn('could not look for incomplete uploads', { job: job.id, error: describe(error) });
  }
}

/** For warn lines: a domain error's code (its detail may quote the user's filter values: debug only). */
function describe(error: unknown): string {
  if (isAuroraError(error)) return error.code;
  return error instanceof Error ? error.message.slice(0, 300) : 'unknown error';
}
