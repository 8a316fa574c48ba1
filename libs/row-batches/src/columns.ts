import {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  TimestampMicrosecond,
  Utf8,
  makeData,
  type Data,
} from 'apache-arrow';

/**
 * A JSON-ready cell, as the API shows it: dates `YYYY-MM-DD`, timestamps ISO 8601 without zone, integers
 * beyond 2^53 as exact text, decimals as the nearest double.
 */
export type Cell = string | number | boolean | null;

/** One result column on the wire: Arrow data whose type says how its values become cells (batch.ts). */
export interface BatchColumn {
  readonly data: Data;
  /** Set on integers wider than 64 bits, sent as Decimal(38, 0): they read as integers, not decimals. */
  readonly integer?: boolean;
}

/** Field metadata that marks a Decimal(38, 0) column as an integer (HUGEINT, a SUM of BIGINT). */
export const INTEGER_METADATA_KEY = 'aurora.integer';

export function fieldOf(name: string, column: BatchColumn): Field {
  const metadata = column.integer ? new Map([[INTEGER_METADATA_KEY, 'true']]) : null;
  return new Field(name, column.data.type, true, metadata);
}

/** Sets bit `i` (least significant first), as Arrow's validity and boolean bitmaps count. */
export function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
}

/** Validity as Arrow wants it: one bit per value, least significant first; null when every value is set. */
export type Validity = Uint8Array | null;

function nulls(length: number, validity: Validity): { nullBitmap?: Uint8Array; nullCount: number } {
  if (validity === null) return { nullCount: 0 };
  let set = 0;
  for (let i = 0; i < length; i++) set += ((validity[i >> 3] ?? 0) >> (i & 7)) & 1;
  return { nullBitmap: validity, nullCount: length - set };
}

export function int32Column(values: Int32Array, validity: Validity): BatchColumn {
  const { length } = values;
  return { data: makeData({ type: new Int32(), length, data: values, ...nulls(length, validity) }) };
}

export function float64Column(values: Float64Array, validity: Validity): BatchColumn {
  const { length } = values;
  return { data: makeData({ type: new Float64(), length, data: values, ...nulls(length, validity) }) };
}

export function int64Column(values: BigInt64Array, validity: Validity): BatchColumn {
  const { length } = values;
  return { data: makeData({ type: new Int64(), length, data: values, ...nulls(length, validity) }) };
}

/** `length` booleans packed as bits. */
export function boolColumn(bits: Uint8Array, length: number, validity: Validity): BatchColumn {
  return { data: makeData({ type: new Bool(), length, data: bits, ...nulls(length, validity) }) };
}

/** Days since 1970-01-01. */
export function dateColumn(days: Int32Array, validity: Validity): BatchColumn {
  const { length } = days;
  return { data: makeData({ type: new DateDay(), length, data: days, ...nulls(length, validity) }) };
}

/** Microseconds since 1970-01-01, no zone. */
export function timestampColumn(micros: BigInt64Array, validity: Validity): BatchColumn {
  const { length } = micros;
  return {
    data: makeData({ type: new TimestampMicrosecond(), length, data: micros, ...nulls(length, validity) }),
  };
}

/**
 * Exact decimals: 128-bit two's complement unscaled values, four little-endian 32-bit words each. With
 * `integer` (scale 0) the column holds integers too wide for 64 bits.
 */
export function decimalColumn(
  words: Uint32Array,
  precision: number,
  scale: number,
  validity: Validity,
  integer = false,
): BatchColumn {
  const length = words.length / 4;
  const type = new Decimal(scale, precision, 128);
  return { data: makeData({ type, length, data: words, ...nulls(length, validity) }), integer };
}

/** UTF-8 text: value i is `bytes[offsets[i] .. offsets[i + 1])`. */
export function utf8Column(offsets: Int32Array, bytes: Uint8Array, validity: Validity): BatchColumn {
  const length = offsets.length - 1;
  return {
    data: makeData({
      type: new Utf8(),
      length,
      valueOffsets: offsets,
      data: bytes,
      ...nulls(length, validity),
    }),
  };
}

const encoder = new TextEncoder();

/** Texts (or NULLs) as a UTF-8 column. */
export function textColumn(texts: readonly (string | null)[]): BatchColumn {
  const offsets = new Int32Array(texts.length + 1);
  let bytes = new Uint8Array(Math.max(64, texts.length * 16));
  let used = 0;
  const validity = new Uint8Array((texts.length + 7) >> 3);
  let anyNull = false;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) anyNull = true;
    else {
      setBit(validity, i);
      // Three bytes per UTF-16 unit is the most UTF-8 can take.
      if (used + text.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, used + text.length * 3));
        grown.set(bytes.subarray(0, used));
        bytes = grown;
      }
      used += encoder.encodeInto(text, bytes.subarray(used)).written;
    }
    offsets[i + 1] = used;
  }
  return utf8Column(offsets, bytes.subarray(0, used), anyNull ? validity : null);
}

/**
 * Columns from shaped cells (an engine whose driver gives rows, such as Oracle), so that every cell reads
 * back the same: booleans, doubles, integer columns whose values beyond 2^53 are exact text, and text.
 */
export function columnsFromCells(rows: readonly (readonly Cell[])[], width: number): BatchColumn[] {
  return Array.from({ length: width }, (_, c) => columnFromCells(rows.map((row) => row[c] ?? null)));
}

export function columnFromCells(cells: readonly Cell[]): BatchColumn {
  let kinds = 0;
  for (const cell of cells) {
    if (cell === null) continue;
    kinds |= typeof cell === 'boolean' ? 1 : typeof cell === 'number' ? 2 : 4;
  }
  const validity = validityOf(cells);
  if (kinds === 1) {
    const bits = new Uint8Array((cells.length + 7) >> 3);
    cells.forEach((cell, i) => {
      if (cell === true) setBit(bits, i);
    });
    return boolColumn(bits, cells.length, validity);
  }
  if (kinds === 2)
    return float64Column(
      Float64Array.from(cells, (cell) => Number(cell ?? 0)),
      validity,
    );
  if (kinds === 6 && cells.every(isIntegerCell)) {
    const values = cells.map((cell) => (cell === null ? 0n : BigInt(cell as number | string)));
    if (values.every((value) => BigInt.asIntN(64, value) === value)) {
      return int64Column(BigInt64Array.from(values), validity);
    }
    return decimalColumn(wordsOf(values), 38, 0, validity, true);
  }
  // Text, or NULLs only; any other mix has no exact type to travel as.
  if (kinds === 4 || kinds === 0) return textColumn(cells as (string | null)[]);
  throw new TypeError('A result column mixes cell kinds that cannot travel exactly.');
}

/** A number that is a safe integer, or the exact text of an integer beyond 2^53 (how cells write them). */
function isIntegerCell(cell: Cell): boolean {
  if (cell === null) return true;
  if (typeof cell === 'number') return Number.isSafeInteger(cell);
  return typeof cell === 'string' && /^-?\d+$/.test(cell) && !Number.isSafeInteger(Number(cell));
}

function validityOf(cells: readonly Cell[]): Validity {
  if (!cells.includes(null)) return null;
  const validity = new Uint8Array((cells.length + 7) >> 3);
  cells.forEach((cell, i) => {
    if (cell !== null) setBit(validity, i);
  });
  return validity;
}

/** 128-bit two's complement words of each value (little-endian 32-bit words). */
export function wordsOf(values: readonly bigint[]): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  values.forEach((value, i) => {
    let rest = BigInt.asUintN(128, value);
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(rest & 0xffffffffn);
      rest >>= 32n;
    }
  });
  return words;
}
