import { DuckDBTypeId, type DuckDBType, type Json } from '@duckdb/node-api';
import type { Cell } from '../adapter';

type Shaper = (value: Json) => Cell;

const asIs: Shaper = (value) => (value === null || typeof value !== 'object' ? value : JSON.stringify(value));
/** 64/128-bit integers arrive as text: numbers where a double holds them exactly, text beyond. */
const integer: Shaper = (value) => {
  if (typeof value !== 'string') return asIs(value);
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
};
const decimal: Shaper = (value) => (typeof value === 'string' ? Number(value) : asIs(value));
/** `2026-11-20 10:00:00.5` → `2026-11-20T10:00:00.5` (ISO 8601; warehouse timestamps carry no zone). */
const timestamp: Shaper = (value) => (typeof value === 'string' ? value.replace(' ', 'T') : asIs(value));
/**
 * The driver writes a zone offset as `+00`; `+00:00` is the form JavaScript's `Date` (and RFC 3339) read:
 * `2026-11-20 10:00:00+00` → `2026-11-20T10:00:00+00:00`.
 */
const timestampWithZone: Shaper = (value) =>
  typeof value === 'string' ? value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00') : asIs(value);

/** One shaping function per result column, chosen once from the column's engine type. */
export function shapersFor(types: readonly DuckDBType[]): Shaper[] {
  return types.map((type) => {
    switch (type.typeId) {
      case DuckDBTypeId.BIGINT:
      case DuckDBTypeId.UBIGINT:
      case DuckDBTypeId.HUGEINT:
      case DuckDBTypeId.UHUGEINT:
        return integer;
      case DuckDBTypeId.DECIMAL:
        return decimal;
      case DuckDBTypeId.TIMESTAMP:
      case DuckDBTypeId.TIMESTAMP_MS:
      case DuckDBTypeId.TIMESTAMP_NS:
      case DuckDBTypeId.TIMESTAMP_S:
        return timestamp;
      case DuckDBTypeId.TIMESTAMP_TZ:
        return timestampWithZone;
      default:
        return asIs;
    }
  });
}

export function shapeRows(rows: readonly Json[][], shapers: readonly Shaper[]): Cell[][] {
  return rows.map((row) => row.map((value, i) => (shapers[i] ?? asIs)(value)));
}
