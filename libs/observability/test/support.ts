import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing, type Tracing } from '../src';

/**
 * Tracing on, every span kept in memory (for one test file: the tracer provider is process-global). `spans`
 * flushes first: the SDK's simple processor exports an ended span a tick later, not during `end()`.
 */
export function traceInMemory(): {
  tracing: Tracing;
  spans: () => Promise<ReadableSpan[]>;
  reset: () => void;
} {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const tracing = startTracing('test', { spanProcessors: [processor] });
  const spans = async () => {
    await processor.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, spans, reset: () => exporter.reset() };
}

/** Captures stdout from now on; the returned function stops and gives what was written, as JSON lines. */
export function captureLogs(): () => Record<string, unknown>[] {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return () => {
    spy.mockRestore();
    return chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
}

/** What `work` wrote to stdout, as parsed JSON lines. */
export function capturedLogs(work: () => void): Record<string, unknown>[] {
  const stop = captureLogs();
  try {
    work();
  } catch (error) {
    stop();
    throw error;
  }
  return stop();
}
