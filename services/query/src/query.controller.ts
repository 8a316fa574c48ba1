import {
  callerOf,
  type CountResponse,
  type CsvChunk,
  type PreviewResponse,
  type RowBatch,
  type SqlResponse,
} from '@aurora/proto';
import type { Metadata, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { CsvRecordCounter } from '@aurora/csv';
import { GrpcMethod } from '@nestjs/microservices';
import { once } from 'node:events';
import { Observable } from 'rxjs';
import { QueryRunner, type RunContext } from './query-runner';
import { rowMessages } from './row-messages';
import { QueryTelemetry } from './query-telemetry';

interface QueryRequest {
  queryJson: string;
  /** "export" on a count before an export; otherwise empty (view). */
  action?: string;
}
type Call = ServerUnaryCall<QueryRequest, unknown> | ServerWritableStream<QueryRequest, unknown>;

/** The gRPC face of the query service: each method is one call into the runner, with the call's budget. */
@Controller()
export class QueryController {
  constructor(
    private readonly runner: QueryRunner,
    private readonly telemetry: QueryTelemetry,
  ) {}

  @GrpcMethod('QueryService', 'Preview')
  preview(request: QueryRequest, metadata: Metadata, call: Call): Promise<PreviewResponse> {
    const context = this.context(metadata, call);
    return this.telemetry.unary(
      'preview',
      request.queryJson,
      context.signal,
      () => this.runner.preview(request.queryJson, context),
      (answer) => answer.rowCount,
    );
  }

  @GrpcMethod('QueryService', 'Count')
  count(request: QueryRequest, metadata: Metadata, call: Call): Promise<CountResponse> {
    const context = this.context(metadata, call);
    const action = request.action === 'export' ? 'export' : 'view';
    return this.telemetry.unary('count', request.queryJson, context.signal, () =>
      this.runner.count(request.queryJson, context, action),
    );
  }

  @GrpcMethod('QueryService', 'CompileSql')
  compileSql(request: QueryRequest, metadata: Metadata, call: Call): Promise<SqlResponse> {
    const context = this.context(metadata, call);
    return this.telemetry.unary('sql', request.queryJson, context.signal, () =>
      this.runner.sql(request.queryJson, context),
    );
  }

  @GrpcMethod('QueryService', 'StreamRows')
  streamRows(
    request: QueryRequest,
    metadata: Metadata,
    call: ServerWritableStream<QueryRequest, RowBatch>,
  ): Observable<RowBatch> {
    return this.stream(request, metadata, call, 'rows', async function* (runner, context) {
      const { columns, batches } = await runner.rows(request.queryJson, context);
      let first = true;
      for await (const message of rowMessages(
        columns.map((column) => column.name),
        batches,
      )) {
        const { rowsArrow, count } = message;
        yield { message: { columns: first ? columns : [], rowsArrow, rowCount: count }, rows: count };
        first = false;
      }
      // An empty result still names its columns.
      if (first) yield { message: { columns, rowsArrow: Buffer.alloc(0), rowCount: 0 }, rows: 0 };
    });
  }

  @GrpcMethod('QueryService', 'StreamCsv')
  streamCsv(
    request: QueryRequest,
    metadata: Metadata,
    call: ServerWritableStream<QueryRequest, CsvChunk>,
  ): Observable<CsvChunk> {
    return this.stream(request, metadata, call, 'csv', async function* (runner, context) {
      // Rows are counted in the bytes (for the metrics), not made again.
      const records = new CsvRecordCounter();
      for await (const chunk of runner.csv(request.queryJson, context)) {
        const before = records.dataRows;
        records.add(chunk);
        yield { message: { data: chunk }, rows: records.dataRows - before };
      }
    });
  }

  /**
   * A server stream: each message produced only when the client has taken the last (backpressure), and the
   * engine query stopped when the client cancels.
   */
  private stream<M>(
    request: QueryRequest,
    metadata: Metadata,
    call: ServerWritableStream<QueryRequest, M>,
    kind: 'rows' | 'csv',
    produce: (runner: QueryRunner, context: RunContext) => AsyncIterable<{ message: M; rows: number }>,
  ): Observable<M> {
    return new Observable<M>((subscriber) => {
      const context = this.context(metadata, call);
      const abort = new AbortController();
      context.signal.addEventListener('abort', () => abort.abort(), { once: true });
      const recording = this.telemetry.stream(kind, request.queryJson, abort.signal);
      void (async () => {
        try {
          for await (const { message, rows } of produce(this.runner, { ...context, signal: abort.signal })) {
            subscriber.next(message);
            recording.rows(rows);
            if (call.writableNeedDrain)
              await Promise.race([once(call, 'drain'), once(abort.signal, 'abort')]);
            if (abort.signal.aborted) break;
          }
          recording.end();
          subscriber.complete();
        } catch (error) {
          recording.end(error);
          subscriber.error(error);
        }
      })();
      return () => abort.abort();
    });
  }

  /** The verified caller, the caller's deadline (the runner caps it) and an abort when the caller goes away. */
  private context(metadata: Metadata, call: Call): RunContext {
    const deadline = call.getDeadline();
    const callerMs =
      deadline instanceof Date
        ? deadline.getTime() - Date.now()
        : Number.isFinite(deadline)
          ? deadline - Date.now()
          : Infinity;
    const abort = new AbortController();
    call.once('cancelled', () => abort.abort());
    return {
      ...callerOf(metadata), // verified by GrpcAuthentication; its token goes on to the metadata service
      timeoutMs: Math.max(1, callerMs),
      signal: abort.signal,
    };
  }
}
