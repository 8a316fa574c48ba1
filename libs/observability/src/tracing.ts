import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isAuroraError } from '@aurora/errors';
import type * as SdkNode from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry tracing, started once per process by `startTelemetry`. Off unless OTEL_TRACES_EXPORTER names
 * an exporter: then nothing is set up, every helper here returns at once, and no trace header is sent.
 * When on, `@opentelemetry/sdk-node` reads the standard variables itself (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER/_ARG, OTEL_PROPAGATORS, OTEL_BSP_*). Spans are made by
 * hand (HTTP, gRPC, NATS, warehouse, S3) rather than by module patching, which does not see Nest 12's ESM.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Flushes what is buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

export const TRACES_EXPORTERS = ['none', 'otlp', 'console', 'zipkin'] as const;

export interface TracingOptions {
  /** OTEL_TRACES_EXPORTER's value: a comma-separated list of TRACES_EXPORTERS; `none` (the default) is off. */
  readonly exporter?: string | undefined;
  /** Spans go to these processors instead (tests: an in-memory exporter). */
  readonly spanProcessors?: SpanProcessor[] | undefined;
}

let enabled = false;

export function tracingEnabled(): boolean {
  return enabled;
}

export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing {
  const exporters = (options.exporter ?? 'none')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
  if (exporters.length === 0 && options.spanProcessors === undefined) {
    return { enabled: false, shutdown: () => Promise.resolve() };
  }
  const sdk = new (loadSdk().NodeSDK)({
    serviceName,
    instrumentations: [],
    // Metrics are Prometheus's (prom-client) and logs are JSON lines: the SDK only traces.
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors === undefined ? {} : { spanProcessors: options.spanProcessors }),
  });
  sdk.start();
  enabled = true;
  return {
    enabled: true,
    shutdown: async () => {
      enabled = false;
      await sdk.shutdown();
    },
  };
}

/** The SDK and its exporters cost ~25 MB and a moment at start: loaded only when tracing is on. */
function loadSdk(): typeof SdkNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on demand, so that tracing off costs nothing
  return require('@opentelemetry/sdk-node') as typeof SdkNode;
}

export function tracer(): Tracer {
  return trace.getTracer('aurora');
}

export interface WithSpanOptions extends SpanOptions {
  /** The parent (e.g. extracted from a message's headers); the active context otherwise. */
  readonly parent?: Context | undefined;
}

/** Runs `work` inside a new active span, which ends when it settles (an error marks the span failed). */
export function withSpan<R>(
  name: string,
  options: WithSpanOptions,
  work: (span: Span | undefined) => Promise<R>,
): Promise<R> {
  if (!enabled) return work(undefined);
  const { parent, ...spanOptions } = options;
  const span = tracer().startSpan(name, spanOptions, parent ?? context.active());
  return context.with(trace.setSpan(parent ?? context.active(), span), async () => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Iterates `source` inside a span that starts with the first item asked for and ends when the iteration ends,
 * fails, or is stopped early. The source runs in the span's context, so its own calls are children of it.
 */
export async function* withSpanIterable<T>(
  name: string,
  options: WithSpanOptions,
  source: AsyncIterable<T>,
  onItem?: (item: T, span: Span) => void,
): AsyncGenerator<T> {
  if (!enabled) {
    yield* source;
    return;
  }
  const { parent, ...spanOptions } = options;
  const span = tracer().startSpan(name, spanOptions, parent ?? context.active());
  const active = trace.setSpan(parent ?? context.active(), span);
  const iterator = context.with(active, () => source[Symbol.asyncIterator]());
  let finished = false;
  try {
    for (;;) {
      const next = await context.with(active, () => iterator.next());
      if (next.done === true) break;
      onItem?.(next.value, span);
      yield next.value;
    }
    finished = true;
  } catch (error) {
    finished = true;
    failSpan(span, error);
    throw error;
  } finally {
    if (!finished) {
      span.setAttribute('aurora.stopped_early', true);
      await context.with(active, () => iterator.return?.()); // the consumer stopped: release the source
    }
    span.end();
  }
}

/** A failed span: its status and the error's stable code, never its message (details may quote values). */
export function failSpan(span: Span, error: unknown): void {
  const code = isAuroraError(error) ? error.code : error instanceof Error ? error.name : 'Error';
  span.setAttribute('aurora.error.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** The active trace context as W3C headers (`traceparent`, `tracestate`), for a message or a call. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (enabled) propagation.inject(context.active(), carrier);
  return carrier;
}

/** The trace context a message or call carried (keys lower-case), to parent the spans that handle it. */
export function contextFromHeaders(carrier: Readonly<Record<string, string>>): Context {
  return enabled ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}
