// Traces across processes: every service exports its spans over OTLP (http/json) to a collector in this test,
// which keeps them in memory. One trace must run from the HTTP request through gRPC into the query service and
// the warehouse, and from an export's submission through NATS into the worker, its query stream and S3.
import { stackPort } from '@aurora/testing';
import { createServer, type Server } from 'node:http';
import { startHarness, type Harness } from './support';

interface CollectedSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
}

/** OTLP span kinds. */
const KIND = { server: 2, client: 3, consumer: 5 } as const;

/** What the browser (or a proxy) would send: the trace the request belongs to. */
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = '00f067aa0ba902b7';
const VINTAGE = { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } };
const QUERY = { dataset: 'global_sales', vintages: VINTAGE, columns: ['sale_id', 'region'], limit: 500 };

let h: Harness;
let collector: Server;
const spans: CollectedSpan[] = [];

/** An in-memory OTLP/HTTP JSON receiver: POST /v1/traces. */
async function startCollector(): Promise<string> {
  const port = await stackPort();
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const payload = JSON.parse(body) as OtlpTraces;
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const service =
          resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ??
          '?';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service,
              name: span.name,
              kind: span.kind,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${port}`;
}

interface OtlpTraces {
  readonly resourceSpans?: {
    readonly resource?: { readonly attributes?: { key: string; value?: { stringValue?: string } }[] };
    readonly scopeSpans?: {
      readonly spans?: {
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
      }[];
    }[];
  }[];
}

beforeAll(async () => {
  const endpoint = await startCollector();
  const otel = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  h = await startHarness({ salesRows: 5000, gateway: otel, query: otel, metadata: otel });
  await h.startWorker(otel);
}, 240_000);

afterAll(async () => {
  await (h as Harness | undefined)?.stop();
  await new Promise((resolve) => collector.close(resolve));
}, 60_000);

/** Waits until the collector has a span of `service` named `name` in `traceId`, and returns it. */
async function span(traceId: string, service: string, name: string, kind: number): Promise<CollectedSpan> {
  for (let i = 0; i < 200; i++) {
    const found = spans.find(
      (s) => s.traceId === traceId && s.service === service && s.name === name && s.kind === kind,
    );
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seen = spans.filter((s) => s.traceId === traceId).map((s) => `${s.service} ${s.name} (${s.kind})`);
  throw new Error(`no ${service} span "${name}" in trace ${traceId}; it has:\n${seen.join('\n')}`);
}

/** Waits for a line of a process's output (a request's line is written once its response has closed). */
async function logLine(output: () => string, wanted: (line: string) => boolean): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const line = output().split('\n').find(wanted);
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no such log line in:\n${output()}`);
}

function expectChildOf(child: CollectedSpan, parent: CollectedSpan): void {
  expect([child.name, child.parentSpanId]).toEqual([child.name, parent.spanId]);
}

describe('one trace', () => {
  it('runs from the HTTP request through gRPC into the query service and its warehouse call', async () => {
    const response = await h.call('POST', '/query/preview', {
      body: QUERY,
      headers: { traceparent: `00-${TRACE}-${CALLER}-01` },
    });
    expect(response.status).toBe(200);

    const http = await span(TRACE, 'gateway', 'POST /api/v1/query/preview', KIND.server);
    const call = await span(TRACE, 'gateway', 'aurora.v1.QueryService/Preview', KIND.client);
    const served = await span(TRACE, 'query', 'aurora.v1.QueryService/Preview', KIND.server);
    const warehouse = await span(TRACE, 'query', 'warehouse query', KIND.client);
    expect(http.parentSpanId).toBe(CALLER);
    expectChildOf(call, http);
    expectChildOf(served, call);
    expectChildOf(warehouse, served);
    // The query service asks the metadata service for the catalog within the same trace.
    const catalog = await span(TRACE, 'metadata', 'aurora.v1.MetadataService/ListDatasets', KIND.server);
    expect(catalog.traceId).toBe(TRACE);

    // The log lines of that request carry its trace id.
    const queryLine = await logLine(
      () => h.stack.query.process.output(),
      (line) => line.includes('"message":"query"') && line.includes(TRACE),
    );
    expect(JSON.parse(queryLine)).toMatchObject({ trace_id: TRACE, span_id: served.spanId });
  });

  it('runs from the export submission through NATS into the worker, its query stream and the S3 upload', async () => {
    const trace = '5cf92f3577b34da6a3ce929d0e0e4737';
    const submitted = await h.call('POST', '/exports', {
      body: { query: QUERY, format: 'csv', fileName: 'traced' },
      headers: { traceparent: `00-${trace}-${CALLER}-01` },
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    await h.waitFor(id, (job) => job.status === 'succeeded', 60_000);

    const submission = await span(trace, 'gateway', 'POST /api/v1/exports', KIND.server);
    const job = await span(trace, 'export', 'export job', KIND.consumer);
    const stream = await span(trace, 'export', 'aurora.v1.QueryService/StreamCsv', KIND.client);
    const served = await span(trace, 'query', 'aurora.v1.QueryService/StreamCsv', KIND.server);
    const warehouse = await span(trace, 'query', 'warehouse csv', KIND.client);
    const upload = await span(trace, 'export', 's3 upload', KIND.client);
    expect(submission.parentSpanId).toBe(CALLER);
    expectChildOf(job, submission);
    expectChildOf(stream, job);
    expectChildOf(served, stream);
    expectChildOf(warehouse, served);
    expectChildOf(upload, job);
  });

  it('starts a trace of its own for a request that brings none', async () => {
    const response = await h.call('GET', '/datasets');
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await logLine(
      () => h.stack.gateway.process.output(),
      (l) => l.includes(`"request_id":"${String(requestId)}"`) && l.includes('"message":"request"'),
    );
    const { trace_id: traceId } = JSON.parse(line) as { trace_id?: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const root = await span(traceId ?? '', 'gateway', 'GET /api/v1/datasets', KIND.server);
    expect(root.parentSpanId).toBe('');
    await span(traceId ?? '', 'metadata', 'aurora.v1.MetadataService/ListDatasets', KIND.server);
  });
});
