import type { AuditAction } from '@aurora/audit';
import { logger } from '@aurora/observability';
import { checkJsonDepth } from '@aurora/query-model';
import type { Request } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { failureOf, type AuditTrail, type RecordDetails } from './audit-trail';

/**
 * How a route's access is recorded:
 * - `after`: one record once the answer is ready and before it is sent (`grant`), with rows and bytes;
 * - `stream`: announced (`begin`) before the first byte, recorded again with bytes and outcome when it ends;
 * - `announce`: a change or hand-over that cannot be held back once made: announced before the handler runs,
 *   recorded again with its outcome.
 */
export type AccessMode = 'after' | 'stream' | 'announce';

const scope = new AsyncLocalStorage<Access>();
const log = logger('gateway');

/** One audited request: what it reads, and its records. Found by the response helpers through `currentAccess`. */
export class Access {
  private readonly startedAt = performance.now();
  private query: unknown;
  private target: string | null;
  private datasets: readonly string[] | undefined;
  private bytes = 0;
  private began = false;
  private granted = false;

  constructor(
    private readonly trail: AuditTrail,
    private readonly request: Request,
    readonly action: AuditAction,
    readonly mode: AccessMode,
  ) {
    this.query = queryOfBody(request.body);
    const id = request.params['id'];
    this.target = typeof id === 'string' ? id : null;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return scope.run(this, work);
  }

  /** What the request turned out to read (a saved report's query, resolved by the metadata service). */
  describe(query: unknown): void {
    this.query = query;
  }

  /** The announcement of a stream or a change: nothing is served or changed unless it is stored. */
  async begin(): Promise<void> {
    if (this.began) return;
    await this.trail.record(this.request, this.details({ outcome: 'started', status: null }));
    this.began = true;
  }

  /** Before an answer is sent (mode `after`): the one record, with the rows and bytes about to go out. */
  async grant(measures: { rows?: number | null; bytes: number }): Promise<void> {
    await this.trail.record(
      this.request,
      this.details({ outcome: 'ok', status: 200, rows: measures.rows ?? null, bytes: measures.bytes }),
    );
    this.granted = true;
  }

  /** Bytes a stream has written. */
  wrote(bytes: number): void {
    this.bytes += bytes;
  }

  /** The handler returned `value`, not sent yet (passthrough routes) or sent already (`@Res()` routes). */
  async succeeded(value: unknown, status: number): Promise<void> {
    const described = describeResult(value);
    if (described.target) this.target = described.target;
    if (described.dataset) this.datasets = [described.dataset];
    switch (this.mode) {
      case 'after':
        if (this.granted) return;
        // A handler that sent its own answer must have recorded it first (sendPreview does): this one did not.
        if (this.request.res?.headersSent)
          log.error('an audited answer was sent before its record', { action: this.action });
        await this.grant({ rows: described.rows, bytes: described.bytes });
        return;
      case 'stream': {
        // A client that left midway got part of the file: recorded as such, with the bytes it was sent.
        const whole = this.request.res?.writableFinished !== false;
        await this.trail.recordBestEffort(
          this.request,
          this.details({
            outcome: whole ? 'ok' : 'error',
            status,
            bytes: this.bytes,
            ...(whole ? {} : { errorCode: 'CLIENT_CLOSED' }),
          }),
        );
        return;
      }
      case 'announce':
        await this.trail.recordBestEffort(this.request, this.details({ outcome: 'ok', status }));
        return;
    }
  }

  /** The request failed: recorded as refused or failed, best effort (its answer is an error either way). */
  async failed(error: unknown): Promise<void> {
    const { status, errorCode } = failureOf(error);
    if (errorCode === 'AUDIT_UNAVAILABLE') return;
    await this.trail.recordBestEffort(
      this.request,
      this.details({
        outcome: status === 401 || status === 403 || status === 429 ? 'refused' : 'error',
        status,
        errorCode,
        ...(this.mode === 'stream' && this.began ? { bytes: this.bytes } : {}),
      }),
    );
  }

  private details(fields: Pick<RecordDetails, 'outcome' | 'status'> & Partial<RecordDetails>): RecordDetails {
    return {
      action: this.action,
      query: this.query,
      target: this.target,
      ...(this.datasets ? { datasets: this.datasets } : {}),
      durationMs: fields.outcome === 'started' ? null : Math.round(performance.now() - this.startedAt),
      ...fields,
    };
  }
}

/**
 * The access of the request being handled. The response helpers (sendPreview, sendCsv) require it, so a data
 * route without @Audited() fails at once instead of serving data unrecorded.
 */
export function currentAccess(): Access {
  const access = scope.getStore();
  if (!access) throw new Error('a data response outside an audited route: add @Audited() to its handler');
  return access;
}

/** Describes the request's query when there is an audited request (report runs are shared with unaudited reads). */
export function describeAccess(query: unknown): void {
  scope.getStore()?.describe(query);
}

/**
 * The query a body holds: the query model itself, an export's `query`, or the download form's query JSON. The
 * interceptor runs before the handler's pipes, so a body nested deeper than any legal query (which BodyDepthPipe
 * then refuses) is not walked here: it would overflow the stack; its record names no query.
 */
function queryOfBody(body: unknown): unknown {
  const query = bodyQuery(body);
  try {
    checkJsonDepth(query);
    return query;
  } catch {
    return undefined;
  }
}

function bodyQuery(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  const nested = fields['query'];
  if (typeof nested === 'string') {
    try {
      return JSON.parse(nested) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof nested === 'object' && nested !== null) return nested;
  return 'dataset' in fields ? body : undefined;
}

function describeResult(value: unknown): {
  rows: number | null;
  bytes: number;
  target: string | undefined;
  dataset: string | undefined;
} {
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    rows: typeof fields['count'] === 'number' ? fields['count'] : null,
    bytes: value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)),
    target: typeof fields['id'] === 'string' ? fields['id'] : undefined,
    dataset: typeof fields['dataset'] === 'string' ? fields['dataset'] : undefined,
  };
}
