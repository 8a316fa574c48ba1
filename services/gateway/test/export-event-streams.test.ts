import type { Stack } from '@aurora/testing';
import { expectProblem, fetchApi, readResponse, type ApiResponse } from './support/http';
import { startExportsStack, type ExportsStack } from './support/exports-stack';

/**
 * docs/API.md, "Export jobs": each open `/exports/{id}/events` stream holds a NATS consumer, so a user may hold at
 * most SSE_STREAMS_PER_USER (default 10) at once on a gateway; the next is 429 QUOTA_EXCEEDED until one closes.
 */

const STREAMS_PER_USER = 10;

let running: ExportsStack;
let stack: Stack;
let alice: string;
let carol: string;
/** Every stream a test opened, aborted after it. */
const opened: AbortController[] = [];

beforeAll(async () => {
  // No export worker: a job stays queued, so its event stream stays open until the test ends it.
  running = await startExportsStack({ RATE_LIMIT_PER_MINUTE: '100000000' });
  ({ stack } = running);
  [alice, carol] = await Promise.all([stack.token('alice-cli'), stack.token('carol-cli')]);
}, 120_000);

afterEach(() => {
  for (const stop of opened.splice(0)) stop.abort();
});

afterAll(() => running.stop());

async function submit(token: string): Promise<string> {
  const response = await fetchApi(
    `${stack.urls.api}/exports`,
    {
      method: 'POST',
      body: JSON.stringify({ query: { dataset: 'products', columns: ['name'] }, format: 'csv' }),
    },
    { token, headers: { 'content-type': 'application/json' } },
  );
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

interface EventStream {
  readonly stop: AbortController;
  /** The stream's events as text, until it ends. */
  readonly rest: Promise<string>;
}

/** Opens the job's event stream and reads its first event (the job's state), so the server holds it open. */
async function open(id: string, token: string): Promise<EventStream> {
  const stop = new AbortController();
  opened.push(stop);
  const response = await fetchApi(
    `${stack.urls.api}/exports/${id}/events`,
    { method: 'GET' },
    { token, signal: stop.signal },
  );
  if (response.status !== 200) throw new Refused(await readResponse(response));
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const first = await reader.read();
  expect(first.value).toContain(`"id":"${id}"`);
  const rest = (async () => {
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
    return text;
  })().catch(() => 'aborted');
  return { stop, rest };
}

class Refused extends Error {
  constructor(readonly response: ApiResponse) {
    super(`refused: ${response.status} ${response.text}`);
  }
}

/** The answer to an attempt to open one more stream, which must be refused. */
async function refusal(id: string, token: string): Promise<ApiResponse> {
  try {
    await open(id, token);
  } catch (error) {
    if (error instanceof Refused) return error.response;
    throw error;
  }
  throw new Error('the stream opened');
}

/** Tries to open a stream until one opens (the server sees a closed one go a moment after the client). */
async function openWithin(id: string, token: string, timeoutMs = 5_000): Promise<EventStream> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await open(id, token);
    } catch (error) {
      if (!(error instanceof Refused) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('open export event streams per user', () => {
  it(`${STREAMS_PER_USER} by default; the next is 429 QUOTA_EXCEEDED, and closing one makes room`, async () => {
    const id = await submit(alice);
    const streams: EventStream[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await open(id, alice));

    const problem = expectProblem(await refusal(id, alice), 429, 'QUOTA_EXCEEDED', null);
    expect(problem.detail).toContain(String(STREAMS_PER_USER));
    expect(problem).toMatchObject({ quota: 'sseStreams', resetsAt: null });
    // Another user's streams are counted apart.
    await open(await submit(carol), carol);

    streams[0]?.stop.abort();
    await openWithin(id, alice);
    expectProblem(await refusal(id, alice), 429, 'QUOTA_EXCEEDED');
  });

  it('gives the streams of a finished job back: they end, and as many open again', async () => {
    const [first, second] = [await submit(alice), await submit(alice)];
    const streams: EventStream[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await open(first, alice));
    expectProblem(await refusal(second, alice), 429, 'QUOTA_EXCEEDED');

    const cancelled = await fetchApi(
      `${stack.urls.api}/exports/${first}`,
      { method: 'DELETE' },
      { token: alice },
    );
    expect(cancelled.status).toBe(200);
    for (const stream of streams) expect(await stream.rest).toContain('"status":"cancelled"');

    for (let i = 0; i < STREAMS_PER_USER; i++) await openWithin(second, alice);
    expectProblem(await refusal(second, alice), 429, 'QUOTA_EXCEEDED');
  });
});
