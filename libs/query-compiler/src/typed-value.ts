import { AuroraError, ErrorCode } from '@aurora/errors';
import type { ColumnType, ScalarValue } from '@aurora/query-model';

/**
 * A value cast to a column's type, ready to bind. Dates are `YYYY-MM-DD`; timestamps are normalised to UTC
 * `YYYY-MM-DD HH:MM:SS.ffffff`; integers beyond 2^53 are bigints.
 */
export type TypedValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number | bigint }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'timestamp'; readonly value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?\d{1,20}$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Date, then optionally a time (minutes, seconds, fraction optional) with an optional UTC offset. */
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Casts a JSON value to the column's type, or throws `INVALID_VALUE` pointing at `path`. */
export function castValue(type: ColumnType, raw: ScalarValue, path: string): TypedValue {
  const value = castOrUndefined(type, raw);
  if (value === undefined) {
    const shown =
      typeof raw === 'string' ? `"${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}"` : String(raw);
    throw new AuroraError(ErrorCode.INVALID_VALUE, `${shown} is not a valid ${DESCRIPTION[type]}.`, path);
  }
  return value;
}

const DESCRIPTION: Record<ColumnType, string> = {
  string: 'text value',
  integer: 'whole number',
  number: 'number',
  boolean: 'true/false value',
  date: 'date (YYYY-MM-DD)',
  timestamp: 'timestamp (ISO 8601)',
};

/** The value cast to the type, or undefined when it is not one. */
export function castOrUndefined(type: ColumnType, raw: ScalarValue): TypedValue | undefined {
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? { type, value: raw } : undefined;
    case 'integer':
      return castInteger(raw);
    case 'number': {
      const value =
        typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER_TEXT.test(raw) ? Number(raw) : NaN;
      return Number.isFinite(value) ? { type, value } : undefined;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { type, value: raw };
      return raw === 'true' || raw === 'false' ? { type, value: raw === 'true' } : undefined;
    case 'date':
      return typeof raw === 'string' ? castDate(raw) : undefined;
    case 'timestamp':
      return typeof raw === 'string' ? castTimestamp(raw) : undefined;
  }
}

function castInteger(raw: ScalarValue): TypedValue | undefined {
  let big: bigint;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) return undefined;
    big = BigInt(raw);
  } else if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) {
    big = BigInt(raw);
  } else {
    return undefined;
  }
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  const asNumber = Number(big);
  return { type: 'integer', value: Number.isSafeInteger(asNumber) ? asNumber : big };
}

function castDate(raw: string): TypedValue | undefined {
  const match = DATE_TEXT.exec(raw);
  if (!match) return undefined;
  return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))
    ? { type: 'date', value: raw }
    : undefined;
}

function castTimestamp(raw: string): TypedValue | undefined {
  const match = TIMESTAMP_TEXT.exec(raw);
  if (!match) return undefined;
  // Regex match groups are typed string, but the optional ones are undefined at run time.
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match
    .slice(1, 7)
    .map((part: string | undefined) => Number(part ?? 0));
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  const micros = (match[7] ?? '').padEnd(6, '0').slice(0, 6);
  const offset = match[8];
  const local = new Date(Date.UTC(2000, 0, 1, h, mi, s));
  local.setUTCFullYear(y, mo - 1, d); // Date.UTC alone maps years 0-99 to 1900-1999
  let utc = local.getTime();
  if (offset && offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', ''); // hh, hhmm
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2) || '0');
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    utc -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const iso = new Date(utc).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  // The offset moved it out of the years 0001-9999 (a longer form, or year 0000).
  if (iso.length !== 24 || iso.startsWith('0000')) return undefined;
  return { type: 'timestamp', value: `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}` };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The proleptic Gregorian calendar, as JavaScript's Date counts it (without building one per value). */
function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0));
}
