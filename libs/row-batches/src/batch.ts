import {
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  makeData,
  tableFromIPC,
  tableToIPC,
  util,
  type Data,
  type Decimal,
} from 'apache-arrow';
import { INTEGER_METADATA_KEY, fieldOf, type BatchColumn, type Cell } from './columns';
import { dateText, timestampText } from './datetime';
import { viewOf, type ColumnView } from './views';

/**
 * Rows as one Arrow IPC stream (a schema, then one record batch per chunk of columns): values keep their exact
 * types on the wire (64- and 128-bit integers, decimals, microsecond timestamps, NULL apart from ''), and
 * nothing is parsed twice. docs/ARCHITECTURE.md says why Arrow rather than typed protobuf columns (measured).
 * Every chunk must have the same column types (sameTypes).
 */
export function encodeBatches(names: readonly string[], chunks: readonly (readonly BatchColumn[])[]): Buffer {
  const first = chunks[0];
  if (!first || first.length !== names.length) throw new TypeError('one name per column, at least one chunk');
  const schema = new Schema(first.map((column, i) => fieldOf(names[i] ?? '', column)));
  const batches = chunks.map((columns) => {
    const data = makeData({
      type: new Struct(schema.fields),
      length: columns[0]?.data.length ?? 0,
      nullCount: 0,
      children: columns.map((column) => column.data),
    });
    return new RecordBatch(schema, data);
  });
  const ipc = tableToIPC(new Table(schema, batches), 'stream');
  return Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength);
}

/** Chunks that can share one stream: the same Arrow type in every column. */
export function sameTypes(a: readonly BatchColumn[], b: readonly BatchColumn[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (column, i) => column.integer === b[i]?.integer && util.compareTypes(column.data.type, b[i]?.data.type),
    )
  );
}

/** Bytes of values the chunk holds (of its slice, for a sliced chunk): what it adds to a message. */
export function byteSize(columns: readonly BatchColumn[]): number {
  let bytes = 0;
  for (const { data } of columns) {
    const offsets = data.valueOffsets as Int32Array | undefined;
    bytes += offsets
      ? offsets.byteLength + (offsets[offsets.length - 1] as number) - (offsets[0] as number)
      : data.typeId === Type.Bool
        ? data.length >> 3
        : (data.values as Uint8Array).byteLength;
    bytes += data.nullCount > 0 ? data.length >> 3 : 0;
  }
  return bytes;
}

type CellReader = (row: number) => Cell;

/** A decoded batch: its column names, and each cell as the API shows it. */
export class RowBatch {
  private constructor(
    readonly names: readonly string[],
    readonly rowCount: number,
    /** Per record batch: its row count and one reader per column. */
    private readonly chunks: readonly {
      readonly length: number;
      readonly readers: readonly CellReader[];
      readonly data: readonly Data[];
      readonly integer: readonly boolean[];
    }[],
  ) {}

  static decode(bytes: Uint8Array): RowBatch {
    const table = tableFromIPC(bytes);
    const integer = table.schema.fields.map((field) => field.metadata.get(INTEGER_METADATA_KEY) === 'true');
    const chunks = table.batches.map((batch) => ({
      length: batch.numRows,
      readers: batch.data.children.map((data, c) => readerOf(data, integer[c] === true)),
      data: batch.data.children,
      integer,
    }));
    return new RowBatch(
      table.schema.fields.map((field) => field.name),
      table.numRows,
      chunks,
    );
  }

  get columnCount(): number {
    return this.names.length;
  }

  cell(row: number, column: number): Cell {
    let start = 0;
    for (const chunk of this.chunks) {
      if (row < start + chunk.length) return (chunk.readers[column] as CellReader)(row - start);
      start += chunk.length;
    }
    throw new RangeError(`row ${row} is beyond the batch`);
  }

  /** Per record batch: its row count and its columns' raw values. */
  views(): { readonly length: number; readonly columns: readonly ColumnView[] }[] {
    return this.chunks.map(({ length, readers, data, integer }) => ({
      length,
      columns: data.map((d, c) => viewOf(d, integer[c] === true, readers[c] as CellReader)),
    }));
  }

