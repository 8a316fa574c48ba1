/**
 * How rows should cross between services: the same 1,000,000 rows × 10 columns (the demo's sales shapes:
 * integers, a date, texts with non-ASCII, a microsecond timestamp, doubles, a DECIMAL(18,2), booleans,
 * NULLs) read from DuckDB and carried three ways, each from the engine's chunks to the cells a consumer
 * uses (the same cells in all three, checked):
 *
 * - JSON text in a protobuf string (the former wire): shape each value, JSON.stringify, JSON.parse;
 * - typed protobuf columns: one message per batch with a packed repeated field per column (sint64 for
 *   integers, timestamps and unscaled decimals, double, bool, string), encoded and decoded by protobufjs;
 * - Arrow IPC record batches (@aurora/row-batches): columns read from the engine's vectors, one IPC stream
 *   per batch, decoded to cells.
 *
 * Each way runs in turn, three rounds, medians. Rewrites its section of docs/BENCHMARKS.md.
 *
 *   npx tsx --tsconfig tsconfig.json libs/warehouse/bench/wire.bench.ts   (from the repository root)
 *
 * Environment: WIRE_BENCH_ROWS (default 1000000), BENCH_WRITE_DOCS=0 (leave the docs alone).
 */
import { RowBatch, encodeBatches, type BatchColumn, type Cell } from '@aurora/row-batches';
import Long from 'long';
import { availableParallelism, loadavg } from 'node:os';
import protobuf from 'protobufjs';
import { DuckDbAdapter } from '../src';
import { markdownTable, writeBenchSection } from '@aurora/testing';

const ROWS = Number(process.env['WIRE_BENCH_ROWS'] ?? 1_000_000);
const WRITE_DOCS = process.env['BENCH_WRITE_DOCS'] !== '0';
const ROUNDS = 3;
const NAMES = [
  'id',
  'order_date',
  'region',
  'product',
  'created_at',
  'quantity',
  'amount',
  'returned',
  'note',
  'n',
];

const TYPED_COLUMNS = protobuf
  .parse(
    `
  syntax = "proto3";
  message Column {
    bytes validity = 1;
    repeated sint64 integers = 2;
    repeated double doubles = 3;
    repeated bool booleans = 4;
    repeated string texts = 5;
    uint32 scale = 6;
    uint32 kind = 7;
  }
  message ColumnBatch { repeated Column columns = 1; uint32 row_count = 2; }
`,
  )
  .root.lookupType('ColumnBatch');

/** The typed-protobuf reading of a column kind: how its values are encoded and become cells. */
const enum Kind {
  Integer,
  Double,
  Bool,
  Text,
  Date,
  Timestamp,
  Decimal,
}

interface Carried {
  cells: Cell[][];
  bytes: number;
  encodeMs: number;
  decodeMs: number;
}

interface Way {
  readonly name: string;
  /** Engine rows to messages, and messages to cells; returns the cells (for the check) and the bytes. */
  run(duck: DuckDbAdapter): Promise<Carried>;
}

const statement = { sql: 'SELECT * FROM sales ORDER BY id', params: [] };

/**
 * One way's loop: each engine batch is encoded into a message (timed with the engine's read, as a service
 * would do both) and decoded back to cells (timed apart).
 */
async function carry<B, M>(
  batches: AsyncIterable<B>,
  encode: (batch: B) => M,
  decode: (message: M) => Cell[][],
  bytesOf: (message: M) => number = (message) => (message as Uint8Array).length,
): Promise<Carried> {
  const carried: Carried = { cells: [], bytes: 0, encodeMs: 0, decodeMs: 0 };
  let started = performance.now();
  for await (const batch of batches) {
    const message = encode(batch);
    carried.encodeMs += performance.now() - started;
    carried.bytes += bytesOf(message);
    const decodeStarted = performance.now();
    carried.cells.push(...decode(message));
    carried.decodeMs += performance.now() - decodeStarted;
    started = performance.now();
  }
  return carried;
}

const json: Way = {
  name: 'JSON text in a protobuf string (before)',
  run: (duck) =>
    carry(
      duck.stream(statement),
      (rows) => JSON.stringify(rows),
      (text) => JSON.parse(text) as Cell[][],
      (text) => Buffer.byteLength(text),
    ),
};

