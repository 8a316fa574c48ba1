import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AuroraError, ErrorCode } from '@aurora/errors';
import {
  contextFromHeaders,
  startTracing,
  traceHeaders,
  tracer,
  tracingEnabled,
  withSpan,
  withSpanIterable,
} from '../src';
import { traceInMemory } from './support';

async function* numbers(count: number, log: string[]): AsyncGenerator<number> {
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // a real source waits for its engine
      log.push(trace.getActiveSpan() ? 'in span' : 'no span');
      yield i;
    }
  } finally {
    log.push('released');
  }
}

describe('with tracing off (OTEL_TRACES_EXPORTER=none)', () => {
  it('sets nothing up: no headers, no spans, work runs as it is', async () => {
    expect(startTracing('x', { exporter: 'none' }).enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(traceHeaders()).toEqual({});
    await expect(withSpan('s', {}, (span) => Promise.resolve(span))).resolves.toBeUndefined();
    const log: string[] = [];
    const seen: number[] = [];
    for await (const n of withSpanIterable('s', {}, numbers(2, log))) seen.push(n);
    expect(seen).toEqual([0, 1]);
  });
});

describe('with tracing on (in-memory exporter)', () => {
  let memory: ReturnType<typeof traceInMemory>;
  beforeAll(() => {
    memory = traceInMemory();
  });
  afterEach(() => memory.reset());
  afterAll(() => memory.tracing.shutdown());
  const named = async (name: string) => (await memory.spans()).find((span) => span.name === name);

  it('makes nested spans of one trace, the inner a child of the outer', async () => {
    await withSpan('outer', { kind: SpanKind.SERVER }, () => withSpan('inner', {}, () => Promise.resolve()));
    const [inner, outer] = [await named('inner'), await named('outer')];
    expect(await memory.spans()).toHaveLength(2);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  it('marks a failed span with the error code, never the message (details may quote values)', async () => {
    const failing = withSpan('query', {}, () =>
      Promise.reject(new AuroraError(ErrorCode.INVALID_VALUE, '"ACME Corp" is not a date')),
    );
    await expect(failing).rejects.toThrow(AuroraError);
    const [span] = await memory.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INVALID_VALUE' });
    expect(span?.attributes['aurora.error.code']).toBe('INVALID_VALUE');
    expect(JSON.stringify(span?.events)).not.toContain('ACME');
  });

  it('carries the trace across a message: headers out, a child span in', async () => {
    let headers: Record<string, string> = {};
    let producer = '';
    await withSpan('submit', { kind: SpanKind.PRODUCER }, (span) => {
      producer = span?.spanContext().spanId ?? '';
      headers = traceHeaders();
      return Promise.resolve();
    });
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withSpan('work', { kind: SpanKind.CONSUMER, parent: contextFromHeaders(headers) }, () =>
      Promise.resolve(),
    );
    const [work, submit] = [await named('work'), await named('submit')];
    expect(work?.spanContext().traceId).toBe(submit?.spanContext().traceId);
    expect(work?.parentSpanContext?.spanId).toBe(producer);
  });

  it('starts a fresh trace from headers that carry none', async () => {
    await withSpan('orphan', { parent: contextFromHeaders({}) }, () => Promise.resolve());
    expect((await memory.spans())[0]?.parentSpanContext).toBeUndefined();
  });

  it('keeps a stream in one span, its source running inside it, and counts its items', async () => {
    const log: string[] = [];
    let items = 0;
    const stream = withSpanIterable('stream', {}, numbers(3, log), (_n, span) =>
      span.setAttribute('n', ++items),
    );
    const seen: number[] = [];
    for await (const n of stream) seen.push(n);
    expect(seen).toEqual([0, 1, 2]);
    expect(log).toEqual(['in span', 'in span', 'in span', 'released']);
    expect((await memory.spans()).map((s) => [s.name, s.attributes['n']])).toEqual([['stream', 3]]);
  });

  it('ends the span and releases the source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const n of withSpanIterable('stream', {}, numbers(1000, log))) if (n === 1) break;
    expect(log.at(-1)).toBe('released');
    expect((await memory.spans())[0]?.attributes['aurora.stopped_early']).toBe(true);
  });

  it('propagates W3C trace context (traceparent) by default', () => {
    const span = tracer().startSpan('x');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    expect(carrier['traceparent']).toContain(span.spanContext().traceId);
  });
});
