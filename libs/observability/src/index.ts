export { GrpcExceptionFilter } from './grpc-exception.filter';
export { grpcClientTelemetry } from './grpc-client-telemetry';
export { GrpcServerTelemetry } from './grpc-server-telemetry';
export { httpTelemetry, routeOf, type RoutedRequest } from './http-telemetry';
export { LOG_LEVELS, logger, setLogLevel, type Logger, type LogLevel } from './logger';
export { serveMetrics, type MetricsServer, type MetricsServerOptions } from './metrics-server';
export { recordAuditRecord } from './metrics/audit';
export {
  recordDeliveryAttempt,
  recordDeliveryFailure,
  registerDeliveryMetrics,
  type DeliveryAttemptResult,
  type DeliveryChannelLabel,
  type DeliveryFailureKind,
} from './metrics/delivery';
export {
  recordExportJob,
  recordExportSubmitted,
  registerJetStreamGauges,
  type ConsumerBacklog,
  type ExportJobRecord,
} from './metrics/export';
export { grpcCodeName, grpcPath, recordGrpcClientCall, recordGrpcServerCall } from './metrics/grpc';
export { recordHttpRequest, recordRateLimitRejection, sseConnections } from './metrics/http';
export { registerPoolGauges } from './metrics/pool';
export {
  recordScheduleRun,
  recordScheduleRunQueued,
  registerScheduleMetrics,
  type ScheduleRunOutcome,
} from './metrics/schedule';
export {
  recordAlertCheck,
  recordAlertTransition,
  registerAlertMetrics,
  type AlertCheckOutcome,
  type AlertTransitionKind,
} from './metrics/alert';
export { recordQuotaRefusal, recordQuotaUse, registerQuotaMetrics } from './metrics/quota';
export {
  queryOutcome,
  recordQuery,
  type QueryKind,
  type QueryOutcome,
  type QueryRecord,
} from './metrics/query';
export {
  recordQueryCacheLookup,
  registerQueryCacheGauges,
  type QueryCacheResult,
} from './metrics/query-cache';
export { BUCKETS, initMetrics, metricsRegistry, statusClass } from './metrics/registry';
export {
  annotateRequest,
  REQUEST_ID_HEADER,
  requestIdFrom,
  requestScope,
  runInRequestScope,
  type RequestScope,
} from './request-scope';
export { startTelemetry, telemetryEnv, type TelemetryConfig } from './telemetry';
export { SpanKind } from '@opentelemetry/api';
export {
  contextFromHeaders,
  failSpan,
  startTracing,
  traceHeaders,
  tracer,
  tracingEnabled,
  withSpan,
  withSpanIterable,
  type Tracing,
  type TracingOptions,
  type WithSpanOptions,
} from './tracing';
