// The HTTP stack under load: 200 concurrent clients on /query/preview with varied, realistic queries, beside
// the same SQL run directly on DuckDB in the same run; then a 1,000,000-row CSV download beside DuckDB's own
// COPY … TO csv. Writes its section of docs/BENCHMARKS.md. Run: npm run bench (or `npm run bench -w @aurora/gateway`).
import { DuckDbAdapter } from '@aurora/warehouse';
import { startStack } from '@aurora/testing';
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 200);
const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const REGIONS = ['EMEA', 'APAC', 'AMER', 'LATAM'];
const DAYS = Array.from({ length: 30 }, (_, i) =>
  new Date(Date.UTC(2026, 10, 20 - i)).toISOString().slice(0, 10),
);

/** A realistic preview: one vintage, a left join, nested filters, grouping, sort and a page. Values vary. */
function previewQuery(i: number) {
  return {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: DAYS[i % DAYS.length] } },
    joins: [
      {
        dataset: 'products',
        type: 'left',
        on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
      },
    ],
    filter: {
      kind: 'group',
      op: 'and',
      items: [
        {
          kind: 'condition',
          column: 'global_sales.region',
          operator: 'in',
          values: REGIONS.slice(0, 1 + (i % 4)),
        },
        {
          kind: 'group',
          op: 'or',
          items: [
            { kind: 'condition', column: 'global_sales.amount', operator: '>', value: 50 + (i % 500) },
            { kind: 'condition', column: 'products.category', operator: 'is_null', not: true },
          ],
        },
      ],
    },
    aggregate: {
      groupBy: ['global_sales.region', 'products.category'],
      measures: [
        { fn: 'sum', column: 'global_sales.amount', as: 'total' },
        { fn: 'count', column: null, as: 'orders' },
      ],
    },
    sort: [{ column: 'total', dir: 'desc' }],
    page: { number: 1, size: 50 },
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-bench-api-'));
  execFileSync(process.execPath, [join(ROOT, 'tools/demo-data/dist/main.js')], {
    env: { ...process.env, DEMO_DATA_DIR: dir, DEMO_SALES_ROWS: String(ROWS) },
    stdio: 'ignore',
  });
  // For the CSV part the fact table may be read whole: the same catalog, vintage not required.
  const catalog = join(dir, 'catalog.yaml');
  writeFileSync(
    catalog,
    readFileSync(join(ROOT, 'services/metadata/catalog/demo.yaml'), 'utf8').replace(
      /required: true/g,
      'required: false',
    ),
  );
  const warehousePath = join(dir, 'warehouse.duckdb');
  const stack = await startStack({
    warehousePath,
    catalogPath: catalog,
    env: {
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
      query: { WAREHOUSE_CONNECTIONS: '4', MAX_ROW_LIMIT: String(ROWS) },
    },
  });
  const direct = await DuckDbAdapter.open({
    path: warehousePath,
    readOnly: true,
    connections: 4,
    defaultTimeoutMs: 60_000,
    fileSearchPath: dir,
  });
  try {
    const token = await stack.token('alice-cli');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bodies = Array.from({ length: 120 }, (_, i) => JSON.stringify(previewQuery(i)));

    // 1. The stack under load.
    const latencies: number[] = [];
    let next = 0;
    const load = await new Promise<autocannon.Result>((resolvePromise, reject) => {
      const instance = autocannon(
        {
          url: `${stack.urls.api}/query/preview`,
          connections: CONNECTIONS,
          duration: SECONDS,
          requests: [
            {
              method: 'POST',
              headers,
              setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
            },
          ],
        },
        (error: Error | null, result) => (error ? reject(error) : resolvePromise(result)),
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    });
    latencies.sort((a, b) => a - b);

    // 2. The same statements straight on DuckDB, same concurrency bound by the same 4 connections.
    const statements = await Promise.all(
      bodies.map(async (body) => {
        const response = await fetch(`${stack.urls.api}/query/sql`, { method: 'POST', headers, body });
        return (await response.json()) as { sql: string; params: (string | number)[] };
      }),
    );
    const directLatencies: number[] = [];
    const deadline = Date.now() + Math.min(SECONDS, 20) * 1000;
    let issued = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < deadline) {
          const statement = statements[issued++ % statements.length];
          if (!statement) break;
          const t0 = performance.now();
          await direct.query(statement);
          directLatencies.push(performance.now() - t0);
        }
      }),
    );
    const directSeconds = (Date.now() - started) / 1000;
    directLatencies.sort((a, b) => a - b);

    // 3. CSV: the whole fact table (10 columns) through the stack, beside DuckDB's own COPY.
    const csvQuery = {
      dataset: 'global_sales',
      columns: [
        'sale_id',
        'load_id',
        'region',
        'channel',
        'order_date',
        'ordered_at',
        'quantity',
        'unit_price',
        'amount',
        'is_return',
      ],
      limit: ROWS,
    };
    const t1 = performance.now();
    const response = await fetch(`${stack.urls.api}/query/csv`, {
      method: 'POST',
      headers,
      body: JSON.stringify(csvQuery),
    });
    let csvBytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      csvBytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    const csvSeconds = (performance.now() - t1) / 1000;
    const sql = (await (
      await fetch(`${stack.urls.api}/query/sql`, { method: 'POST', headers, body: JSON.stringify(csvQuery) })
    ).json()) as { sql: string; params: (string | number)[] };
    const copyFile = join(dir, 'copy.csv');
    const t2 = performance.now();
    await direct.query({
      sql: `COPY (${sql.sql}) TO '${copyFile}' (HEADER, DELIMITER ',')`,
      params: sql.params,
    });
    const copySeconds = (performance.now() - t2) / 1000;
    const csvRows = lines - 1;

    const stackRps = load.requests.total / SECONDS;
    const directRps = directLatencies.length / directSeconds;
    const errors = load.errors + load.timeouts + load.non2xx;
    const table = `
## HTTP API under load

\`services/gateway/bench/api.bench.ts\`: the whole stack as real processes (dev IdP, metadata, query with 4
DuckDB connections, gateway) on the demo warehouse (${ROWS.toLocaleString('en-US')} sales rows). ${CONNECTIONS} concurrent
clients (autocannon) for ${SECONDS} s on \`POST /query/preview\` with 120 varied queries (one daily vintage, a left
join to products, nested AND/OR filters, group by 2 columns with sum and count, sort, page of 50). Beside it,
the same compiled statements run directly on DuckDB (4 connections, ${CONNECTIONS} concurrent callers), in the same run.

- Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores, load average ${fmt(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 2)} at the end

| Path | Requests/s | p50 ms | p95 ms | p99 ms | Errors |
| ---- | ---------: | -----: | -----: | -----: | -----: |
| HTTP stack (gateway → gRPC → DuckDB) | ${fmt(stackRps)} | ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 95))} | ${fmt(percentile(latencies, 99))} | ${errors} |
| DuckDB directly | ${fmt(directRps)} | ${fmt(percentile(directLatencies, 50))} | ${fmt(percentile(directLatencies, 95))} | ${fmt(percentile(directLatencies, 99))} | 0 |
| ratio stack / direct | ${fmt(stackRps / directRps, 2)} | ${fmt(percentile(latencies, 50) / percentile(directLatencies, 50), 2)} | | | |

| CSV of ${csvRows.toLocaleString('en-US')} rows × 10 columns | Seconds | Rows/s | MB |
| ---- | ------: | -----: | -: |
| \`POST /query/csv\` (streamed through gateway and gRPC) | ${fmt(csvSeconds, 2)} | ${Math.round(csvRows / csvSeconds).toLocaleString('en-US')} | ${fmt(csvBytes / 1e6)} |
| DuckDB \`COPY … TO 'file.csv'\` | ${fmt(copySeconds, 2)} | ${Math.round(csvRows / copySeconds).toLocaleString('en-US')} | ${fmt(statSync(copyFile).size / 1e6)} |
| ratio stack / COPY (rows/s) | | ${fmt(copySeconds / csvSeconds, 2)} | |
`;
    process.stdout.write(table);
    writeSection('api', table);
    if (errors > 0 || csvRows !== ROWS) process.exitCode = 1;
  } finally {
    await direct.close();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces this benchmark's section of docs/BENCHMARKS.md (other benchmarks own theirs). */
function writeSection(name: string, body: string): void {
  const file = join(ROOT, 'docs/BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const section = `${start}\n${body}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  writeFileSync(
    file,
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
