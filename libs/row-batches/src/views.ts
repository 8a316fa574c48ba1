import { Type, type Data, type Decimal } from 'apache-arrow';
import type { Cell } from './columns';

/**
 * A column of one record batch as its raw values, for a consumer that writes them (an XLSX sheet) without
 * making a cell of each first. `cell` reads a value as `RowBatch.rows` does: the path for whatever the
 * consumer does not handle itself.
 */
export type ColumnView = ColumnValues & {
  /** Validity bits (value `offset + row`, least significant first), or undefined when no value is NULL. */
  readonly validity: Uint8Array | undefined;
  readonly offset: number;
  readonly cell: (row: number) => Cell;
};

export type ColumnValues =
  | { readonly kind: 'int32'; readonly values: Int32Array }
  | { readonly kind: 'float64'; readonly values: Float64Array }
  /** 64-bit integers as two 32-bit words each, low first (Arrow is little-endian). */
  | { readonly kind: 'int64'; readonly words: Int32Array }
  /** Bit `offset + row`. */
  | { readonly kind: 'bool'; readonly bits: Uint8Array }
  /** Value `row` is `bytes[offsets[row] .. offsets[row + 1])`. */
  | { readonly kind: 'utf8'; readonly offsets: Int32Array; readonly bytes: Uint8Array }
  /** Days since 1970-01-01. */
  | { readonly kind: 'date'; readonly days: Int32Array }
  /** Microseconds since 1970-01-01 (no zone), as two 32-bit words each, low first. */
  | { readonly kind: 'timestamp'; readonly words: Int32Array }
  /** 128-bit two's complement unscaled values, four 32-bit words each, low first. */
  | { readonly kind: 'decimal'; readonly words: Uint32Array; readonly scale: number }
  /** Integers wider than 64 bits: read through `cell`. */
  | { readonly kind: 'other' };

export function viewOf(data: Data, integer: boolean, cell: (row: number) => Cell): ColumnView {
  const common = { validity: data.nullCount > 0 ? data.nullBitmap : undefined, offset: data.offset, cell };
  return { ...common, ...valuesOf(data, integer) };
}

function valuesOf(data: Data, integer: boolean): ColumnValues {
  switch (data.typeId) {
    case Type.Int: {
      const values = data.values as Int32Array | BigInt64Array;
      return values instanceof BigInt64Array
        ? { kind: 'int64', words: new Int32Array(values.buffer, values.byteOffset, values.length * 2) }
        : { kind: 'int32', values };
    }
    case Type.Float:
      return { kind: 'float64', values: data.values as Float64Array };
    case Type.Bool:
      return { kind: 'bool', bits: data.values as Uint8Array };
    case Type.Utf8:
      return { kind: 'utf8', offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array };
    case Type.Date:
      return { kind: 'date', days: data.values as Int32Array };
    case Type.Timestamp: {
      const micros = data.values as BigInt64Array;
      return {
        kind: 'timestamp',
        words: new Int32Array(micros.buffer, micros.byteOffset, micros.length * 2),
      };
    }
    case Type.Decimal:
      return integer
        ? { kind: 'other' }
        : { kind: 'decimal', words: data.values as Uint32Array, scale: (data.type as Decimal).scale };
    default:
      return { kind: 'other' };
  }
}
