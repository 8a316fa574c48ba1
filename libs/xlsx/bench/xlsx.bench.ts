/**
 * 1,000,000 rows × 10 mixed columns to an XLSX file, with @aurora/xlsx and with exceljs's plain
 * stream.xlsx.WorkbookWriter, each in a fresh child process so that each peak RSS (VmHWM) is its own.
 * Prints a Markdown table, rewrites its section of docs/BENCHMARKS.md, and fails (exit 1) when ours needs
 * 200 MB or more, or writes fewer than 58,000 rows/s.
 *
 *   npx tsx --tsconfig tsconfig.json libs/xlsx/bench/xlsx.bench.ts   (from the repository root)
 *   npm run bench -w @aurora/xlsx
 *
 * Environment: XLSX_BENCH_ROWS (default 1000000), XLSX_BENCH_LEVEL (deflate level for ours, default 1),
 * BENCH_WRITE_DOCS=0 (leave docs/BENCHMARKS.md alone, e.g. for a trial with other sizes).
 */
import { fork } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable, writeBenchSection } from '@aurora/testing';
import { createXlsxWriter, type XlsxCell, type XlsxColumn } from '../src';

const ROWS = Number(process.env['XLSX_BENCH_ROWS'] ?? 1_000_000);
const LEVEL = Number(process.env['XLSX_BENCH_LEVEL'] ?? 1);
const WRITE_DOCS = process.env['BENCH_WRITE_DOCS'] !== '0';
const BATCH = 2_000;
const MAX_RSS_MB = 200;
const MIN_ROWS_PER_S = 58_000;

type Writer = 'aurora' | 'exceljs';

interface Measurement {
  writer: Writer;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  fileMb: number;
}

const COLUMNS: readonly XlsxColumn[] = [
  { name: 'order_id', label: 'Order', type: 'integer' },
  { name: 'region', label: 'Region', type: 'string' },
  { name: 'customer', label: 'Customer', type: 'string' },
  { name: 'order_date', label: 'Order date', type: 'date' },
  { name: 'created_at', label: 'Created at', type: 'timestamp' },
  { name: 'quantity', label: 'Quantity', type: 'integer' },
  { name: 'unit_price', label: 'Unit price', type: 'number' },
  { name: 'revenue', label: 'Revenue', type: 'number', format: 'money' },
  { name: 'returned', label: 'Returned', type: 'boolean' },
  { name: 'note', label: 'Note', type: 'string' },
];

const REGIONS = ['EMEA', 'AMER', 'APAC', 'LATAM', 'Nordics & Baltics'];
const CUSTOMERS = Array.from({ length: 997 }, (_, i) => `${i % 3 === 0 ? 'Zoë' : 'Customer'} ${i} Ltd.`);
const NOTES = ['', 'priority', 'gift wrap <fragile>', 'call "before" delivery', 'Überweisung 山田'];

/** Deterministic rows shaped like the warehouse's: dates and timestamps as ISO text, NULLs as null. */
function batchOf(first: number, count: number): XlsxCell[][] {
  const rows: XlsxCell[][] = new Array<XlsxCell[]>(count);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const day = 1 + (i % 28);
    const month = 1 + (i % 12);
    const dd = day < 10 ? `0${day}` : `${day}`;
    const mm = month < 10 ? `0${month}` : `${month}`;
    const quantity = 1 + (i % 50);
    const price = Math.round((i % 10_000) * 1.37) / 100;
    rows[k] = [
      i + 1,
      REGIONS[i % REGIONS.length] as string,
      CUSTOMERS[i % CUSTOMERS.length] as string,
      `2026-${mm}-${dd}`,
      `2026-${mm}-${dd}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07`,
      quantity,
      price,
      Math.round(quantity * price * 100) / 100,
      i % 7 === 0,
      i % 5 === 0 ? null : (NOTES[i % NOTES.length] as string),
    ];
  }
  return rows;
}

async function runAurora(file: string): Promise<number> {
  const writer = createXlsxWriter({
    columns: COLUMNS,
    output: createWriteStream(file),
    compressionLevel: LEVEL,
  });
  for (let first = 0; first < ROWS; first += BATCH) {
    await writer.write(batchOf(first, Math.min(BATCH, ROWS - first)));
  }
  return (await writer.finish()).rows;
}