  /** Rows `start` to `end` (exclusive; all by default) as arrays of cells, in column order. */
  rows(start = 0, end = this.rowCount): Cell[][] {
    const rows: Cell[][] = [];
    const width = this.names.length;
    let first = 0;
    for (const { length, readers } of this.chunks) {
      const from = Math.max(start - first, 0);
      const to = Math.min(end - first, length);
      first += length;
      for (let r = from; r < to; r++) {
        const row = new Array<Cell>(width);
        for (let c = 0; c < width; c++) row[c] = (readers[c] as CellReader)(r);
        rows.push(row);
      }
    }
    return rows;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const decoder = new TextDecoder();

/** Integers within ±(2^53 − 1) as numbers, beyond as exact text (JSON numbers would round them). */
function integerCell(value: bigint): Cell {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
}

/**
 * How each cell of an Arrow column reads. A sliced column's value buffers start at its first row already; its
 * validity and boolean bits are indexed from `offset`.
 */
function readerOf(data: Data, integer: boolean): CellReader {
  const { offset } = data;
  const validity = data.nullCount > 0 ? data.nullBitmap : undefined;
  const withNulls =
    (read: (row: number) => Cell): CellReader =>
    (row) => {
      if (validity === undefined) return read(row);
      const bit = offset + row;
      return (((validity[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 1 ? read(row) : null;
    };
  switch (data.typeId) {
    case Type.Int: {
      const values = data.values as Int32Array | BigInt64Array;
      if (!(values instanceof BigInt64Array)) return withNulls((i) => values[i] as number);
      const safe = safeInt64(values);
      return withNulls((i) => safe(i) ?? integerCell(values[i] as bigint));
    }
    case Type.Float: {
      const values = data.values as Float64Array;
      return withNulls((i) => values[i] as number);
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return withNulls((row) => {
        const bit = offset + row;
        return (((bits[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 1;
      });
    }
    case Type.Utf8:
      return withNulls(textReader(data.valueOffsets as Int32Array, data.values as Uint8Array, data.length));
    case Type.Date: {
      const days = data.values as Int32Array;
      return withNulls((i) => dateText(days[i] as number));
    }
    case Type.Timestamp: {
      const micros = data.values as BigInt64Array;
      const safe = safeInt64(micros);
      // The API's timestamps are ISO 8601: `T` in place of the first space (a BC date keeps its own, as the
      // row path writes it). Within 2^53 µs of 1970 no date is BC.
      return withNulls((i) => {
        const exact = safe(i);
        return exact === undefined
          ? timestampText(micros[i] as bigint).replace(' ', 'T')
          : timestampText(exact, 'T');
      });
    }
    case Type.Decimal: {
      const words = data.values as Uint32Array;
      const { scale } = data.type as Decimal;
      return withNulls(integer ? (i) => integerCell(int128(words, i)) : decimalReader(words, scale));
    }
    default:
      throw new TypeError(`A row batch holds an Arrow type Aurora does not send: ${Type[data.typeId]}`);
  }
}

/**
 * Texts of a column, decoded in one call rather than one per value (several times faster for short texts):
 * each value is then a slice of that string, at its offset counted in UTF-16 units.
 */
function textReader(offsets: Int32Array, bytes: Uint8Array, length: number): (row: number) => string {
  const first = offsets[0] ?? 0;
  const last = offsets[length] ?? 0;
  const text = decoder.decode(bytes.subarray(first, last));
  const units = new Int32Array(length + 1);
  let unit = 0;
  for (let row = 0; row < length; row++) {
    const end = offsets[row + 1] ?? 0;
    for (let at = offsets[row] ?? 0; at < end; at++) {
      const byte = bytes[at] ?? 0;
      // A UTF-8 lead or ASCII byte starts a character; four-byte characters take two UTF-16 units.
      if ((byte & 0xc0) !== 0x80) unit += byte >= 0xf0 ? 2 : 1;
    }
    units[row + 1] = unit;
  }
  return (row) => text.slice(units[row], units[row + 1]);
}

/**
 * Value i of 64-bit integers as a number when it is within ±(2^53 − 1) (nearly always), else undefined: read
 * as two 32-bit words (Arrow is little-endian), since reading the BigInt64Array allocates a bigint per value.
 */
function safeInt64(values: BigInt64Array): (i: number) => number | undefined {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const high = words[2 * i + 1] as number;
    // |high| < 2^21: a safe integer.
    return high > -0x200000 && high < 0x200000
      ? high * 4294967296 + ((words[2 * i] as number) >>> 0)
      : undefined;
  };
}

function int128(words: Uint32Array, i: number): bigint {
  const at = i * 4;
  const unsigned =
    BigInt(words[at] as number) |
    (BigInt(words[at + 1] as number) << 32n) |
    (BigInt(words[at + 2] as number) << 64n) |
    (BigInt(words[at + 3] as number) << 96n);
  return BigInt.asIntN(128, unsigned);
}

/**
 * A decimal as the nearest double of its exact value (as `Number("12.50")` reads it). Within 2^53 the unscaled
 * integer and 10^scale are exact doubles, so one division rounds correctly; beyond, through the exact text.
 */
function decimalReader(words: Uint32Array, scale: number): (i: number) => number {
  const divisor = 10 ** scale;
  return (i) => {
    const at = i * 4;
    const low = words[at] as number;
    const high = (words[at + 1] as number) | 0; // signed
    const fitsIn64 = words[at + 2] === (high < 0 ? 0xffffffff : 0) && words[at + 3] === words[at + 2];
    if (fitsIn64 && scale <= 22) {
      const unscaled = high * 4294967296 + low;
      if (Number.isSafeInteger(unscaled)) return unscaled / divisor;
    }
    return Number(decimalText(int128(words, i), scale));
  };
}

function decimalText(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
