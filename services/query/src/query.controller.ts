import {
  callerOf,
  type CountResponse,
  type PreviewResponse,
  type RowBatch,
  type SqlResponse,
} from '@aurora/proto';
import type { Metadata, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { once } from 'node:events';
import { Observable } from 'rxjs';
import { QueryRunner, type RunContext } from './query-runner';
import { rowMessages } from './row-messages';
import { QueryTelemetry } from './query-telemetry';

interface QueryRequest {
  queryJson: string;
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
      (answer) => (JSON.parse(answer.rowsJson) as unknown[]).length,
    );
  }

  @GrpcMethod('QueryService', 'Count')
  count(request: QueryRequest, metadata: Metadata, call: Call): Promise<CountResponse> {
    const context = this.context(metadata, call);
    return this.telemetry.unary('count', request.queryJson, context.signal, () =>
      this.runner.count(request.queryJson, context),
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
    return new Observable<RowBatch>((subscriber) => {
      const context = this.context(metadata, call);
      const abort = new AbortController();
      context.signal.addEventListener('abort', () => abort.abort(), { once: true });
      const recording = this.telemetry.stream('rows', request.queryJson, abort.signal);
      void (async () => {
        try {
          for await (const batch of this.runner.rows(request.queryJson, {
            ...context,
            signal: abort.signal,
          })) {
            for (const message of rowMessages(batch.rows)) {
              subscriber.next({ columns: batch.columns, rowsJson: message.rowsJson });
              recording.rows(message.count);
              // Backpressure: produce the next message only when the client has taken this one.
              if (call.writableNeedDrain)
                await Promise.race([once(call, 'drain'), once(abort.signal, 'abort')]);
              if (abort.signal.aborted) break;
            }
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
