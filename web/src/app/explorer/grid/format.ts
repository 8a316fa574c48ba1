import type { Cell, ColumnType, TimeBucket } from '../../api';

export interface DisplayColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
  /** Values are the starts of time buckets: shown as the bucket (`Oct 2026`, `2026 Q4`). */
  readonly bucket?: TimeBucket | undefined;
}

export const NULL_TEXT = 'NULL';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const date = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const timestamp = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});

const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const hour = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});

/** A bucket's start as the bucket: `Oct 2026`, `2026 Q4`, `2026`, `Week of 19 Oct 2026`, `19 Oct 2026, 14:00`. */
function bucketText(start: Date, bucket: TimeBucket): string {
  switch (bucket) {
    case 'year':
      return String(start.getUTCFullYear());
    case 'quarter':
      return `${start.getUTCFullYear()} Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
    case 'month':
      return monthYear.format(start);
    case 'week':
      return `Week of ${date.format(start)}`;
    case 'day':
      return date.format(start);
    case 'hour':
      return `${hour.format(start)} UTC`;
  }
}

/** Identifiers read better without thousands separators. */
function isIdentifier(name: string): boolean {
  return /(^|_)id$/i.test(name);
}

/** The text of a cell; NULL gets its own marker so it never looks like an empty string. */
export function formatCell(value: Cell | undefined, column: DisplayColumn): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (column.bucket) {
    const start = new Date(column.bucket === 'hour' ? String(value) : `${String(value)}T00:00:00Z`);
    if (!Number.isNaN(start.getTime())) return bucketText(start, column.bucket);
  }
  switch (column.type) {
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'string' && !Number.isFinite(n)) return value;
      if (column.format === 'money') return money.format(n);
      if (column.type === 'integer') return isIdentifier(column.name) ? String(value) : integer.format(n);
      return decimal.format(n);
    }
    case 'date': {
      const parsed = new Date(`${String(value)}T00:00:00Z`);
      return Number.isNaN(parsed.getTime()) ? String(value) : date.format(parsed);
    }
    case 'timestamp': {
      const parsed = new Date(String(value));
      return Number.isNaN(parsed.getTime()) ? String(value) : `${timestamp.format(parsed)} UTC`;
    }
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'string':
      return String(value);
  }
}

export function isNumeric(type: ColumnType): boolean {
  return type === 'number' || type === 'integer';
}
