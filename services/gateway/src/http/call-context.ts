import type { CallContext, Caller } from '@aurora/proto';
import type { Response } from 'express';

/**
 * A downstream call on behalf of an HTTP request: the caller (principal and internal token), the request deadline, and a cancellation
 * that fires when the client goes away before the answer is sent (so the engine query stops too).
 */
export function callContext(caller: Caller, response: Response, timeoutMs: number): CallContext {
  const abort = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  return { ...caller, timeoutMs, signal: abort.signal };
}
