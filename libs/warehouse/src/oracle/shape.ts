import type { ColumnType } from '@aurora/query-model';
import type { Cell } from '../adapter';
import type { OracleColumnMetadata, OracleDriver, OracleFetchType } from './driver';

/**
 * Shapes node-oracledb's values into the same JSON-ready cells the DuckDB adapter produces, chosen once per
 * column from the `metaData` the driver returns (its `dbType`) and, where the engine type is ambiguous, the
 * caller's column-type hint (the catalog's type).
 */
type Shaper = (value: unknown) => Cell;

/**
 * Asks the driver for exact text where its native JavaScript value would lose information: NUMBER (a double
 * rounds beyond 2^53 and cannot hold 38 digits), CLOB/NCLOB (a Lob object otherwise), RAW (a Buffer).
 * Dates stay native: in Thin mode a DATE or TIMESTAMP fetched as a string is only `Date.toString()`.
 */
export function fetchTypeHandlerFor(
  driver: OracleDriver,
): (metadata: OracleColumnMetadata) => OracleFetchType | undefined {
  const asText = new Set([
    driver.DB_TYPE_NUMBER,
    driver.DB_TYPE_CLOB,
    driver.DB_TYPE_NCLOB,
    driver.DB_TYPE_RAW,
  ]);
  return (metadata) => (asText.has(metadata.dbType) ? { type: driver.STRING } : undefined);
}

const asIs: Shaper = (value) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return integerText(value.toString());
  if (value instanceof Date) return value.toISOString();
  return Buffer.isBuffer(value) ? value.toString('hex').toUpperCase() : JSON.stringify(value);
};

/** Exact NUMBER text: integers as numbers where a double holds them exactly, else as text; decimals as numbers. */
function integerText(text: string): Cell {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text.replace(/^\+/, '');
}
const number: Shaper = (value) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[-+]?\d+$/.test(text) ? integerText(text) : Number(text);
};
/** NUMBER(1) flags (Oracle has no SQL boolean before 23ai): 0 → false, anything else → true. */
const flag: Shaper = (value) => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  return Number(value) !== 0;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
/** Milliseconds as DuckDB prints fractions: trailing zeros trimmed, none at all for a whole second. */
const fraction = (ms: number): string => (ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`);

/** node-oracledb builds DATE and TIMESTAMP values in the process's local time zone: read them back in it. */
function localParts(date: Date): { day: string; time: string; ms: number } {
  return {
    day: `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`,
    ms: date.getMilliseconds(),
  };
}

const isDate = (value: unknown): value is Date => value instanceof Date;

/**
 * Oracle DATE always carries a time of day. It is a `YYYY-MM-DD` date when its time is midnight, and a
 * `YYYY-MM-DDTHH:MM:SS` timestamp when it is not (never silently truncated) or when the catalog declares the
 * column a timestamp (then every value, midnight included, has the same form).
 */
function oracleDate(asTimestamp: boolean): Shaper {
  return (value) => {
    if (!isDate(value)) return asIs(value);
    const { day, time, ms } = localParts(value);
    return asTimestamp || time !== '00:00:00' || ms !== 0 ? `${day}T${time}${fraction(ms)}` : day;
  };
}
/** TIMESTAMP (no zone): `2024-02-29T13:14:15.123` (the driver's Dates have millisecond precision). */
const timestamp: Shaper = (value) => {
  if (!isDate(value)) return asIs(value);
  const { day, time, ms } = localParts(value);
  return `${day}T${time}${fraction(ms)}`;
};
/**
 * TIMESTAMP WITH (LOCAL) TIME ZONE: the driver gives the instant; written in UTC with an explicit `+00:00`,
 * as DuckDB writes a TIMESTAMPTZ.
 */
const timestampWithZone: Shaper = (value) => {
  if (!isDate(value)) return asIs(value);
  const iso = value.toISOString(); // 2024-02-29T13:14:15.120Z
  return `${iso.slice(0, 19)}${fraction(value.getUTCMilliseconds())}+00:00`;
};

export function shapersFor(
  driver: OracleDriver,
  metaData: readonly OracleColumnMetadata[],
  hints: readonly (ColumnType | null | undefined)[] = [],
): Shaper[] {
  return metaData.map((column, i) => {
    const hint = hints[i];
    switch (column.dbType) {
      case driver.DB_TYPE_NUMBER:
        return hint === 'boolean' ? flag : number;
      case driver.DB_TYPE_BINARY_DOUBLE:
      case driver.DB_TYPE_BINARY_FLOAT:
        return number;
      case driver.DB_TYPE_DATE:
        return oracleDate(hint === 'timestamp');
      case driver.DB_TYPE_TIMESTAMP:
        return timestamp;
      case driver.DB_TYPE_TIMESTAMP_TZ:
      case driver.DB_TYPE_TIMESTAMP_LTZ:
        return timestampWithZone;
      default:
        return asIs;
    }
  });
}

export function shapeRows(rows: readonly unknown[][], shapers: readonly Shaper[]): Cell[][] {
  return rows.map((row) => row.map((value, i) => (shapers[i] ?? asIs)(value)));
}
