import {
  boolColumn,
  columnFromCells,
  dateColumn,
  decimalColumn,
  float64Column,
  int32Column,
  int64Column,
  setBit,
  timestampColumn,
  utf8Column,
  type BatchColumn,
  type Validity,
} from '@aurora/row-batches';
import bindings from '@duckdb/node-bindings';
import {
  DuckDBTypeId,
  type DuckDBDataChunk,
  type DuckDBDecimalType,
  type DuckDBType,
} from '@duckdb/node-api';
import { shapeRows, shapersFor } from './shape';

/**
 * A DuckDB data chunk as row-batch columns, read straight from the engine's vectors (the C API's flat
 * layout, through @duckdb/node-bindings) instead of one JavaScript value per cell. Every buffer is copied:
 * the chunk's memory is the engine's. Types without a fast path are shaped as today (shape.ts) and sent as
 * what those cells are, so each cell reads back exactly as the row path gives it.
 */
export function chunkColumns(chunk: DuckDBDataChunk, types: readonly DuckDBType[]): BatchColumn[] {
  const length = chunk.rowCount;
  return types.map((type, c) => {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
    const validity = validityOf(vector, length);
    const data = (bytesPerValue: number): Uint8Array =>
      bindings.vector_get_data(vector, length * bytesPerValue).slice();
    switch (type.typeId) {
      case DuckDBTypeId.BOOLEAN:
        return boolColumn(packBooleans(data(1)), length, validity);
      case DuckDBTypeId.TINYINT:
        return int32Column(Int32Array.from(new Int8Array(data(1).buffer)), validity);
      case DuckDBTypeId.UTINYINT:
        return int32Column(Int32Array.from(data(1)), validity);
      case DuckDBTypeId.SMALLINT:
        return int32Column(Int32Array.from(new Int16Array(data(2).buffer)), validity);
      case DuckDBTypeId.USMALLINT:
        return int32Column(Int32Array.from(new Uint16Array(data(2).buffer)), validity);
      case DuckDBTypeId.INTEGER:
        return int32Column(new Int32Array(data(4).buffer), validity);
      case DuckDBTypeId.UINTEGER:
        return float64Column(Float64Array.from(new Uint32Array(data(4).buffer)), validity);
      case DuckDBTypeId.BIGINT:
        return int64Column(new BigInt64Array(data(8).buffer), validity);
      case DuckDBTypeId.HUGEINT:
        return decimalColumn(new Uint32Array(data(16).buffer), 38, 0, validity, true);
      case DuckDBTypeId.FLOAT:
        return float64Column(Float64Array.from(new Float32Array(data(4).buffer)), validity);
      case DuckDBTypeId.DOUBLE:
        return float64Column(new Float64Array(data(8).buffer), validity);
      case DuckDBTypeId.DECIMAL:
        return decimal(type, data, validity);
      case DuckDBTypeId.DATE:
        return dateColumn(new Int32Array(data(4).buffer), validity);
      case DuckDBTypeId.TIMESTAMP:
        return timestampColumn(new BigInt64Array(data(8).buffer), validity);
      case DuckDBTypeId.VARCHAR:
        return text(vector, length, validity);
      default: {
        // UBIGINT, UHUGEINT, other timestamp precisions, zones, intervals, UUIDs, nested types: rare in a
        // catalog; their cells are made as the row path makes them.
        const cells = shapeRows(
          Array.from({ length }, (_, r) => [chunk.getColumnVector(c).getItem(r)]),
          shapersFor([type]),
        );
        return columnFromCells(cells.map(([cell]) => cell ?? null));
      }
    }
  });
}

/** DuckDB's validity words are 64-bit little-endian masks, least significant bit first: Arrow's bit order. */
function validityOf(vector: bindings.Vector, length: number): Validity {
  // No validity buffer at all (null) when every value is set.
  const bytes = bindings.vector_get_validity(vector, Math.ceil(length / 64) * 8) as Uint8Array | null;
  if (!bytes || bytes.byteLength === 0) return null;
  return bytes.slice(0, (length + 7) >> 3);
}

function packBooleans(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array((bytes.length + 7) >> 3);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) setBit(bits, i);
  return bits;
}

/** The unscaled values (16, 32, 64 or 128 bits by precision) as 128-bit words. */
function decimal(
  type: DuckDBDecimalType,
  data: (bytesPerValue: number) => Uint8Array,
  validity: Validity,
): BatchColumn {
  const { width: precision, scale } = type;
  if (precision > 18) return decimalColumn(new Uint32Array(data(16).buffer), precision, scale, validity);
  const narrow =
    precision <= 4 ? new Int16Array(data(2).buffer) : precision <= 9 ? new Int32Array(data(4).buffer) : null;
  // int64 as (low, high) pairs of 32-bit words
  const wide = narrow === null ? new Int32Array(data(8).buffer) : new Int32Array(0);
  const count = narrow === null ? wide.length / 2 : narrow.length;
  const words = new Uint32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const low = narrow ? (narrow[i] as number) : (wide[i * 2] as number);
    const high = narrow ? (low < 0 ? -1 : 0) : (wide[i * 2 + 1] as number);
    const sign = high < 0 ? 0xffffffff : 0;
    words[i * 4] = low >>> 0;
    words[i * 4 + 1] = high >>> 0;
    words[i * 4 + 2] = sign;
    words[i * 4 + 3] = sign;
  }
  return decimalColumn(words, precision, scale, validity);
}

/**
 * VARCHAR as UTF-8 bytes and offsets, without decoding to JavaScript strings: each value is a 16-byte
 * `duckdb_string_t` (length, then 12 inline bytes, or a 4-byte prefix and a pointer to the rest).
 */
function text(vector: bindings.Vector, length: number, validity: Validity): BatchColumn {
  const strings = bindings.vector_get_data(vector, length * 16);
  const view = new DataView(strings.buffer, strings.byteOffset, strings.byteLength);
  const offsets = new Int32Array(length + 1);
  let bytes = new Uint8Array(length * 16);
  let used = 0;
  for (let i = 0; i < length; i++) {
    const at = i * 16;
    const size = validity && !(((validity[i >> 3] ?? 0) >> (i & 7)) & 1) ? 0 : view.getUint32(at, true);
    if (used + size > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, used + size));
      grown.set(bytes.subarray(0, used));
      bytes = grown;
    }
    if (size <= 12) bytes.set(strings.subarray(at + 4, at + 4 + size), used);
    else
      bytes.set(
        bindings.get_data_from_pointer(strings.buffer as ArrayBuffer, strings.byteOffset + at + 8, size),
        used,
      );
    used += size;
    offsets[i + 1] = used;
  }
  return utf8Column(offsets, bytes.subarray(0, used), validity);
}
