import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger';
import { recordHttpRequest } from './metrics/http';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope, type RequestScope } from './request-scope';
import { tracer, tracingEnabled } from './tracing';

/** What Express adds to a request once a route matched. */
export interface RoutedRequest extends IncomingMessage {
  readonly route?: { readonly path?: unknown } | undefined;
  readonly baseUrl?: string | undefined;
  readonly originalUrl?: string | undefined;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Express middleware, first in the chain: a request id (the caller's `X-Request-Id` if it is a plain token,
 * else a fresh one, echoed in the response), a SERVER span continuing the caller's trace (`traceparent`),
 * the request's log scope for everything downstream, and when the response is done (or the client left):
 * `aurora_http_requests_total`, `aurora_http_request_duration_seconds` and one `request` log line.
 */
export function httpTelemetry(log: Logger) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const started = performance.now();
    const method = METHODS.has(request.method ?? '') ? (request.method ?? 'GET') : 'OTHER';
    const scope: RequestScope = { requestId: requestIdFrom(request.headers[REQUEST_ID_HEADER]) };
    response.setHeader('X-Request-Id', scope.requestId ?? '');
    const parent = tracingEnabled() ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
    const span = tracingEnabled()
      ? tracer().startSpan(
          method,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
          parent,
        )
      : undefined;
    const active = span ? trace.setSpan(parent, span) : context.active();
    response.once('close', () => {
      const status = response.statusCode;
      const route = routeOf(request, status);
      const seconds = (performance.now() - started) / 1000;
      recordHttpRequest({ route, method, status, seconds });
      const aborted = !response.writableFinished;
      if (span) {
        span.updateName(`${method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (aborted) span.setAttribute('aurora.client_aborted', true);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      runInRequestScope(scope, () =>
        context.with(active, () =>
          log.info('request', { method, route, status, durationMs: Math.round(seconds * 1000), aborted }),
        ),
      );
    });
    runInRequestScope(scope, () => context.with(active, next));
  };
}

/**
 * The route pattern (`/api/v1/exports/:id`), so label values stay few: `unmatched` for API paths no route
 * took (404s, bodies refused before routing) and `static` for the web app's files.
 */
export function routeOf(request: RoutedRequest, status: number): string {
  const pattern = request.route?.path;
  if (typeof pattern === 'string') return `${request.baseUrl ?? ''}${pattern}`;
  const path = request.originalUrl ?? request.url ?? '';
  return path.startsWith('/api/') || status === 404 ? 'unmatched' : 'static';
}