async function runExcelJs(file: string): Promise<number> {
  // Loaded here so that our child does not carry exceljs in its RSS.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(COLUMNS.map((c) => c.label ?? c.name)).commit();
  let rows = 0;
  for (let first = 0; first < ROWS; first += BATCH) {
    for (const row of batchOf(first, Math.min(BATCH, ROWS - first))) {
      sheet.addRow(row).commit();
      rows++;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
  return rows;
}

/** Peak resident set of this process, in MB (VmHWM; maxRSS where /proc is missing). */
function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function child(writer: Writer): Promise<void> {
  const file = join(tmpdir(), `aurora-xlsx-bench-${writer}-${process.pid}.xlsx`);
  try {
    const started = process.hrtime.bigint();
    const rows = writer === 'aurora' ? await runAurora(file) : await runExcelJs(file);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const result: Measurement = {
      writer,
      rows,
      seconds,
      rowsPerSecond: rows / seconds,
      peakRssMb: peakRssMb(),
      fileMb: statSync(file).size / 1024 / 1024,
    };
    if (process.send) process.send(result);
    else process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Both children get V8's young generation at 16 MiB semi-spaces: Node 24 otherwise grows it to 3 × 64 MiB of
 * garbage first, which says more about V8 than about the writers. (The export worker runs with 4 MiB: it writes
 * from the Arrow values and makes little garbage, where the cells handed over here are a lot of it.)
 */
const YOUNG_GENERATION_FLAG = '--max-semi-space-size=16';

function measure(writer: Writer): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, ['--child', writer], {
      stdio: 'inherit',
      execArgv: [...process.execArgv, YOUNG_GENERATION_FLAG],
    });
    let result: Measurement | undefined;
    proc.on('message', (message) => (result = message as Measurement));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${writer} benchmark child exited with ${code ?? 'a signal'}`));
    });
  });
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const ours = await measure('aurora');
  const theirs = await measure('exceljs');
  const loadAfter = loadavg()[0] ?? 0;
  const met = ours.peakRssMb < MAX_RSS_MB && ours.rowsPerSecond >= MIN_ROWS_PER_S;
  const label = (m: Measurement): string =>
    m.writer === 'aurora'
      ? `@aurora/xlsx (cells, deflate level ${LEVEL})`
      : 'exceljs 4.4 `stream.xlsx.WorkbookWriter` (no styles, no shared strings)';
  const body = [
    '## XLSX writer',
    '',
    '`libs/xlsx/bench/xlsx.bench.ts`: ' +
      `${fmt(ROWS)} rows × ${COLUMNS.length} columns (integer, text with non-ASCII and XML specials, date, ` +
      'timestamp, number, money, boolean, NULLs) handed over in batches of ' +
      `${fmt(BATCH)} rows as the warehouse shapes them, written to a local file. Each writer runs in its own ` +
      `fresh child process (under tsx, whose loader thread adds ~30 MB to both; \`${YOUNG_GENERATION_FLAG}\`), ` +
      "peak RSS = that process's " +
      'VmHWM. exceljs gets the same row arrays (dates stay text for it) and yields to the event loop after ' +
      'each batch; its sheet is still held in memory until `commit()` (exceljs #2916, #1894).',
    '',
    `- Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${availableParallelism()} cores, ` +
      `load average ${loadBefore.toFixed(1)} at start, ${loadAfter.toFixed(1)} at the end`,
    '',
    markdownTable(
      ['Writer', 'Rows/s', 'Time', 'Peak RSS', 'File'],
      [
        ...[ours, theirs].map((m) => [
          label(m),
          fmt(m.rowsPerSecond),
          `${fmt(m.seconds, 1)} s`,
          `${fmt(m.peakRssMb)} MB`,
          `${fmt(m.fileMb, 1)} MB`,
        ]),
        [
          'ratio ours / exceljs',
          `${fmt(ours.rowsPerSecond / theirs.rowsPerSecond, 2)}×`,
          `${fmt(ours.seconds / theirs.seconds, 2)}×`,
          `${fmt(ours.peakRssMb / theirs.peakRssMb, 2)}×`,
          `${fmt(ours.fileMb / theirs.fileMb, 2)}×`,
        ],
      ],
    ),
    '',
    `Requirement (peak RSS under ${MAX_RSS_MB} MB and at least ${fmt(MIN_ROWS_PER_S)} rows/s for ` +
      `${fmt(ROWS)} rows): **${met ? 'PASS' : 'FAIL'}**`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (WRITE_DOCS) writeBenchSection('xlsx', body);

  const failures: string[] = [];
  if (ours.peakRssMb >= MAX_RSS_MB) failures.push(`peak RSS ${fmt(ours.peakRssMb)} MB ≥ ${MAX_RSS_MB} MB`);
  if (ours.rowsPerSecond < MIN_ROWS_PER_S) {
    failures.push(`${fmt(ours.rowsPerSecond)} rows/s < ${fmt(MIN_ROWS_PER_S)} rows/s`);
  }
  if (failures.length > 0) {
    process.stderr.write(`xlsx benchmark FAILED: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  }
}

const childIndex = process.argv.indexOf('--child');
const run = childIndex >= 0 ? child(process.argv[childIndex + 1] as Writer) : main();
run.catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
