import {
  logger,
  recordQuery,
  recordQueryCacheLookup,
  type QueryCacheResult,
  type QueryKind,
} from '@aurora/observability';
import type { DialectName } from '@aurora/sql-dialect';

const log = logger('query');

/**
 * Records each query the service handles: `aurora_query_*` metrics and one `query` log line (kind, outcome,
 * rows, duration; the query itself only at debug level, as it holds the user's filter values).
 */
export class QueryTelemetry {
  constructor(private readonly dialect: DialectName) {}

  /** Times `work`; `rowsOf` counts the data rows of its answer. */
  async unary<T>(
    kind: QueryKind,
    queryJson: string,
    signal: AbortSignal,
    work: () => Promise<T>,
    rowsOf: (answer: T) => number = () => 0,
  ): Promise<T> {
    const recording = this.stream(kind, queryJson, signal);
    try {
      const answer = await work();
      recording.rows(rowsOf(answer));
      recording.end();
      return answer;
    } catch (error) {
      recording.end(error);
      throw error;
    }
  }

  /** One lookup of the result cache (result-cache.ts). */
  cacheLookup(kind: QueryKind, result: QueryCacheResult): void {
    recordQueryCacheLookup(this.dialect, kind, result);
  }

  /** A stream: count its batches' rows as they go, then `end` it once (with its error, if any). */
  stream(
    kind: QueryKind,
    queryJson: string,
    signal: AbortSignal,
  ): { rows(count: number): void; end(error?: unknown): void } {
    log.debug('query received', { kind, queryJson });
    const started = performance.now();
    let rows = 0;
    let ended = false;
    return {
      rows: (count) => {
        rows += count;
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        const seconds = (performance.now() - started) / 1000;
        const cancelled = signal.aborted;
        const { outcome, code } = recordQuery({
          dialect: this.dialect,
          kind,
          seconds,
          rows,
          error,
          cancelled,
        });
        log.info('query', {
          kind,
          outcome,
          ...(code === undefined ? {} : { code }),
          dialect: this.dialect,
          rows,
          durationMs: Math.round(seconds * 1000),
        });
      },
    };
  }
}