const arrow: Way = {
  name: 'Arrow IPC record batches (chosen)',
  run: (duck) =>
    carry(
      duck.batches(statement),
      (columns) => encodeBatches(NAMES, [columns]),
      (ipc) => RowBatch.decode(ipc).rows(),
    ),
};

const typedProtobuf: Way = {
  name: 'typed protobuf columns (protobufjs)',
  // From the same columnar read as Arrow: what protobuf adds is its per-value encoding.
  run: (duck) =>
    carry(
      duck.batches(statement),
      (columns) =>
        TYPED_COLUMNS.encode({
          rowCount: columns[0]?.data.length ?? 0,
          columns: columns.map(typedColumn),
        }).finish(),
      (message) => typedCells(TYPED_COLUMNS.decode(message) as unknown as TypedBatch),
    ),
};

interface TypedColumn {
  validity: Uint8Array;
  integers: (Long | number)[];
  doubles: number[];
  booleans: boolean[];
  texts: string[];
  scale: number;
  kind: Kind;
}
interface TypedBatch {
  columns: TypedColumn[];
  rowCount: number;
}

const decoder = new TextDecoder();

function typedColumn({ data }: BatchColumn): Partial<TypedColumn> {
  const validity = data.nullCount > 0 ? data.nullBitmap : new Uint8Array(0);
  const values = data.values as ArrayLike<number | bigint>;
  const longs = () => Array.from(values as BigInt64Array, (v) => Long.fromString(v.toString()));
  switch (String(data.type as unknown)) {
    case 'Int64':
      return { kind: Kind.Integer, validity, integers: longs() };
    case 'Int32':
      return { kind: Kind.Integer, validity, integers: Array.from(values as Int32Array) };
    case 'Float64':
      return { kind: Kind.Double, validity, doubles: Array.from(values as Float64Array) };
    case 'Bool':
      return {
        kind: Kind.Bool,
        validity,
        booleans: Array.from(
          { length: data.length },
          (_, i) => ((values[i >> 3] as number) >> (i & 7)) % 2 === 1,
        ),
      };
    case 'Date32<DAY>':
      return { kind: Kind.Date, validity, integers: Array.from(values as Int32Array) };
    case 'Timestamp<MICROSECOND>':
      return { kind: Kind.Timestamp, validity, integers: longs() };
    case 'Utf8': {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const texts = Array.from({ length: data.length }, (_, i) =>
        decoder.decode(bytes.subarray(offsets[i], offsets[i + 1])),
      );
      return { kind: Kind.Text, validity, texts };
    }
    default: {
      // DECIMAL(18,2): the low 64 bits of each 128-bit word quadruple, as the unscaled integer.
      const words = values as Uint32Array;
      const integers = Array.from({ length: data.length }, (_, i) =>
        Long.fromBits(words[i * 4] ?? 0, words[i * 4 + 1] ?? 0),
      );
      return {
        kind: Kind.Decimal,
        validity,
        integers,
        scale: (data.type as unknown as { scale: number }).scale,
      };
    }
  }
}

function typedCells(batch: TypedBatch): Cell[][] {
  const readers = batch.columns.map((column): ((row: number) => Cell) => {
    const valid = (row: number) =>
      column.validity.length === 0 || (((column.validity[row >> 3] ?? 0) >> (row & 7)) & 1) === 1;
    const integer = (row: number) => {
      const value = column.integers[row] ?? 0;
      return typeof value === 'number' ? value : value.toNumber();
    };
    const read: (row: number) => Cell = {
      [Kind.Integer]: integer,
      [Kind.Double]: (row: number) => column.doubles[row] ?? null,
      [Kind.Bool]: (row: number) => column.booleans[row] ?? null,
      [Kind.Text]: (row: number) => column.texts[row] ?? null,
      [Kind.Date]: (row: number) => new Date(integer(row) * 86_400_000).toISOString().slice(0, 10),
      [Kind.Timestamp]: (row: number) => timestampCell(integer(row)),
      [Kind.Decimal]: (row: number) => integer(row) / 10 ** column.scale,
    }[column.kind];
    return (row) => (valid(row) ? read(row) : null);
  });
  return Array.from({ length: batch.rowCount }, (_, row) => readers.map((read) => read(row)));
}

