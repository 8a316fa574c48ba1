import type { CallContext, Principal } from '@aurora/proto';
import type { Response } from 'express';

/**
 * A downstream call on behalf of an HTTP request: the principal, the request deadline, and a cancellation
 * that fires when the client goes away before the answer is sent (so the engine query stops too).
 */
export function callContext(principal: Principal, response: Response, timeoutMs: number): CallContext {
  const abort = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  return { principal, timeoutMs, signal: abort.signal };
}
