import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request carries (besides the trace and span ids). */
export interface RequestScope {
  requestId?: string | undefined;
  /** The verified principal's subject, once known. */
  subject?: string | undefined;
}

// Its own storage, not the OpenTelemetry context: request ids and subjects must reach the logs with tracing off.
const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `work` with `scope` as the current request's (the same object: `annotateRequest` adds to it). */
export function runInRequestScope<R>(scope: RequestScope, work: () => R): R {
  return storage.run(scope, work);
}

export function requestScope(): Readonly<RequestScope> | undefined {
  return storage.getStore();
}

/** Adds to the scope of the request being served (e.g. the subject once the token is verified). */
export function annotateRequest(fields: RequestScope): void {
  const scope = storage.getStore();
  if (scope) Object.assign(scope, fields);
}

/** The header (HTTP) and metadata key (gRPC) that carries the request id from service to service. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A request id a caller may choose (docs/API.md, "Request ids"): an ASCII letter or digit, then up to 63 more of
 * those or `.`, `:` and `-`. Spelled out rather than `\w`, which takes `_` too (and with the `i` and `u` flags the
 * long s and the Kelvin sign); the first character may not be punctuation (no `-rf`, `..` or `:`), and 64 is room
 * for a UUID or a W3C trace id with a prefix but not for a payload.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,63}$/;

/**
 * A caller's request id when it is a safe token (it is echoed in a header and written in every log line of the
 * request), else a fresh one.
 */
export function requestIdFrom(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
