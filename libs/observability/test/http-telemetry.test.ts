import { trace } from '@opentelemetry/api';
import { freePort, parsePrometheus } from '@aurora/testing';
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { annotateRequest, httpTelemetry, logger, metricsRegistry, requestScope } from '../src';
import { captureLogs, traceInMemory } from './support';

let memory: ReturnType<typeof traceInMemory>;
let server: Server;
let base: string;
/** What the route handler saw: it runs after the body parser, whose stream events could lose the context. */
let seen: { scope: unknown; traceId: string | undefined } | undefined;

beforeAll(async () => {
  memory = traceInMemory();
  const app = express();
  app.use(httpTelemetry(logger('gateway')));
  app.use(express.json());
  app.post('/api/v1/things/:id', (request: Request, response: Response) => {
    annotateRequest({ subject: 'alice' });
    seen = { scope: { ...requestScope() }, traceId: trace.getActiveSpan()?.spanContext().traceId };
    response.status(201).json({ id: request.params['id'] });
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve) => {
    server = app.listen(port, '127.0.0.1', () => resolve());
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await memory.tracing.shutdown();
});

async function counted(labels: Record<string, string>): Promise<number> {
  const family = parsePrometheus(await metricsRegistry().metrics()).get('aurora_http_requests_total');
  const sample = family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value ?? 0;
}

/** Waits for the span of the last request: it ends when the response closes, just after the client has it. */
async function serverSpan(name: string) {
  for (let i = 0; i < 100; i++) {
    const span = (await memory.spans()).find((s) => s.name === name);
    if (span) return span;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no span ${name}`);
}

describe('httpTelemetry (Express middleware)', () => {
  it("continues the caller's trace through the body parser to the handler, with the request's scope", async () => {
    const response = await fetch(`${base}/api/v1/things/42`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-request-id': 'from-the-proxy.1',
      },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('from-the-proxy.1');
    expect(seen).toEqual({
      scope: { requestId: 'from-the-proxy.1', subject: 'alice' },
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    const span = await serverSpan('POST /api/v1/things/:id');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.attributes).toMatchObject({
      'http.route': '/api/v1/things/:id',
      'http.response.status_code': 201,
    });
  });

  it('counts by route pattern, never by URL, and logs one line per request', async () => {
    const labels = { route: '/api/v1/things/:id', method: 'POST', status_class: '2xx' };
    const before = await counted(labels);
    const stop = captureLogs();
    let logs: Record<string, unknown>[] = [];
    try {
      for (const id of ['1', '2', '3']) {
        const body = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
        expect((await fetch(`${base}/api/v1/things/${id}`, body)).status).toBe(201);
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // the line is written once the response closed
    } finally {
      logs = stop();
    }
    expect(await counted(labels)).toBe(before + 3);
    const requests = logs.filter((line) => line['message'] === 'request');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({
      route: '/api/v1/things/:id',
      status: 201,
      subject: 'alice',
      method: 'POST',
    });
    expect(requests[0]?.['request_id']).toEqual(expect.any(String));
  });

  it('puts API paths no route took under "unmatched" and refuses odd request ids and methods as labels', async () => {
    const before = await counted({ route: 'unmatched', method: 'OTHER', status_class: '4xx' });
    const response = await fetch(`${base}/api/v1/nothing/here`, {
      method: 'PROPFIND',
      headers: { 'x-request-id': 'bad id with spaces and "quotes"' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await counted({ route: 'unmatched', method: 'OTHER', status_class: '4xx' })).toBe(before + 1);
  });

  it('counts a body refused before routing under "unmatched" with its 4xx', async () => {
    const before = await counted({ route: 'unmatched', method: 'POST', status_class: '4xx' });
    const response = await fetch(`${base}/api/v1/things/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await counted({ route: 'unmatched', method: 'POST', status_class: '4xx' })).toBe(before + 1);
  });
});