/** `2026-11-20T10:00:00.5`: ISO without zone, fraction without trailing zeros (as the row path writes it). */
function timestampCell(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
  const fraction = String(((micros % 1_000_000) + 1_000_000) % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return fraction ? `${iso}.${fraction}` : iso;
}

async function main(): Promise<void> {
  const duck = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    threads: 2,
    defaultTimeoutMs: 600_000,
  });
  await duck.execute(`CREATE TABLE sales AS SELECT
      i AS id,
      DATE '2024-01-01' + (i % 730)::INTEGER AS order_date,
      ['EMEA', 'AMER', 'APAC', 'LATAM', 'Nordics & Baltics'][i % 5 + 1] AS region,
      'Product ' || (i % 997) || CASE WHEN i % 3 = 0 THEN ' – Zoë' ELSE '' END AS product,
      TIMESTAMP '2024-01-01 08:00:00' + to_microseconds(i * 37_123_457) AS created_at,
      (i % 17) * 1.5 AS quantity,
      ((i % 100_000) / 100)::DECIMAL(18,2) AS amount,
      i % 7 = 0 AS returned,
      CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || i END AS note,
      (i % 1000)::INTEGER AS n
    FROM range(${ROWS}) r(i)`);
  const ways = [json, typedProtobuf, arrow];
  const times = new Map<Way, { seconds: number[]; encode: number[]; decode: number[]; bytes: number }>();
  let reference: Cell[][] | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    for (const way of ways) {
      const started = performance.now();
      const { cells, bytes, encodeMs, decodeMs } = await way.run(duck);
      const seconds = (performance.now() - started) / 1000;
      reference ??= cells;
      if (round === 0) expectSameCells(way.name, cells, reference);
      const entry = times.get(way) ?? { seconds: [], encode: [], decode: [], bytes };
      entry.seconds.push(seconds);
      entry.encode.push(encodeMs / 1000);
      entry.decode.push(decodeMs / 1000);
      times.set(way, entry);
      console.log(`${way.name}: ${seconds.toFixed(2)} s`);
    }
  }
  await duck.close();
  const baseline = median(times.get(json)?.seconds ?? []);
  const rows = ways.map((way) => {
    const entry = times.get(way);
    if (!entry) throw new Error('not measured');
    const seconds = median(entry.seconds);
    return [
      way.name,
      seconds.toFixed(2),
      Math.round(ROWS / seconds).toLocaleString('en-US'),
      median(entry.encode).toFixed(2),
      median(entry.decode).toFixed(2),
      (entry.bytes / 1e6).toFixed(1),
      `${(baseline / seconds).toFixed(2)}×`,
    ];
  });
  const table = markdownTable(
    ['Wire', 'Seconds', 'Rows/s', 'Engine → message s', 'Message → cells s', 'MB', 'Speed vs JSON'],
    rows,
  );
  const section = [
    '## Row batches on the wire: JSON, typed protobuf columns, Arrow IPC',
    '',
    '`libs/warehouse/bench/wire.bench.ts`: the same ' +
      `${ROWS.toLocaleString('en-US')} rows × 10 columns (integers, a date, texts with non-ASCII, a ` +
      'microsecond timestamp, doubles, a DECIMAL(18,2), booleans, NULLs) from DuckDB, carried each way from the ' +
      "engine's chunks to the cells a consumer uses; the cells of all three are checked equal. Typed protobuf " +
      'columns start from the same columnar read as Arrow, so the difference is the encoding: protobufjs turns ' +
      'every 64-bit value into a `Long` and every text into a JavaScript string and back, where Arrow copies ' +
      'buffers. Medians of 3 rounds, one process, no network (the transport is the same for all three).',
    '',
    `- Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end`,
    '',
    table,
    '',
    'Arrow IPC is what the services send (docs/ARCHITECTURE.md, "Rows on the wire").',
  ].join('\n');
  console.log(`\n${section}`);
  if (WRITE_DOCS) writeBenchSection('wire', section);
}

function expectSameCells(name: string, cells: Cell[][], reference: Cell[][]): void {
  if (cells.length !== reference.length)
    throw new Error(`${name}: ${cells.length} rows, not ${reference.length}`);
  cells.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (!Object.is(cell, reference[r]?.[c])) {
        throw new Error(`${name}: row ${r} column ${c} is ${String(cell)}, not ${String(reference[r]?.[c])}`);
      }
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
