// The export pipeline end to end: 1,000,000 rows × 10 columns to CSV and to XLSX through gateway → NATS
// JetStream → export worker → query service (gRPC stream) → S3, as real processes, each on a fresh worker
// whose peak RSS (VmHWM) is read from /proc. Beside them, in the same run: DuckDB's own COPY … TO csv of the
// same statement, and exceljs's plain stream.xlsx.WorkbookWriter fed the same rows from the same query
// service, in a child process of its own. Then jobs/minute for a queue of small jobs with 1 and with 2 workers.
// Writes its section of docs/BENCHMARKS.md. Run: npm run bench (or `npm run bench -w @aurora/export`).
//
// Environment: BENCH_ROWS (default 1000000), BENCH_SMALL_JOBS (default 20), BENCH_WRITE_DOCS=0 (leave the
// docs alone, e.g. for a trial with fewer rows), BENCH_WORKER_FLAGS (Node flags for the workers in place of the
// start script's, space-separated, e.g. to try a heap size or add `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import type { ExportFormat } from '@aurora/query-model';
import { QueryClient, loadAuroraPackage } from '@aurora/proto';
import {
  EXPORT_WORKER_NODE_FLAGS,
  startExportWorker,
  startNats,
  startS3,
  startStack,
  internalToken,
  markdownTable,
  writeBenchSection,
  type ExportWorkerProcess,
  type Stack,
} from '@aurora/testing';
import { DuckDbAdapter } from '@aurora/warehouse';
import { credentials } from '@grpc/grpc-js';
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const SMALL_JOBS = Number(process.env['BENCH_SMALL_JOBS'] ?? 20);
const WRITE_DOCS = process.env['BENCH_WRITE_DOCS'] !== '0';
const WORKER_FLAGS =
  process.env['BENCH_WORKER_FLAGS']?.split(' ').filter(Boolean) ?? EXPORT_WORKER_NODE_FLAGS;
/** Issue 13's goal for XLSX of 1,000,000 rows × 10 through the whole pipeline. */
const GOAL = { rowsPerSecond: 100_000, peakRssMb: 150 };
const BUCKET = 'aurora-exports';
const ALICE = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
const COLUMNS = [
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
];
/** The fact table whole, 10 columns (the catalog of this run does not require a vintage). */
const BIG_QUERY = { dataset: 'global_sales', columns: COLUMNS, limit: ROWS };
/** Rows of a small job. */
const SMALL_ROWS = 10_000;
/** A small job: the first rows of the fact table, a different number each time. */
const smallQuery = (i: number) => ({ dataset: 'global_sales', columns: COLUMNS, limit: SMALL_ROWS - i });

interface JobView {
  readonly id: string;
  readonly status: string;
  readonly rowsWritten: number;
  readonly bytes: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: unknown;
}

interface PipelineRun {
  readonly format: ExportFormat;
  /** The worker ran without its start script's heap cap (for comparison). */
  readonly uncapped: boolean;
  readonly rows: number;
  readonly bytes: number;
  /** Submission to finished (the job record's createdAt → finishedAt). */
  readonly seconds: number;
  readonly peakRssMb: number;
  /** The worker's resident set before the job, once it had started and connected. */
  readonly idleRssMb: number;
  /** CPU seconds of the worker and of the query service during the job. */
  readonly workerCpu: number;
  readonly queryCpu: number;
}

interface ChildResult {
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly bytes: number;
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** VmHWM (peak resident set) or VmRSS (now) of a process, in MB. */
function vmHwmMb(pid: number | 'self', field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]) / 1024;
}

