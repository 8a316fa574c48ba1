// Every service's /metrics after real traffic through the whole stack (gateway → metadata/query → NATS →
// export worker → S3): the series of docs/METRICS.md exist, with sane values and bounded labels.
import {
  scrapeMetrics,
  type ExportWorkerProcess,
  type Family,
  type GatewayProcess,
  type Sample,
} from '@aurora/testing';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvents, ROOT, startHarness, type Harness, type JobView } from './support';

/** A filter value: it must show up in no label and no log line (the services log at info). */
const CANARY = 'zz-canary-7731';
const VINTAGE = { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } };
const QUERY = {
  dataset: 'global_sales',
  vintages: VINTAGE,
  columns: ['sale_id', 'region', 'amount'],
  filter: {
    kind: 'group',
    op: 'or',
    items: [
      { kind: 'condition', column: 'region', operator: 'in', values: ['EMEA', CANARY] },
      { kind: 'condition', column: 'comment', operator: 'contains', value: CANARY },
    ],
  },
  sort: [{ column: 'sale_id', dir: 'asc' }],
};

type Scrape = Map<string, Family>;
let h: Harness;
let throttled: GatewayProcess;
let worker: ExportWorkerProcess;
let scraped: Record<'gateway' | 'throttled' | 'metadata' | 'query' | 'export', Scrape>;
let job: JobView;
let csvRows = 0;
let token = '';

beforeAll(async () => {
  h = await startHarness({ salesRows: 20_000 });
  worker = await h.startWorker();
  token = await h.stack.token('alice-cli');
  const api = h.stack.urls.api;
  const ok = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await h.call(method, path, body === undefined ? {} : { body });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };

  // Catalog, queries of every kind, and requests that fail on purpose.
  await ok('GET', '/datasets');
  await ok('GET', '/datasets/global_sales');
  await ok('GET', '/datasets/global_sales/vintages');
  await ok('POST', '/query/preview', { ...QUERY, page: { number: 1, size: 10 } });
  await ok('POST', '/query/count', QUERY);
  await ok('POST', '/query/sql', QUERY);
  csvRows = (await (await ok('POST', '/query/csv', QUERY)).text()).trim().split('\n').length - 1;
  expect((await h.call('GET', '/datasets/no_such_dataset')).status).toBe(404);
  expect((await h.call('POST', '/query/preview', { body: { dataset: 'global_sales' } })).status).toBe(400);
  expect((await h.call('GET', '/no/such/route')).status).toBe(404);
  expect((await fetch(`${api}/datasets`)).status).toBe(401);

  // An export, followed to its end over server-sent events.
  const submitted = await h.submit({ query: QUERY, format: 'csv', fileName: 'telemetry' });
  expect(submitted.status).toBe(202);
  const id = submitted.body['id'] as string;
  const events = await h.call('GET', `/exports/${id}/events`);
  await readEvents(events, ({ data }) => data.status === 'succeeded' || data.status === 'failed');
  job = await h.waitFor(id, (j) => j.status === 'succeeded', 60_000);

  // A gateway with a budget of two requests a minute: the third is refused.
  throttled = await h.stack.startGateway({ RATE_LIMIT_PER_MINUTE: '2' });
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    statuses.push(
      (await fetch(`${throttled.api}/me`, { headers: { authorization: `Bearer ${token}` } })).status,
    );
  }
  expect(statuses).toEqual([200, 200, 429]);

  await new Promise((resolve) => setTimeout(resolve, 200)); // responses are counted once they have closed
  const url = (p: { metricsUrl: string | undefined }): string => {
    if (p.metricsUrl === undefined) throw new Error('no metrics port');
    return p.metricsUrl;
  };
  const [gateway, throttledGateway, metadata, query, exporter] = await Promise.all(
    [h.stack.gateway, throttled, h.stack.metadata, h.stack.query, worker].map((p) => scrapeMetrics(url(p))),
  );
  scraped = {
    gateway: gateway as Scrape,
    throttled: throttledGateway as Scrape,
    metadata: metadata as Scrape,
    query: query as Scrape,
    export: exporter as Scrape,
  };
}, 240_000);

