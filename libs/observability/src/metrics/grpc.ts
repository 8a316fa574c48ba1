import { status } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { BUCKETS, counter, histogram, metricsRegistry } from './registry';

const GRPC_LABELS = ['grpc_service', 'grpc_method', 'grpc_code'] as const;

export interface GrpcCall {
  /** `aurora.v1.QueryService` */
  readonly service: string;
  /** `Preview` */
  readonly method: string;
  /** The status name: `OK`, `INVALID_ARGUMENT`… */
  readonly code: string;
  readonly seconds: number;
}

/** `/aurora.v1.QueryService/Preview` → service and method. */
export function grpcPath(path: string): { service: string; method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

/** `OK` for 0, `INVALID_ARGUMENT` for 3, … */
export function grpcCodeName(code: number): string {
  return (status as unknown as Record<number, string | undefined>)[code] ?? 'UNKNOWN';
}

/** A call this service answered (metadata, query). */
export function recordGrpcServerCall(call: GrpcCall, registry: Registry = metricsRegistry()): void {
  const labels = { grpc_service: call.service, grpc_method: call.method, grpc_code: call.code };
  counter(registry, 'aurora_grpc_server_requests_total', 'gRPC calls served', GRPC_LABELS).inc(labels);
  histogram(
    registry,
    'aurora_grpc_server_duration_seconds',
    'gRPC call duration as served, until the last message (streams included)',
    GRPC_LABELS,
    BUCKETS.request,
  ).observe(labels, call.seconds);
}

/** A call this service made (gateway, query, export). */
export function recordGrpcClientCall(call: GrpcCall, registry: Registry = metricsRegistry()): void {
  const labels = { grpc_service: call.service, grpc_method: call.method, grpc_code: call.code };
  counter(registry, 'aurora_grpc_client_requests_total', 'gRPC calls made', GRPC_LABELS).inc(labels);
  histogram(
    registry,
    'aurora_grpc_client_duration_seconds',
    'gRPC call duration as the caller saw it',
    GRPC_LABELS,
    BUCKETS.request,
  ).observe(labels, call.seconds);
}
