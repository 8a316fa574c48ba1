import type { Cell, ColumnType } from '../../api';

export interface DisplayColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
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

/** Identifiers read better without thousands separators. */
function isIdentifier(name: string): boolean {
  return /(^|_)id$/i.test(name);
}

/** The text of a cell; NULL gets its own marker so it never looks like an empty string. */
export function formatCell(value: Cell | undefined, column: DisplayColumn): string {
  if (value === null || value === undefined) return NULL_TEXT;
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
