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

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A caller's request id when it is a plain token (it ends up in logs and headers), else a fresh one. */
export function requestIdFrom(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
