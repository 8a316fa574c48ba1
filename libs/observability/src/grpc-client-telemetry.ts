import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InterceptingCall, status as grpcStatus, type Interceptor, type Metadata } from '@grpc/grpc-js';
import { grpcCodeName, grpcPath, recordGrpcClientCall } from './metrics/grpc';
import { REQUEST_ID_HEADER, requestScope } from './request-scope';
import { tracer, tracingEnabled } from './tracing';

/**
 * A grpc-js client interceptor: a CLIENT span whose W3C context travels in the call's metadata (so the callee's
 * span is its child), the request id in `x-request-id`, and `aurora_grpc_client_requests_total` by status.
 * Give it to every client: `new QueryService(address, credentials, { interceptors: [grpcClientTelemetry()] })`.
 */
export function grpcClientTelemetry(): Interceptor {
  return (options, nextCall) => {
    const { service, method } = grpcPath(options.method_definition.path);
    const started = performance.now();
    // The interceptor runs where the call is made, so the active context is the caller's.
    const span = tracingEnabled()
      ? tracer().startSpan(`${service}/${method}`, {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method },
        })
      : undefined;
    const requestId = requestScope()?.requestId;
    return new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        if (span) propagation.inject(trace.setSpan(context.active(), span), metadata, METADATA_SETTER);
        if (requestId !== undefined && metadata.get(REQUEST_ID_HEADER).length === 0) {
          metadata.set(REQUEST_ID_HEADER, requestId);
        }
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            const code = grpcCodeName(status.code);
            recordGrpcClientCall({ service, method, code, seconds: (performance.now() - started) / 1000 });
            if (span) {
              span.setAttribute('rpc.grpc.status_code', status.code);
              if (status.code !== grpcStatus.OK)
                span.setStatus({ code: SpanStatusCode.ERROR, message: code });
              span.end();
            }
            nextStatus(status);
          },
        });
      },
    });
  };
}

export const METADATA_SETTER = {
  set(metadata: Metadata, key: string, value: string): void {
    metadata.set(key, value);
  },
};

export const METADATA_GETTER = {
  keys: (metadata: Metadata): string[] => Object.keys(metadata.getMap()),
  get(metadata: Metadata, key: string): string | undefined {
    const [value] = metadata.get(key);
    return typeof value === 'string' ? value : undefined;
  },
};
