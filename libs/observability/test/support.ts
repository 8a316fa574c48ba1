import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, type Tracing } from '../src';

/** Tracing on, every span kept in memory (for one test file: the tracer provider is process-global). */
export function traceInMemory(): { tracing: Tracing; spans: () => ReadableSpan[]; reset: () => void } {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing('test', { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracing, spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
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
