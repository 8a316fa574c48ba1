import { AuroraError, ErrorCode } from '@aurora/errors';
import { parsePrometheus, type Family } from '@aurora/testing';
import { Registry } from 'prom-client';
import {
  initMetrics,
  queryOutcome,
  recordExportJob,
  recordGrpcServerCall,
  recordHttpRequest,
  recordDeliveryAttempt,
  recordDeliveryFailure,
  recordQuery,
  registerDeliveryMetrics,
  registerJetStreamGauges,
  registerPoolGauges,
  statusClass,
} from '../src';

async function scrape(registry: Registry): Promise<Map<string, Family>> {
  return parsePrometheus(await registry.metrics());
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const samples = [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (samples.length !== 1) throw new Error(`${samples.length} samples of ${name} ${JSON.stringify(labels)}`);
  return samples[0]?.value ?? NaN;
}

describe('the metrics registry', () => {
  it('labels every series with the service and exposes Node process metrics', async () => {
    const registry = initMetrics('query', new Registry());
    recordHttpRequest({ route: '/api/v1/me', method: 'GET', status: 200, seconds: 0.01 }, registry);
    const families = await scrape(registry);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(families.get(name)?.samples.length).toBeGreaterThan(0);
    }
    for (const family of families.values()) {
      for (const sample of family.samples) expect(sample.labels['service']).toBe('query');
    }
  });

  it('is set up once per registry: a second init adds nothing twice', () => {
    const registry = new Registry();
    initMetrics('a', registry);
    expect(() => initMetrics('a', registry)).not.toThrow();
  });

  it('counts HTTP requests and observes their duration under the same labels', async () => {
    const registry = new Registry();
    const labels = { route: '/api/v1/query/preview', method: 'POST', status_class: '2xx' };
    recordHttpRequest({ route: labels.route, method: 'POST', status: 200, seconds: 0.02 }, registry);
    recordHttpRequest({ route: labels.route, method: 'POST', status: 201, seconds: 3 }, registry);
    const families = await scrape(registry);
    expect(value(families, 'aurora_http_requests_total', labels)).toBe(2);
    expect(value(families, 'aurora_http_request_duration_seconds_count', labels)).toBe(2);
    expect(value(families, 'aurora_http_request_duration_seconds_sum', labels)).toBeCloseTo(3.02);
    expect(value(families, 'aurora_http_request_duration_seconds_bucket', { ...labels, le: '0.025' })).toBe(
      1,
    );
    expect(value(families, 'aurora_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(2);
  });

  it('shares one family between hooks: a second record adds to the first', async () => {
    const registry = new Registry();
    const call = { service: 'aurora.v1.QueryService', method: 'Count', code: 'OK', seconds: 0.1 };
    recordGrpcServerCall(call, registry);
    recordGrpcServerCall(call, registry);
    expect(
      value(await scrape(registry), 'aurora_grpc_server_requests_total', {
        grpc_method: 'Count',
        grpc_code: 'OK',
      }),
    ).toBe(2);
  });

  it.each([
    [200, '2xx'],
    [302, '3xx'],
    [429, '4xx'],
    [503, '5xx'],
    [0, 'unknown'],
  ])('puts status %i in class %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});

describe('query metrics', () => {
  it.each([
    [{}, { outcome: 'ok' }],
    [{ error: new AuroraError(ErrorCode.QUERY_TIMEOUT, 't') }, { outcome: 'timeout', code: 'QUERY_TIMEOUT' }],
    [
      { error: new AuroraError(ErrorCode.QUERY_TOO_EXPENSIVE, 'x') },
      { outcome: 'too_expensive', code: 'QUERY_TOO_EXPENSIVE' },
    ],
    [{ error: new AuroraError(ErrorCode.INVALID_QUERY, 'x') }, { outcome: 'error', code: 'INVALID_QUERY' }],
    [{ error: new Error('driver exploded') }, { outcome: 'error', code: 'INTERNAL' }],
    [
      { error: new AuroraError(ErrorCode.UNAVAILABLE, 'cancelled'), cancelled: true },
      { outcome: 'cancelled' },
    ],
    [{ cancelled: true }, { outcome: 'cancelled' }],
  ])('classifies %p as %p', (record, expected) => {
    expect(queryOutcome(record)).toEqual(expected);
  });

  it('records duration by outcome, rows by kind, and errors by code', async () => {
    const registry = new Registry();
    recordQuery({ dialect: 'duckdb', kind: 'preview', seconds: 0.2, rows: 50 }, registry);
    recordQuery({ dialect: 'duckdb', kind: 'rows', seconds: 4, rows: 1000 }, registry);
    recordQuery(
      {
        dialect: 'duckdb',
        kind: 'count',
        seconds: 30,
        rows: 0,
        error: new AuroraError(ErrorCode.QUERY_TIMEOUT, 't'),
      },
      registry,
    );
    const families = await scrape(registry);
    const duration = 'aurora_query_duration_seconds_count';
    expect(value(families, duration, { kind: 'preview', outcome: 'ok', dialect: 'duckdb' })).toBe(1);
    expect(value(families, duration, { kind: 'count', outcome: 'timeout' })).toBe(1);
    expect(value(families, 'aurora_query_rows_total', { kind: 'rows' })).toBe(1000);
    expect(value(families, 'aurora_query_rows_total', { kind: 'count' })).toBe(0);
    expect(value(families, 'aurora_query_errors_total', { code: 'QUERY_TIMEOUT', dialect: 'duckdb' })).toBe(
      1,
    );
  });
});

describe('export metrics', () => {
  it('records a succeeded job: count, duration, rows, bytes and rows per second', async () => {
    const registry = new Registry();
    recordExportJob(
      { format: 'csv', status: 'succeeded', seconds: 2, rows: 10_000, bytes: 500_000 },
      registry,
    );
    recordExportJob({ format: 'csv', status: 'retried' }, registry);
    recordExportJob({ format: 'xlsx', status: 'cancelled' }, registry); // cancelled while queued: no duration
    const families = await scrape(registry);
    expect(value(families, 'aurora_export_jobs_total', { format: 'csv', status: 'succeeded' })).toBe(1);
    expect(value(families, 'aurora_export_jobs_total', { format: 'csv', status: 'retried' })).toBe(1);
    expect(value(families, 'aurora_export_jobs_total', { format: 'xlsx', status: 'cancelled' })).toBe(1);
    expect(
      value(families, 'aurora_export_job_duration_seconds_sum', { format: 'csv', status: 'succeeded' }),
    ).toBe(2);
    expect(() => value(families, 'aurora_export_job_duration_seconds_count', { format: 'xlsx' })).toThrow();
    expect(value(families, 'aurora_export_rows_total', { format: 'csv' })).toBe(10_000);
    expect(value(families, 'aurora_export_bytes_total', { format: 'csv' })).toBe(500_000);
    expect(value(families, 'aurora_export_rows_per_second_sum', { format: 'csv' })).toBe(5000);
  });

  it('reads the consumer backlog at scrape time, once for both gauges', async () => {
    const registry = new Registry();
    let reads = 0;
    registerJetStreamGauges(() => {
      reads += 1;
      return Promise.resolve({ stream: 'S', consumer: 'C', pending: 7, ackPending: 2 });
    }, registry);
    const families = await scrape(registry);
    expect(value(families, 'aurora_jetstream_consumer_pending', { stream: 'S', consumer: 'C' })).toBe(7);
    expect(value(families, 'aurora_jetstream_consumer_ack_pending', { stream: 'S', consumer: 'C' })).toBe(2);
    expect(reads).toBe(1);
  });

  it('leaves the backlog out, and the rest of the scrape in, when NATS cannot answer', async () => {
    const registry = new Registry();
    registerJetStreamGauges(() => Promise.reject(new Error('TIMEOUT')), registry);
    recordExportJob({ format: 'csv', status: 'failed', seconds: 1 }, registry);
    const families = await scrape(registry);
    expect(families.get('aurora_jetstream_consumer_pending')?.samples).toEqual([]);
    expect(value(families, 'aurora_export_jobs_total', { status: 'failed' })).toBe(1);
  });
});

describe('pool gauges', () => {
  it('read the pool at each scrape, per dialect', async () => {
    const registry = new Registry();
    let stats = { size: 8, inUse: 0, waiting: 0 };
    registerPoolGauges('duckdb', () => stats, registry);
    expect(value(await scrape(registry), 'aurora_warehouse_pool_size', { dialect: 'duckdb' })).toBe(8);
    stats = { size: 8, inUse: 8, waiting: 3 };
    const families = await scrape(registry);
    expect(value(families, 'aurora_warehouse_pool_in_use', { dialect: 'duckdb' })).toBe(8);
    expect(value(families, 'aurora_warehouse_pool_waiting', { dialect: 'duckdb' })).toBe(3);
  });
});

describe('delivery metrics', () => {
  it('exist at 0 for every channel from boot, then count attempts and failures', async () => {
    const registry = new Registry();
    registerDeliveryMetrics(registry);
    let families = await scrape(registry);
    expect(families.get('aurora_delivery_attempts_total')?.samples).toHaveLength(6);
    expect(families.get('aurora_delivery_failures_total')?.samples).toHaveLength(8);
    expect(value(families, 'aurora_delivery_failures_total', { channel: 'webhook', kind: 'refused' })).toBe(
      0,
    );

    recordDeliveryAttempt('webhook', 'retry', registry);
    recordDeliveryAttempt('webhook', 'failed', registry);
    recordDeliveryFailure('webhook', 'exhausted', registry);
    families = await scrape(registry);

    expect(value(families, 'aurora_delivery_attempts_total', { channel: 'webhook', result: 'retry' })).toBe(
      1,
    );
    expect(value(families, 'aurora_delivery_attempts_total', { channel: 'email', result: 'retry' })).toBe(0);
    expect(value(families, 'aurora_delivery_failures_total', { channel: 'webhook', kind: 'exhausted' })).toBe(
      1,
    );
  });
});
