import type { Registry } from 'prom-client';
import { BUCKETS, counter, histogram, metricsRegistry, sampledGauge } from './registry';

/** A job the gateway queued (not an idempotent repeat of one). */
export function recordExportSubmitted(format: string, registry: Registry = metricsRegistry()): void {
  counter(registry, 'aurora_export_jobs_submitted_total', 'Export jobs queued by the gateway', [
    'format',
  ]).inc({ format });
}

export interface ExportJobRecord {
  readonly format: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'retried';
  /** From the job's first start to its end; absent for a job that never started (cancelled while queued). */
  readonly seconds?: number | undefined;
  readonly rows?: number | undefined;
  readonly bytes?: number | undefined;
}

/** A job a worker finished (or handed back for another attempt: `retried`). */
export function recordExportJob(job: ExportJobRecord, registry: Registry = metricsRegistry()): void {
  const format = job.format;
  counter(
    registry,
    'aurora_export_jobs_total',
    'Export jobs ended by a worker, by final status (retried: an attempt handed back to the queue)',
    ['format', 'status'],
  ).inc({ format, status: job.status });
  if (job.status === 'retried' || job.seconds === undefined) return;
  histogram(
    registry,
    'aurora_export_job_duration_seconds',
    'Export job duration, from its first start to its end',
    ['format', 'status'],
    BUCKETS.exportJob,
  ).observe({ format, status: job.status }, job.seconds);
  if (job.status !== 'succeeded') return;
  const rows = job.rows ?? 0;
  counter(registry, 'aurora_export_rows_total', 'Rows written by successful export jobs', ['format']).inc(
    { format },
    rows,
  );
  counter(registry, 'aurora_export_bytes_total', 'Bytes stored by successful export jobs', ['format']).inc(
    { format },
    job.bytes ?? 0,
  );
  histogram(
    registry,
    'aurora_export_rows_per_second',
    'Rows per second of each successful export job',
    ['format'],
    BUCKETS.exportRate,
  ).observe({ format }, rows / Math.max(job.seconds, 0.001));
}

export interface ConsumerBacklog {
  readonly stream: string;
  readonly consumer: string;
  /** Messages not yet delivered. */
  readonly pending: number;
  /** Delivered and not yet acknowledged (jobs running, or lost with their worker until ack_wait). */
  readonly ackPending: number;
}

/** The JetStream consumer gauges, read from `backlog` at each scrape. */
export function registerJetStreamGauges(
  backlog: () => Promise<ConsumerBacklog>,
  registry: Registry = metricsRegistry(),
): void {
  const read = cachedFor(1000, backlog); // both gauges from one consumer-info request
  const labelsOf = (b: ConsumerBacklog) => ({ stream: b.stream, consumer: b.consumer });
  sampledGauge(
    registry,
    'aurora_jetstream_consumer_pending',
    'Messages of the stream not yet delivered to the consumer',
    ['stream', 'consumer'],
    async () => {
      const b = await read();
      return [{ labels: labelsOf(b), value: b.pending }];
    },
  );
  sampledGauge(
    registry,
    'aurora_jetstream_consumer_ack_pending',
    'Messages delivered to the consumer and not yet acknowledged',
    ['stream', 'consumer'],
    async () => {
      const b = await read();
      return [{ labels: labelsOf(b), value: b.ackPending }];
    },
  );
}

function cachedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last === undefined || performance.now() - last.at > ms) {
      const value = read();
      last = { at: performance.now(), value };
      value.catch(() => (last = undefined));
    }
    return last.value;
  };
}