/** CPU seconds (user + system, all threads) a process has used so far (`/proc/<pid>/stat`). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The gateway's `/api/v1`, as alice. */
function api(stack: Stack) {
  return async (method: string, path: string, body?: unknown): Promise<Response> => {
    const token = await stack.token('alice-cli');
    return fetch(`${stack.urls.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'aurora-bench-export-'));
  process.stdout.write(`Generating ${fmt(ROWS)} sales rows…\n`);
  execFileSync(process.execPath, [join(ROOT, 'tools/demo-data/dist/main.js')], {
    env: { ...process.env, DEMO_DATA_DIR: join(dir, 'demo'), DEMO_SALES_ROWS: String(ROWS) },
    stdio: 'ignore',
  });
  const warehousePath = join(dir, 'demo', 'warehouse.duckdb');
  const catalog = join(dir, 'catalog.yaml');
  writeFileSync(
    catalog,
    readFileSync(join(ROOT, 'services/metadata/catalog/demo.yaml'), 'utf8').replace(
      /required: true/g,
      'required: false',
    ),
  );
  const [nats, s3] = await Promise.all([startNats(), startS3(BUCKET)]);
  const s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: BUCKET,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const stack = await startStack({
    warehousePath,
    catalogPath: catalog,
    nats,
    env: {
      gateway: {
        ...s3Env,
        EXPORT_EXCEL_MAX_ROWS: '1048575',
        RATE_LIMIT_PER_MINUTE: '1000000',
        // One user submits every job of the bench: the per-user export quotas are not what it measures.
        QUOTA_CONCURRENT_EXPORTS: '0',
        QUOTA_EXPORT_ROWS_PER_DAY: '0',
        REQUEST_TIMEOUT_MS: '120000',
      },
      query: { MAX_ROW_LIMIT: String(Math.max(ROWS, 1_000_000)), STREAM_TIMEOUT_MS: '1800000' },
    },
  });
  const workerEnv = { ...nats.env('export-worker'), QUERY_GRPC_ADDRESS: stack.urls.query, ...s3Env };
  const call = api(stack);
  const workers: ExportWorkerProcess[] = [];
  const worker = async (nodeFlags = WORKER_FLAGS): Promise<ExportWorkerProcess> => {
    const started = await startExportWorker(workerEnv, nodeFlags);
    workers.push(started);
    return started;
  };
  const submit = async (query: unknown, format: ExportFormat): Promise<string> => {
    const response = await call('POST', '/exports', { query, format, fileName: 'bench' });
    const body = (await response.json()) as { id?: string };
    if (response.status !== 202 || body.id === undefined)
      throw new Error(`POST /exports: ${response.status} ${JSON.stringify(body)}`);
    return body.id;
  };
  const finished = async (id: string): Promise<JobView> => {
    for (;;) {
      const job = (await (await call('GET', `/exports/${id}`)).json()) as JobView;
      if (job.status === 'succeeded') return job;
      if (job.status === 'failed' || job.status === 'cancelled')
        throw new Error(`export ${id} ${job.status}: ${JSON.stringify(job.error)}`);
      await sleep(100);
    }
  };
  const seconds = (job: JobView, from: 'createdAt' | 'startedAt' = 'createdAt'): number =>
    (Date.parse(job.finishedAt ?? '') - Date.parse(job[from] ?? '')) / 1000;

  try {
    // 1. The pipeline, one fresh worker per run so that each peak RSS is that job's; the last run's worker
    // lacks the heap cap of its start script, to show what the cap is for.
    const pipeline: PipelineRun[] = [];
    for (const [format, uncapped] of [
      ['csv', false],
      ['xlsx', false],
      ['xlsx', true],
    ] as const) {
      const w = await worker(uncapped ? [] : WORKER_FLAGS);
      process.stdout.write(`Pipeline ${format}${uncapped ? ' (worker without heap cap)' : ''}…\n`);
      const [workerBefore, queryBefore] = [cpuSeconds(w.pid), cpuSeconds(stack.pids.query)];
      const idleRssMb = vmHwmMb(w.pid, 'VmRSS');
      const job = await finished(await submit(BIG_QUERY, format));
      await sleep(200);
      const [workerCpu, queryCpu] = [
        cpuSeconds(w.pid) - workerBefore,
        cpuSeconds(stack.pids.query) - queryBefore,
      ];
      pipeline.push({
        format,
        uncapped,
        rows: job.rowsWritten,
        bytes: job.bytes,
        seconds: seconds(job),
        peakRssMb: vmHwmMb(w.pid),
        idleRssMb,
        workerCpu,
        queryCpu,
      });
      await w.stop();
    }

    // 2. DuckDB's own COPY of the same statement to a CSV file.
    process.stdout.write('DuckDB COPY…\n');
    const sql = (await (await call('POST', '/query/sql', BIG_QUERY)).json()) as {
      sql: string;
      params: (string | number)[];
    };
    const duckdb = await DuckDbAdapter.open({
      path: warehousePath,
      readOnly: true,
      connections: 1,
      defaultTimeoutMs: 600_000,
      fileSearchPath: join(dir, 'demo'),
    });
    const copyFile = join(dir, 'copy.csv');
    const t0 = performance.now();
    await duckdb.query({
      sql: `COPY (${sql.sql}) TO '${copyFile}' (HEADER, DELIMITER ',')`,
      params: sql.params,
    });
    const copySeconds = (performance.now() - t0) / 1000;
    await duckdb.close();
    const copyBytes = statSync(copyFile).size;
    rmSync(copyFile, { force: true });

    // 3. exceljs's plain WorkbookWriter, fed the same rows by the same query service, in a process of its own.
    process.stdout.write('exceljs WorkbookWriter…\n');
    const exceljs = await exceljsChild(stack.urls.query, join(dir, 'exceljs.xlsx'));

    // 4. Jobs per minute: a queue of small jobs, queued first, then drained by 1 and by 2 workers (from the
    // first job's start to the last one's end).
    const throughput: { workers: number; jobs: number; seconds: number }[] = [];
    for (const count of [1, 2]) {
      process.stdout.write(`${SMALL_JOBS} small jobs, ${count} worker(s)…\n`);
      const ids: string[] = [];
      for (let i = 0; i < SMALL_JOBS; i++) ids.push(await submit(smallQuery(i), 'csv'));
      const pool = await Promise.all(Array.from({ length: count }, () => worker()));
      const jobs = await Promise.all(ids.map(finished));
      const first = Math.min(...jobs.map((j) => Date.parse(j.startedAt ?? '')));
      const last = Math.max(...jobs.map((j) => Date.parse(j.finishedAt ?? '')));
      throughput.push({ workers: count, jobs: jobs.length, seconds: (last - first) / 1000 });
      await Promise.all(pool.map((w) => w.stop()));
    }

    const loadAfter = loadavg()[0] ?? 0;
    const [csv, xlsx, uncappedXlsx] = pipeline as [PipelineRun, PipelineRun, PipelineRun];
    const rate = (rows: number, s: number): number => rows / s;
    const perMinute = (t: { jobs: number; seconds: number }): number => (t.jobs / t.seconds) * 60;
    const [one, two] = throughput as [(typeof throughput)[0], (typeof throughput)[0]];
    const body = [
      '## Export pipeline',
      '',
      '`services/export/bench/export.bench.ts`: the whole pipeline as real processes (dev IdP, metadata, ' +
        'query, gateway, nats-server 2.9 with JetStream, the test S3 (s3rver, on local disk), export worker) ' +
        `on the demo warehouse (${fmt(ROWS)} sales rows). One export of the whole fact table, ${COLUMNS.length} ` +
        'columns (integer, date, text, timestamp, number, money, boolean), as CSV and as XLSX: `POST /exports` → ' +
        'work queue → worker → rows streamed from the query service (gRPC) → file written → S3 multipart ' +
        'upload → job record → completed event. Time = the job record from `createdAt` to `finishedAt`. Each ' +
        `run has a fresh worker, started as its start script starts it (\`node ${WORKER_FLAGS.join(' ')} ` +
        "dist/main.js`; once more without these flags, for comparison); peak RSS = that worker's VmHWM " +
        '(`/proc/<pid>/status`), idle RSS its VmRSS before the job; CPU seconds = user + system time of the worker and of the query service during ' +
        'the job (`/proc/<pid>/stat`), which the load of a shared machine moves less than the wall time. ' +
        'Beside them, in ' +
        "the same run: DuckDB's own `COPY (…) TO 'file.csv'` of the same compiled statement, and exceljs's plain " +
        '`stream.xlsx.WorkbookWriter` (no styles, no shared strings; dates stay text for it) writing a local ' +
        'file from the same rows, streamed from the same query service, in a child process of its own (its ' +
        'VmHWM). Then jobs/minute: small CSV jobs queued first, then drained by 1 and by 2 workers (from the ' +
        "first job's start to the last one's end).",
      '',
      `- Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${availableParallelism()} cores, ` +
        `load average ${loadBefore.toFixed(1)} at start, ${loadAfter.toFixed(1)} at the end`,
      '',
      markdownTable(
        ['Path', 'Rows', 'Seconds', 'Rows/s', 'Peak RSS', 'Idle RSS', 'Worker CPU s', 'Query CPU s', 'File'],
        [
          [
            'CSV: gateway → NATS → worker → query → S3',
            fmt(csv.rows),
            fmt(csv.seconds, 1),
            fmt(rate(csv.rows, csv.seconds)),
            `${fmt(csv.peakRssMb)} MB`,
            `${fmt(csv.idleRssMb)} MB`,
            fmt(csv.workerCpu, 1),
            fmt(csv.queryCpu, 1),
            `${fmt(csv.bytes / 1e6, 1)} MB`,
          ],
          [
            "DuckDB `COPY … TO 'file.csv'`",
            fmt(ROWS),
            fmt(copySeconds, 1),
            fmt(rate(ROWS, copySeconds)),
            '',
            '',
            '',
            '',
            `${fmt(copyBytes / 1e6, 1)} MB`,
          ],
          ['ratio pipeline / COPY', '', '', `${fmt(copySeconds / csv.seconds, 2)}×`, '', '', '', '', ''],
          [
            'XLSX: gateway → NATS → worker → query → S3',
            fmt(xlsx.rows),
            fmt(xlsx.seconds, 1),
            fmt(rate(xlsx.rows, xlsx.seconds)),
            `${fmt(xlsx.peakRssMb)} MB`,
            `${fmt(xlsx.idleRssMb)} MB`,
            fmt(xlsx.workerCpu, 1),
            fmt(xlsx.queryCpu, 1),
            `${fmt(xlsx.bytes / 1e6, 1)} MB`,
          ],
          [
            'XLSX, worker without its heap flags',
            fmt(uncappedXlsx.rows),
            fmt(uncappedXlsx.seconds, 1),
            fmt(rate(uncappedXlsx.rows, uncappedXlsx.seconds)),
            `${fmt(uncappedXlsx.peakRssMb)} MB`,
            `${fmt(uncappedXlsx.idleRssMb)} MB`,
            fmt(uncappedXlsx.workerCpu, 1),
            fmt(uncappedXlsx.queryCpu, 1),
            `${fmt(uncappedXlsx.bytes / 1e6, 1)} MB`,
          ],
          [
            'exceljs `WorkbookWriter` (query → local file)',
            fmt(exceljs.rows),
            fmt(exceljs.seconds, 1),
            fmt(rate(exceljs.rows, exceljs.seconds)),
            `${fmt(exceljs.peakRssMb)} MB`,
            '',
            '',
            '',
            `${fmt(exceljs.bytes / 1e6, 1)} MB`,
          ],
          [
            'ratio pipeline / exceljs',
            '',
            '',
            `${fmt(rate(xlsx.rows, xlsx.seconds) / rate(exceljs.rows, exceljs.seconds), 2)}×`,
            `${fmt(xlsx.peakRssMb / exceljs.peakRssMb, 2)}×`,
            '',
            '',
            '',
            '',
          ],
        ],
      ),
      '',
      markdownTable(
        [
          `${fmt(SMALL_JOBS)} CSV jobs of ~${fmt(SMALL_ROWS)} rows, queued, then drained`,
          'Workers',
          'Seconds',
          'Jobs/minute',
        ],
        [
          ['1 worker', '1', fmt(one.seconds, 1), fmt(perMinute(one))],
          ['2 workers', '2', fmt(two.seconds, 1), fmt(perMinute(two))],
          ['ratio 2 / 1', '', '', `${fmt(perMinute(two) / perMinute(one), 2)}×`],
        ],
      ),
      '',
      `XLSX through the whole pipeline: peak worker RSS ${fmt(xlsx.peakRssMb)} MB (issue 13's goal: under ` +
        `${fmt(GOAL.peakRssMb)} MB) and ${fmt(rate(xlsx.rows, xlsx.seconds))} rows/s (goal: at least ` +
        `${fmt(GOAL.rowsPerSecond)}): ` +
        `**${xlsx.peakRssMb < GOAL.peakRssMb && rate(xlsx.rows, xlsx.seconds) >= GOAL.rowsPerSecond ? 'PASS' : 'FAIL'}**`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    if (WRITE_DOCS) writeBenchSection('export', body);
    if (csv.rows !== ROWS || xlsx.rows !== ROWS || exceljs.rows !== ROWS) {
      process.stderr.write('export benchmark: a run did not write every row\n');
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await stack.stop();
    await Promise.all([nats.remove(), s3.remove()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * exceljs in a fresh child process (so its peak RSS is its own), rows from the query service over gRPC with a
 * token this process signs (the harness's keys are this process's).
 */
async function exceljsChild(queryAddress: string, file: string): Promise<ChildResult> {
  const env = { ...process.env, BENCH_INTERNAL_TOKEN: await internalToken(ALICE) };
  return new Promise((resolvePromise, reject) => {
    const child = fork(__filename, ['--exceljs', queryAddress, file], { stdio: 'inherit', env });
    let result: ChildResult | undefined;
    child.on('message', (message) => (result = message as ChildResult));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(file, { force: true });
      if (code === 0 && result) resolvePromise(result);
      else reject(new Error(`the exceljs child exited with ${code ?? 'a signal'}`));
    });
  });
}

/** The child: the rows of BIG_QUERY, as alice (the token from the parent), into exceljs's WorkbookWriter as it is commonly used. */
async function exceljsRun(queryAddress: string, file: string): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const client = new (loadAuroraPackage().aurora.v1.QueryService)(queryAddress, credentials.createInsecure());
  const started = performance.now();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Sheet1');
  const { columns, batches } = await new QueryClient(client).rows(JSON.stringify(BIG_QUERY), {
    principal: { sub: 'alice', name: 'Alice', groups: [] },
    token: process.env['BENCH_INTERNAL_TOKEN'] ?? '',
    timeoutMs: 1_800_000,
  });
  sheet.addRow(columns.map((c) => c.label)).commit();
  let rows = 0;
  for await (const batch of batches) {
    for (const row of batch.rows()) {
      sheet.addRow(row).commit();
      rows += 1;
    }
  }
  sheet.commit();
  await workbook.commit();
  const seconds = (performance.now() - started) / 1000;
  client.close();
  const result: ChildResult = { rows, seconds, peakRssMb: vmHwmMb('self'), bytes: statSync(file).size };
  process.send?.(result);
}

const childAt = process.argv.indexOf('--exceljs');
const run =
  childAt >= 0 ? exceljsRun(process.argv[childAt + 1] ?? '', process.argv[childAt + 2] ?? '') : main();
run.catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
