/**
 * Pool behaviour under 200 concurrent requests against the in-process node-oracledb stand-in (no Oracle can
 * run here), each query taking a fixed 20 ms of "server" time: throughput, queue wait p95 (time a request
 * spent in the pool's queue), end-to-end latency, and that no connection or result set leaked. Writes its
 * section of docs/BENCHMARKS.md (BENCH_WRITE_DOCS=0 to leave it alone).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ORACLE_POOL_DEFAULTS, OracleAdapter, type OraclePoolOptions } from '../src';
import { FakeOracleDb } from '../test/oracle/fake-oracledb';

const CONCURRENCY = 200;
const QUERIES_PER_CLIENT = 10;
const LATENCY_MS = 20;
const CONNECT_MS = 5;
const DOCS = resolve(__dirname, '../../../docs/BENCHMARKS.md');

interface Outcome {
  readonly label: string;
  readonly pool: OraclePoolOptions;
  readonly queries: number;
  readonly failures: number;
  readonly seconds: number;
  readonly queueWaitP95: number;
  readonly queueWaitMax: number;
  readonly latencyP50: number;
  readonly latencyP95: number;
  readonly peakOpen: number;
  readonly peakInUse: number;
  readonly peakWaiting: number;
  readonly leaked: number;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

async function run(label: string, pool: OraclePoolOptions): Promise<Outcome> {
  const db = new FakeOracleDb();
  db.latencyMs = LATENCY_MS;
  db.connectLatencyMs = CONNECT_MS;
  db.on(/FROM GLOBAL_SALES/, {
    columns: [
      { name: 'LOAD_ID', dbType: db.DB_TYPE_VARCHAR },
      { name: 'AMOUNT', dbType: db.DB_TYPE_NUMBER },
    ],
    rows: Array.from({ length: 50 }, (_, i) => [`2024-${i}`, `${i}.25`]),
  });
  const adapter = await OracleAdapter.open(db, {
    user: 'bench',
    password: 'bench',
    connectString: 'stand-in:1521/BENCH',
    defaultTimeoutMs: 30_000,
    pool,
  });
  let peakOpen = 0;
  let peakInUse = 0;
  let peakWaiting = 0;
  const sampler = setInterval(() => {
    const stats = adapter.statistics();
    peakOpen = Math.max(peakOpen, stats.open);
    peakInUse = Math.max(peakInUse, stats.inUse);
    peakWaiting = Math.max(peakWaiting, stats.waiting);
  }, 2);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      for (let i = 0; i < QUERIES_PER_CLIENT; i++) {
        const t0 = performance.now();
        try {
          await adapter.query({
            sql: 'SELECT LOAD_ID, SUM(AMOUNT) FROM GLOBAL_SALES WHERE REGION = :1 GROUP BY LOAD_ID',
            params: [`R${client}`],
          });
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const leaked =
    db.pool.connectionsInUse + db.pool.all.reduce((n, c) => n + c.openResultSets.size + (c.busy ? 1 : 0), 0);
  await adapter.close();
  return {
    label,
    pool,
    queries: latencies.length,
    failures,
    seconds,
    queueWaitP95: percentile(db.pool.queueWaits, 95),
    queueWaitMax: Math.max(...db.pool.queueWaits),
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
    peakOpen,
    peakInUse,
    peakWaiting,
    leaked,
  };
}

function report(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map(
    (o) =>
      `| ${o.label} | ${o.queries} | ${o.failures} | ${Math.round(o.queries / o.seconds)} | ${o.queueWaitP95.toFixed(1)} | ${o.queueWaitMax.toFixed(1)} | ${o.latencyP50.toFixed(1)} / ${o.latencyP95.toFixed(1)} | ${o.peakOpen} / ${o.peakInUse} / ${o.peakWaiting} | ${o.leaked} |`,
  );
  return [
    '<!-- bench:oracle-pool:start -->',
    '## Oracle connection pool (stand-in driver)',
    '',
    '`libs/warehouse/bench/oracle-pool.bench.ts` (`npm run bench -w @aurora/warehouse`): the `OracleAdapter` over',
    'the in-process node-oracledb stand-in of its tests (no Oracle can run here), so this measures the pool and',
    `the adapter, not a database: ${CONCURRENCY} concurrent clients × ${QUERIES_PER_CLIENT} queries, each query`,
    `${LATENCY_MS} ms of fixed server time, opening a session beyond poolMin ${CONNECT_MS} ms. Queue wait: time a`,
    'request spent in the pool queue for a connection. Peaks sampled every 2 ms. Leaked: connections still in',
    'use, result sets open or calls running after all requests settled.',
    '',
    '| pool | queries | failed | queries/s | queue wait p95 (ms) | queue wait max (ms) | latency p50 / p95 (ms) | peak open / in use / waiting | leaked |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. With the default pool (poolMax 150) the`,
    `${CONCURRENCY} clients' requests beyond 150 queue briefly; the ideal throughput is poolMax × 1000 / ${LATENCY_MS}`,
    'queries/s. With poolMax 50 the queue wait is what a smaller pool costs under the same load.',
    '<!-- bench:oracle-pool:end -->',
  ].join('\n');
}

async function main(): Promise<void> {
  const outcomes = [
    await run(
      `defaults (poolMin ${ORACLE_POOL_DEFAULTS.poolMin}, poolMax ${ORACLE_POOL_DEFAULTS.poolMax})`,
      {},
    ),
    await run('poolMin 10, poolMax 50', { poolMin: 10, poolMax: 50 }),
  ];
  const section = report(outcomes);
  console.log(section);
  if (outcomes.some((o) => o.leaked > 0 || o.failures > 0)) {
    console.error('leaked connections or failed requests');
    process.exitCode = 1;
  }
  if (process.env['BENCH_WRITE_DOCS'] === '0') return;
  const current = readFileSync(DOCS, 'utf8'); // re-read right before writing: others own other sections
  const pattern = /<!-- bench:oracle-pool:start -->[\s\S]*?<!-- bench:oracle-pool:end -->/;
  writeFileSync(
    DOCS,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`,
  );
}

void main();
