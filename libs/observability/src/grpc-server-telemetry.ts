import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { toGrpcErrorDetails } from '@aurora/proto';
import { status as grpcStatus, type Metadata } from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { METADATA_GETTER } from './grpc-client-telemetry';
import { grpcCodeName, grpcPath, recordGrpcServerCall } from './metrics/grpc';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from './request-scope';
import { tracer, tracingEnabled } from './tracing';

/**
 * Every gRPC call a Nest microservice serves: a SERVER span continuing the caller's trace (W3C context from
 * the metadata), the caller's request id on the handler's log lines (and the subject, once GrpcAuthentication
 * has verified it), and
 * `aurora_grpc_server_*` by status. Status codes are those the exception filter sends (the same mapping);
 * a stream the client cancels counts as CANCELLED. Register an instance: `app.useGlobalInterceptors(new
 * GrpcServerTelemetry())` (no decorator: this library loads without Nest, see GrpcExceptionFilter).
 */
export class GrpcServerTelemetry implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'rpc') return next.handle();
    const metadata = execution.getArgByIndex<Metadata>(1);
    const call = execution.getArgByIndex<{ getPath?: () => string } | undefined>(2);
    const { service, method } = grpcPath(
      call?.getPath?.() ?? `/${execution.getClass().name}/${execution.getHandler().name}`,
    );
    const scope = {
      requestId: requestIdFrom(METADATA_GETTER.get(metadata, REQUEST_ID_HEADER)),
    };
    return new Observable((subscriber) => {
      const started = performance.now();
      const parent = tracingEnabled()
        ? propagation.extract(ROOT_CONTEXT, metadata, METADATA_GETTER)
        : ROOT_CONTEXT;
      const span = tracingEnabled()
        ? tracer().startSpan(
            `${service}/${method}`,
            {
              kind: SpanKind.SERVER,
              attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method },
            },
            parent,
          )
        : undefined;
      let settled = false;
      const settle = (status: grpcStatus): void => {
        if (settled) return;
        settled = true;
        const code = grpcCodeName(status);
        recordGrpcServerCall({ service, method, code, seconds: (performance.now() - started) / 1000 });
        if (span) {
          if (status !== grpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          span.setAttribute('rpc.grpc.status_code', status);
          span.end();
        }
      };
      // Subscribing runs the handler: inside the span's context and the request's log scope.
      const active = span ? trace.setSpan(parent, span) : context.active();
      const subscription = runInRequestScope(scope, () =>
        context.with(active, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              settle(toGrpcErrorDetails(error).code);
              subscriber.error(error);
            },
            complete: () => {
              settle(grpcStatus.OK);
              subscriber.complete();
            },
          }),
        ),
      );
      return () => {
        subscription.unsubscribe();
        settle(grpcStatus.CANCELLED); // torn down before it completed: the client went away
      };
    });
  }
}
