// The export worker's XLSX code alone, for profiling (`--cpu-prof`, `--trace-gc`): the Arrow messages of
// 1,000,000 demo sales × 10 columns, as the query service sends them (about 1 MiB each), read from a file
// made once, then each decoded (`RowBatch.decode`) and written by `xlsxFile` into a SHA-256 meter as the
// worker's upload stream, no network. Prints CPU seconds (all threads), wall seconds and peak RSS.
//
//   node --max-old-space-size=128 --max-semi-space-size=4 --import tsx \
//     services/export/bench/xlsx-hot-path.ts            (TSX_TSCONFIG_PATH=tsconfig.json, from the root)
//
// Environment: HOT_PATH_FILE (default $TMPDIR/aurora-xlsx-hot-path.arrows), BENCH_ROWS (default 1000000).
import type { ResultColumn } from '@aurora/proto';
import { ROW_MESSAGE_BYTES } from '@aurora/proto';
import { byteSize, encodeBatches, RowBatch, type BatchColumn } from '@aurora/row-batches';
import { DuckDbAdapter } from '@aurora/warehouse';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { xlsxFile } from '../src/file-writer';

const ROOT = resolve(__dirname, '../../..');
const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const FILE = process.env['HOT_PATH_FILE'] ?? join(tmpdir(), 'aurora-xlsx-hot-path.arrows');

const COLUMNS: ResultColumn[] = [
  { name: 'sale_id', label: 'Sale', type: 'integer', format: '' },
  { name: 'load_id', label: 'Load', type: 'date', format: '' },
  { name: 'region', label: 'Region', type: 'string', format: '' },
  { name: 'channel', label: 'Channel', type: 'string', format: '' },
  { name: 'order_date', label: 'Order date', type: 'date', format: '' },
  { name: 'ordered_at', label: 'Ordered at', type: 'timestamp', format: '' },
  { name: 'quantity', label: 'Quantity', type: 'integer', format: '' },
  { name: 'unit_price', label: 'Unit price', type: 'number', format: '' },
  { name: 'amount', label: 'Amount', type: 'number', format: 'money' },
  { name: 'is_return', label: 'Return', type: 'boolean', format: '' },
];

/** The messages, made once from a fresh demo warehouse: length-prefixed Arrow IPC streams. */
async function messages(): Promise<string> {
  if (!existsSync(FILE)) {
    const dir = mkdtempSync(join(tmpdir(), 'aurora-hot-path-'));
    try {
      execFileSync(process.execPath, [join(ROOT, 'tools/demo-data/dist/main.js')], {
        env: { ...process.env, DEMO_DATA_DIR: join(dir, 'demo'), DEMO_SALES_ROWS: String(ROWS) },
        stdio: 'ignore',
      });
      const duckdb = await DuckDbAdapter.open({
        path: join(dir, 'demo', 'warehouse.duckdb'),
        readOnly: true,
        connections: 1,
        defaultTimeoutMs: 600_000,
        fileSearchPath: join(dir, 'demo'),
      });
      const names = COLUMNS.map((c) => c.name);
      const sql = `SELECT ${names.join(', ')} FROM global_sales ORDER BY sale_id LIMIT ${ROWS}`;
      const parts: Buffer[] = [];
      let pending: BatchColumn[][] = [];
      let bytes = 0;
      const flush = (): void => {
        const message = encodeBatches(names, pending);
        const length = Buffer.alloc(4);
        length.writeUInt32LE(message.length);
        parts.push(length, message);
        pending = [];
        bytes = 0;
      };
      for await (const batch of duckdb.batches({ sql, params: [] })) {
        if (pending.length > 0 && bytes + byteSize(batch) > ROW_MESSAGE_BYTES) flush();
        pending.push(batch);
        bytes += byteSize(batch);
      }
      if (pending.length > 0) flush();
      await duckdb.close();
      writeFileSync(FILE, Buffer.concat(parts));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return FILE;
}

/** The messages one at a time, as they arrive: never all of them in memory. */
function* read(path: string): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const length = Buffer.alloc(4);
    for (let at = 0; readSync(fd, length, 0, 4, at) === 4;) {
      const message = Buffer.allocUnsafe(length.readUInt32LE(0));
      readSync(fd, message, 0, message.length, at + 4);
      at += 4 + message.length;
      yield message;
    }
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const path = await messages();
  const idleRssMb = Math.round(process.memoryUsage.rss() / 1048576);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Stands in for the S3 upload: takes each chunk at once.
  meter.pipe(new Writable({ write: (_chunk, _encoding, done) => done() }));
  const file = xlsxFile(COLUMNS, meter);
  let rows = 0;
  let count = 0;
  for (const arrow of read(path)) {
    count++;
    const batch = RowBatch.decode(arrow);
    await file.write(batch);
    rows += batch.rowCount;
  }
  await file.finish();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const status = readFileSync('/proc/self/status', 'utf8');
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  process.stdout.write(
    `${JSON.stringify({
      messages: count,
      rows,
      bytes,
      sha256: hash.digest('hex').slice(0, 16),
      seconds: +seconds.toFixed(2),
      cpuSeconds: +((user + system) / 1e6).toFixed(2),
      rowsPerSecond: Math.round(rows / seconds),
      idleRssMb,
      peakRssMb: Math.round(peak),
      heapTotalMb: Math.round(process.memoryUsage().heapTotal / 1048576),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
