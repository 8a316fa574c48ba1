import type { Registry } from 'prom-client';
import { BUCKETS, counter, gauge, histogram, metricsRegistry, statusClass } from './registry';

const HTTP_LABELS = ['route', 'method', 'status_class'] as const;

/** One finished HTTP request of the gateway. `route` is the route pattern, never the raw URL. */
export function recordHttpRequest(
  request: { route: string; method: string; status: number; seconds: number },
  registry: Registry = metricsRegistry(),
): void {
  const labels = { route: request.route, method: request.method, status_class: statusClass(request.status) };
  counter(registry, 'aurora_http_requests_total', 'HTTP requests served', HTTP_LABELS).inc(labels);
  histogram(
    registry,
    'aurora_http_request_duration_seconds',
    'HTTP request duration, from arrival to the last byte sent (or the client leaving)',
    HTTP_LABELS,
    BUCKETS.request,
  ).observe(labels, request.seconds);
}

/** A request refused with 429 by the per-user rate limit. */
export function recordRateLimitRejection(route: string, registry: Registry = metricsRegistry()): void {
  counter(
    registry,
    'aurora_rate_limit_rejections_total',
    'Requests refused by the per-user rate limit (429)',
    ['route'],
  ).inc({ route });
}

/** Open export-progress event streams (SSE): +1 when one opens, -1 when it closes. */
export function sseConnections(registry: Registry = metricsRegistry()): { open(): void; close(): void } {
  const open = gauge(registry, 'aurora_sse_connections', 'Open export-progress event streams (SSE)', []);
  return { open: () => open.inc(), close: () => open.dec() };
}
