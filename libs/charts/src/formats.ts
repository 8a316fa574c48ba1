import { timeOf, type Cell, type ChartColumn } from './columns';

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/**
 * A value as an axis, a label or a tooltip shows it, following the catalog's format of its column: `money` with
 * 2 decimals, `percent` of a fraction (0.25 is 25%), integers grouped; dates as `YYYY-MM-DD` and timestamps to
 * the minute, in UTC like the warehouse's values.
 */
export function formatValue(value: Cell | undefined, column: ChartColumn | undefined): string {
  if (value === null || value === undefined) return '';
  if (column && (column.type === 'date' || column.type === 'timestamp')) return formatTime(value, column);
  if (typeof value !== 'number') return String(value);
  switch (column?.format) {
    case 'money':
      return MONEY.format(value);
    case 'percent':
      return PERCENT.format(value);
    default:
      return column?.type === 'integer' ? INTEGER.format(value) : NUMBER.format(value);
  }
}

/** A time axis's value (epoch milliseconds) or a date cell, as the column's type writes it. */
export function formatTime(value: Cell, column: ChartColumn): string {
  const ms = typeof value === 'number' ? value : timeOf(value);
  if (ms === null) return String(value);
  const iso = new Date(ms).toISOString();
  return column.type === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
