import { randomUUID } from 'node:crypto';
import { expectProblem, fetchApi, readResponse } from './support/http';
import { startExportsStack, type ExportsStack } from './support/exports-stack';

/**
 * docs/API.md, "Export jobs": an `{id}` that cannot be a job id (it would become a NATS KV key) is answered at
 * once with the 404 of an unknown job, on every route, never a 5xx or a wait.
 */

let running: ExportsStack;
let api: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  running = await startExportsStack({ RATE_LIMIT_PER_MINUTE: '100000000' });
  const { stack } = running;
  api = stack.urls.api;
  [alice, bob] = await Promise.all([stack.token('alice-cli'), stack.token('bob-cli')]);
}, 120_000);

afterAll(() => running.stop());

/** A request to the API as `token`, redirects not followed; the response unread (an event stream). */
function call(
  method: string,
  path: string,
  token: string,
  init: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const { headers, signal, body } = init;
  return fetchApi(
    `${api}${path}`,
    { method, redirect: 'manual', body: body ?? null },
    { token, headers, signal },
  );
}

describe('an export id that cannot be a job id', () => {
  const realShaped = randomUUID();
  const BAD_IDS: readonly (readonly [string, string])[] = [
    ['a wildcard *', '*'],
    ['a wildcard >', '>'],
    ['a space', `${realShaped.slice(0, 8)} x`],
    ['a colon', `${realShaped}:x`],
    ['a NUL', `${realShaped}\u0000`],
    ['non-ASCII', `${realShaped}é`],
    ['a trailing dot', `${realShaped}.`],
    ['a leading dot', `.${realShaped}`],
    ['5,000 characters', 'a'.repeat(5_000)],
  ];
  const ROUTES: readonly (readonly [string, (id: string) => string])[] = [
    ['GET', (id) => `/exports/${id}`],
    ['DELETE', (id) => `/exports/${id}`],
    ['GET', (id) => `/exports/${id}/events`],
    ['GET', (id) => `/exports/${id}/download`],
  ];

  it.each(BAD_IDS)('(%s) is the 404 of an unknown job on every route, at once', async (_case, id) => {
    for (const [method, path] of ROUTES) {
      const started = performance.now();
      const response = await readResponse(await call(method, path(encodeURIComponent(id)), alice));
      const elapsedMs = performance.now() - started;

      const problem = expectProblem(response, 404, 'NOT_FOUND', null);
      expect(problem.detail).toMatch(/^There is no export "/);
      expect(elapsedMs).toBeLessThan(500);
    }
  });

  it('answers exactly as an unknown id and as another user’s job do', async () => {
    const submitted = await call('POST', '/exports', alice, {
      body: JSON.stringify({ query: { dataset: 'products', columns: ['name'] }, format: 'csv' }),
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await submitted.json()) as { id: string };
    const shape = async (path: string, token: string) => {
      const { status, title, code } = expectProblem(
        await readResponse(await call('GET', path, token)),
        404,
        'NOT_FOUND',
      );
      return { status, title, code };
    };

    const malformed = await shape('/exports/*', alice);

    expect(await shape(`/exports/${randomUUID()}`, alice)).toEqual(malformed);
    expect(await shape(`/exports/${id}`, bob)).toEqual(malformed);
  });

  it('leaves a real job id working on every route', async () => {
    const submitted = await call('POST', '/exports', alice, {
      body: JSON.stringify({ query: { dataset: 'products', columns: ['name'] }, format: 'csv' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    const job = await call('GET', `/exports/${id}`, alice);
    expect(job.status).toBe(200);
    expect(await job.json()).toMatchObject({ id });

    const stop = new AbortController();
    const events = await call('GET', `/exports/${id}/events`, alice, { signal: stop.signal });
    expect(events.status).toBe(200);
    const first = (await (events.body as ReadableStream<Uint8Array>).getReader().read()) as {
      value?: Uint8Array;
    };
    stop.abort();
    expect(new TextDecoder().decode(first.value)).toContain(`"id":"${id}"`);

    const cancelled = await call('DELETE', `/exports/${id}`, alice);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, status: 'cancelled' });

    // Found, but it has no file: the download's own 404, not the unknown-job one.
    const download = expectProblem(
      await readResponse(await call('GET', `/exports/${id}/download`, alice)),
      404,
      'NOT_FOUND',
    );
    expect(download.detail).toBe(`Export "${id}" has no file yet (it is cancelled).`);
  });
});