afterAll(async () => {
  await (h as Harness | undefined)?.stop();
}, 60_000);

/** The samples named `name` whose labels include `labels`. */
function samples(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return [...scrape.values()]
    .flatMap((family) => family.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample named `name` with these labels. */
function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const found = samples(scrape, name, labels);
  if (found.length !== 1) {
    const all = samples(scrape, name).map((s) => JSON.stringify(s.labels));
    throw new Error(
      `${found.length} samples of ${name} ${JSON.stringify(labels)}; there are:\n${all.join('\n')}`,
    );
  }
  return found[0]?.value ?? NaN;
}

const histogramCount = (scrape: Scrape, name: string, labels: Record<string, string>): number =>
  value(scrape, `${name}_count`, labels);

/** Each histogram's buckets rise, its +Inf bucket is its count, its sum is not negative. */
function expectConsistentHistograms(scrape: Scrape): void {
  for (const family of scrape.values()) {
    if (family.type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const sample of family.samples) {
      const key = JSON.stringify(Object.entries(sample.labels).filter(([label]) => label !== 'le'));
      series.set(key, [...(series.get(key) ?? []), sample]);
    }
    for (const [key, members] of series) {
      const buckets = members
        .filter((s) => s.name.endsWith('_bucket'))
        .map((s) => ({ le: Number(s.labels['le'] === '+Inf' ? Infinity : s.labels['le']), value: s.value }))
        .sort((a, b) => a.le - b.le);
      const count = members.find((s) => s.name.endsWith('_count'))?.value;
      const sum = members.find((s) => s.name.endsWith('_sum'))?.value;
      const where = `${family.name} ${key}`;
      expect([where, buckets.length > 1]).toEqual([where, true]);
      buckets.forEach((bucket, i) => {
        if (i > 0) expect([where, bucket.value >= (buckets[i - 1]?.value ?? 0)]).toEqual([where, true]);
      });
      expect([where, buckets.at(-1)?.le, buckets.at(-1)?.value]).toEqual([where, Infinity, count]);
      expect([where, (sum ?? -1) >= 0]).toEqual([where, true]);
    }
  }
}

describe('every service', () => {
  it.each(['gateway', 'metadata', 'query', 'export'] as const)(
    '%s exposes Node process metrics, every series labelled with its service',
    (service) => {
      const scrape = scraped[service];
      expect(value(scrape, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(value(scrape, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(value(scrape, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      expect(samples(scrape, 'nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
      for (const family of scrape.values()) {
        for (const sample of family.samples)
          expect([sample.name, sample.labels['service']]).toEqual([sample.name, service]);
      }
      expectConsistentHistograms(scrape);
    },
  );

  it('listens on loopback only unless METRICS_HOST says otherwise (the metrics server has no authentication)', () => {
    for (const p of [h.stack.gateway, h.stack.metadata, h.stack.query, worker]) {
      const port = Number(new URL(p.metricsUrl ?? '').port);
      expect([port, listeningAddresses(port)]).toEqual([port, ['127.0.0.1']]);
    }
  });

  it('answers /health/live and /health/ready on the metrics port', async () => {
    for (const p of [h.stack.gateway, h.stack.metadata, h.stack.query, worker]) {
      expect((await fetch(`${p.metricsUrl ?? ''}/health/live`)).status).toBe(200);
      expect((await fetch(`${p.metricsUrl ?? ''}/health/ready`)).status).toBe(200);
    }
  });
});

describe('the gateway', () => {
  it('counts HTTP requests by route pattern, method and status class, timed under the same labels', () => {
    const g = scraped.gateway;
    const expectations: [string, string, string][] = [
      ['/api/v1/datasets', 'GET', '2xx'],
      ['/api/v1/datasets/:id', 'GET', '2xx'],
      ['/api/v1/datasets/:id', 'GET', '4xx'],
      ['/api/v1/datasets/:id/vintages', 'GET', '2xx'],
      ['/api/v1/query/preview', 'POST', '2xx'],
      ['/api/v1/query/preview', 'POST', '4xx'],
      ['/api/v1/query/count', 'POST', '2xx'],
      ['/api/v1/query/sql', 'POST', '2xx'],
      ['/api/v1/query/csv', 'POST', '2xx'],
      ['/api/v1/exports', 'POST', '2xx'],
      ['/api/v1/exports/:id/events', 'GET', '2xx'],
      ['/api/v1/exports/:id', 'GET', '2xx'],
      ['unmatched', 'GET', '4xx'],
    ];
    for (const [route, method, status_class] of expectations) {
      const labels = { route, method, status_class };
      const count = value(g, 'aurora_http_requests_total', labels);
      expect([route, count >= 1]).toEqual([route, true]);
      expect(histogramCount(g, 'aurora_http_request_duration_seconds', labels)).toBe(count);
    }
    // The 401 was refused by the auth guard, on the route it asked for.
    expect(value(g, 'aurora_http_requests_total', { route: '/api/v1/datasets', status_class: '4xx' })).toBe(
      1,
    );
  });

  it('counts its gRPC calls by status, the exports it queued, and open event streams (none now)', () => {
    const g = scraped.gateway;
    const client = (service: string, method: string, code: string) =>
      value(g, 'aurora_grpc_client_requests_total', {
        grpc_service: `aurora.v1.${service}`,
        grpc_method: method,
        grpc_code: code,
      });
    expect(client('QueryService', 'Preview', 'OK')).toBeGreaterThanOrEqual(1);
    expect(client('QueryService', 'Preview', 'INVALID_ARGUMENT')).toBe(1);
    expect(client('QueryService', 'Count', 'OK')).toBe(2); // POST /query/count and the export's row count
    expect(client('QueryService', 'StreamCsv', 'OK')).toBe(1);
    expect(client('MetadataService', 'GetDataset', 'NOT_FOUND')).toBe(1);
    expect(value(g, 'aurora_export_jobs_submitted_total', { format: 'csv' })).toBe(1);
    expect(value(g, 'aurora_sse_connections')).toBe(0);
  });

  it('counts requests refused by the rate limit, by route', () => {
    expect(value(scraped.throttled, 'aurora_rate_limit_rejections_total', { route: '/api/v1/me' })).toBe(1);
    expect(
      value(scraped.throttled, 'aurora_http_requests_total', { route: '/api/v1/me', status_class: '4xx' }),
    ).toBe(1);
  });
});

describe('the query service', () => {
  it('counts gRPC calls served by status, timed under the same labels', () => {
    const q = scraped.query;
    for (const [method, code] of [
      ['Preview', 'OK'],
      ['Preview', 'INVALID_ARGUMENT'],
      ['Count', 'OK'],
      ['CompileSql', 'OK'],
      ['StreamCsv', 'OK'],
    ] as const) {
      const labels = { grpc_service: 'aurora.v1.QueryService', grpc_method: method, grpc_code: code };
      const count = value(q, 'aurora_grpc_server_requests_total', labels);
      expect([method, code, count >= 1]).toEqual([method, code, true]);
      expect(histogramCount(q, 'aurora_grpc_server_duration_seconds', labels)).toBe(count);
    }
    expect(
      value(q, 'aurora_grpc_client_requests_total', { grpc_method: 'ListDatasets', grpc_code: 'OK' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('times queries by dialect, kind and outcome, counts rows returned and errors by code', () => {
    const q = scraped.query;
    const duration = (kind: string, outcome: string) =>
      histogramCount(q, 'aurora_query_duration_seconds', { dialect: 'duckdb', kind, outcome });
    expect(duration('preview', 'ok')).toBe(1);
    expect(duration('preview', 'error')).toBe(1);
    expect(duration('count', 'ok')).toBe(2);
    expect(duration('sql', 'ok')).toBe(1);
    expect(duration('csv', 'ok')).toBe(2); // the CSV download and the export
    const outcomes = new Set(
      samples(q, 'aurora_query_duration_seconds_count').map((s) => s.labels['outcome']),
    );
    for (const outcome of outcomes)
      expect(['ok', 'timeout', 'cancelled', 'too_expensive', 'error']).toContain(outcome);
    expect(value(q, 'aurora_query_rows_total', { kind: 'preview' })).toBe(Math.min(10, csvRows));
    expect(value(q, 'aurora_query_rows_total', { kind: 'csv' })).toBe(csvRows + job.rowsWritten);
    expect(value(q, 'aurora_query_errors_total', { dialect: 'duckdb', code: 'INVALID_QUERY' })).toBe(1);
  });

  it('counts result cache lookups: the export asked the count that POST /query/count had kept', () => {
    const q = scraped.query;
    const lookups = (kind: string, result: string) =>
      value(q, 'aurora_query_cache_lookups_total', { dialect: 'duckdb', kind, result });
    expect([lookups('preview', 'miss'), lookups('count', 'miss'), lookups('count', 'hit')]).toEqual([
      1, 1, 1,
    ]);
    expect(value(q, 'aurora_query_cache_entries')).toBe(2);
    expect(value(q, 'aurora_query_cache_bytes')).toBeGreaterThan(0);
  });

  it('reports its warehouse pool: size as configured, in use and waiting within it', () => {
    expectPool(scraped.query, 8);
  });
});

describe('the metadata service', () => {
  it('counts gRPC calls served by status and reports its warehouse pool', () => {
    const m = scraped.metadata;
    const served = (method: string, code: string) =>
      value(m, 'aurora_grpc_server_requests_total', {
        grpc_service: 'aurora.v1.MetadataService',
        grpc_method: method,
        grpc_code: code,
      });
    expect(served('ListDatasets', 'OK')).toBeGreaterThanOrEqual(2); // the gateway's and the query service's
    expect(served('GetDataset', 'OK')).toBe(1);
    expect(served('GetDataset', 'NOT_FOUND')).toBe(1);
    expect(served('GetVintages', 'OK')).toBe(1);
    expectPool(m, 4);
  });
});

describe('the export worker', () => {
  it('counts the job by status and records its duration, rows, bytes and rate as its record says', () => {
    const e = scraped.export;
    expect(value(e, 'aurora_export_jobs_total', { format: 'csv', status: 'succeeded' })).toBe(1);
    expect(
      histogramCount(e, 'aurora_export_job_duration_seconds', { format: 'csv', status: 'succeeded' }),
    ).toBe(1);
    const seconds = value(e, 'aurora_export_job_duration_seconds_sum', {
      format: 'csv',
      status: 'succeeded',
    });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
    expect(job.rowsWritten).toBeGreaterThan(0);
    expect(value(e, 'aurora_export_rows_total', { format: 'csv' })).toBe(job.rowsWritten);
    expect(value(e, 'aurora_export_bytes_total', { format: 'csv' })).toBe(job.bytes);
    expect(value(e, 'aurora_export_rows_per_second_sum', { format: 'csv' })).toBeCloseTo(
      job.rowsWritten / seconds,
      0,
    );
  });

  it('reports the JetStream consumer backlog (empty once the job is done) and its gRPC calls', () => {
    const e = scraped.export;
    const consumer = { stream: 'AURORA_EXPORTS', consumer: 'export-workers' };
    expect(value(e, 'aurora_jetstream_consumer_pending', consumer)).toBe(0);
    expect(value(e, 'aurora_jetstream_consumer_ack_pending', consumer)).toBe(0);
    expect(
      value(e, 'aurora_grpc_client_requests_total', {
        grpc_service: 'aurora.v1.QueryService',
        grpc_method: 'StreamCsv',
        grpc_code: 'OK',
      }),
    ).toBe(1);
  });
});

describe('labels and logs', () => {
  it('keep label values few and harmless: no user, no SQL, no filter value', () => {
    for (const [service, scrape] of Object.entries(scraped)) {
      for (const family of scrape.values()) {
        for (const sample of family.samples) {
          for (const [label, text] of Object.entries(sample.labels)) {
            const where = `${service} ${sample.name}{${label}="${text}"}`;
            expect([where, /^[\w./:+-]{0,80}$/.test(text)]).toEqual([where, true]);
            expect(text.toLowerCase()).not.toMatch(/alice|select|canary/);
          }
        }
      }
    }
  });

  it('write no filter value and no token at info level, and carry request ids and the subject', () => {
    const processes = [h.stack.gateway, h.stack.metadata, h.stack.query, throttled, worker];
    const output = processes.map((p) => p.process.output()).join('\n');
    expect(output).not.toContain(CANARY);
    expect(output).not.toContain(token);
    const gatewayLines = h.stack.gateway.process
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const preview = gatewayLines.find(
      (l) => l['message'] === 'request' && l['route'] === '/api/v1/query/preview',
    );
    expect(preview).toMatchObject({
      subject: 'alice',
      status: 200,
      request_id: expect.any(String) as unknown,
    });
    const queryLine = h.stack.query.process
      .output()
      .split('\n')
      .find((line) => line.includes(`"request_id":"${String(preview?.['request_id'])}"`));
    expect(queryLine && JSON.parse(queryLine)).toMatchObject({
      message: 'query',
      kind: 'preview',
      outcome: 'ok',
    });
  });
});

describe('docs/METRICS.md and the dashboards', () => {
  const exportedFamilies = (): Set<string> => new Set(Object.values(scraped).flatMap((s) => [...s.keys()]));

  it('documents exactly the aurora_* families the services export', () => {
    const documented = new Set(
      [...readFileSync(join(ROOT, 'docs/METRICS.md'), 'utf8').matchAll(/^\| `(aurora_[a-z0-9_]+)`/gm)].map(
        (m) => m[1],
      ),
    );
    const exported = [...exportedFamilies()].filter((name) => name.startsWith('aurora_'));
    expect([...documented].sort()).toEqual(exported.sort());
  });

  const dashboards = join(ROOT, 'k8s/dashboards');
  const present = existsSync(dashboards);
  (present ? it : it.skip)(
    `uses only metrics the services export in k8s/dashboards/*.json${present ? '' : ' (skipped: k8s/dashboards does not exist yet)'}`,
    () => {
      const sampleNames = new Set(
        Object.values(scraped).flatMap((s) =>
          [...s.values()].flatMap((f) => [f.name, ...f.samples.map((x) => x.name)]),
        ),
      );
      const files = readdirSync(dashboards).filter((file) => file.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const used = new Set(
          [
            ...readFileSync(join(dashboards, file), 'utf8').matchAll(
              /\b(?:aurora|process|nodejs)_[a-z0-9_]+/g,
            ),
          ].map((m) => m[0]),
        );
        const unknown = [...used].filter((name) => !sampleNames.has(name));
        expect([file, unknown]).toEqual([file, []]);
      }
    },
  );
});

function expectPool(scrape: Scrape, size: number): void {
  const labels = { dialect: 'duckdb' };
  expect(value(scrape, 'aurora_warehouse_pool_size', labels)).toBe(size);
  const inUse = value(scrape, 'aurora_warehouse_pool_in_use', labels);
  expect(inUse).toBeGreaterThanOrEqual(0);
  expect(inUse).toBeLessThanOrEqual(size);
  expect(value(scrape, 'aurora_warehouse_pool_waiting', labels)).toBeGreaterThanOrEqual(0);
}

/** The local addresses of the TCP sockets listening on `port` (Linux: /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(
        ([, local, , state]) =>
          state === LISTEN && local?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`),
      )
      .map(([, local]) => ipOf(local?.split(':')[0] ?? '')),
  );
}

/** /proc/net's hex address (little-endian words) as text: `0100007F` → 127.0.0.1, all zeros → 0.0.0.0 or ::. */
function ipOf(hex: string): string {
  if (hex.length === 8)
    return (hex.match(/../g) ?? [])
      .map((byte) => parseInt(byte, 16))
      .reverse()
      .join('.');
  return /^0+$/.test(hex) ? '::' : hex;
}
