import type { ColumnView } from '@aurora/row-batches';
import { dateSerial, serialOfMs, timestampSerial } from './dates';
import { STYLE } from './parts';
import { NO_STYLE, type SheetXml } from './sheet-xml';

/** A cell as the warehouse adapter shapes it. */
export type XlsxCell = string | number | boolean | null;

export type XlsxColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp';

export const TEXT = 0;
export const INTEGER = 1;
export const NUMBER = 2;
export const BOOLEAN = 3;
export const DATE = 4;
export const TIMESTAMP = 5;
export type Kind =
  typeof TEXT | typeof INTEGER | typeof NUMBER | typeof BOOLEAN | typeof DATE | typeof TIMESTAMP;

export const KINDS: Record<XlsxColumnType, Kind> = {
  string: TEXT,
  integer: INTEGER,
  number: NUMBER,
  boolean: BOOLEAN,
  date: DATE,
  timestamp: TIMESTAMP,
};

/** What a column is and how its numbers look. */
export interface ColumnKind {
  readonly kind: Kind;
  /** The cellXfs index of its numbers (money) or NO_STYLE. */
  readonly numberStyle: number;
}

/** One cell of a column; `value` is never null. */
export function writeCell(
  sheet: SheetXml,
  c: number,
  column: ColumnKind,
  value: string | number | boolean,
): void {
  const { kind } = column;
  if (kind === TEXT) sheet.text(c, String(value));
  else if (typeof value === 'boolean') sheet.boolean(c, value);
  else if (typeof value === 'number') {
    // A number in a date, timestamp or boolean column is written as it is, without their format.
    sheet.number(c, value, kind === INTEGER || kind === NUMBER ? column.numberStyle : NO_STYLE);
  } else writeText(sheet, c, column, value);
}

/** A value that arrived as text in a column that is not text: typed when it reads as the column's type. */
function writeText(sheet: SheetXml, c: number, column: ColumnKind, value: string): void {
  switch (column.kind) {
    case INTEGER:
    case NUMBER: {
      const n = exactNumber(value);
      if (n === undefined) sheet.text(c, value);
      else sheet.number(c, n, column.numberStyle);
      return;
    }
    case BOOLEAN: {
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === 'false') sheet.boolean(c, lower === 'true');
      else sheet.text(c, value);
      return;
    }
    case DATE: {
      const serial = dateSerial(value);
      if (serial === undefined) sheet.text(c, value);
      else sheet.number(c, serial, STYLE.date);
      return;
    }
    case TIMESTAMP: {
      const date = timestampSerial(value);
      if (date === undefined) sheet.text(c, value);
      else sheet.number(c, date.serial, date.fractionalSeconds ? STYLE.timestampMs : STYLE.timestamp);
      return;
    }
    case TEXT:
      sheet.text(c, value);
  }
}

/** A numeric string as a number when the number prints back as the same string (no digit lost), else undefined. */
export function exactNumber(text: string): number | undefined {
  const n = Number(text);
  return text !== '' && String(n) === text ? n : undefined;
}

const US_PER_DAY = 86_400_000_000;
const MS_PER_DAY = 86_400_000;
/** |unscaled| below this (15 digits) and scale ≤ 6: `SheetXml.decimal` writes what `number()` would. */
const DECIMAL_DIGITS_LIMIT = 1e15;

/**
 * Writes row `row` of a column straight from its Arrow values, exactly as `writeCell` writes the cell that
 * `view.cell(row)` makes (tested byte for byte): the common values without a cell, the rest through it.
 */
export function columnWriter(
  sheet: SheetXml,
  c: number,
  column: ColumnKind,
  view: ColumnView,
): (row: number) => void {
  const general = (row: number): void => {
    const value = view.cell(row);
    if (value !== null) writeCell(sheet, c, column, value);
  };
  const { validity, offset } = view;
  const isNull = (row: number): boolean =>
    validity !== undefined && (((validity[(offset + row) >> 3] as number) >> ((offset + row) & 7)) & 1) === 0;
  const { kind, numberStyle } = column;
  const numeric = kind === INTEGER || kind === NUMBER;
  switch (view.kind) {
    case 'int32': {
      const { values } = view;
      if (!numeric) return general;
      return (row) => {
        if (!isNull(row)) sheet.integer(c, values[row] as number, numberStyle);
      };
    }
    case 'float64': {
      const { values } = view;
      if (!numeric) return general;
      return (row) => {
        if (!isNull(row)) sheet.number(c, values[row] as number, numberStyle);
      };
    }
    case 'int64': {
      const { words } = view;
      if (!numeric) return general;
      return (row) => {
        if (isNull(row)) return;
        const high = words[2 * row + 1] as number;
        // |high| < 2^21: a safe integer
        if (high > -0x200000 && high < 0x200000) {
          sheet.integer(c, high * 4294967296 + ((words[2 * row] as number) >>> 0), numberStyle);
        } else general(row);
      };
    }
    case 'decimal': {
      const { words, scale } = view;
      if (!numeric || scale > 6) return general;
      return (row) => {
        if (isNull(row)) return;
        const at = row * 4;
        const high = (words[at + 1] as number) | 0;
        const sign = high < 0 ? 0xffffffff : 0;
        const unscaled = high * 4294967296 + (words[at] as number);
        if (words[at + 2] === sign && words[at + 3] === sign && Math.abs(unscaled) < DECIMAL_DIGITS_LIMIT) {
          sheet.decimal(c, unscaled, scale, numberStyle);
        } else general(row);
      };
    }
    case 'bool': {
      const { bits } = view;
      if (kind === TEXT) return general;
      return (row) => {
        if (isNull(row)) return;
        const bit = offset + row;
        sheet.boolean(c, (((bits[bit >> 3] as number) >> (bit & 7)) & 1) === 1);
      };
    }
    case 'utf8': {
      const { offsets, bytes } = view;
      if (kind !== TEXT) return general;
      return (row) => {
        if (!isNull(row)) sheet.utf8(c, bytes, offsets[row] as number, offsets[row + 1] as number);
      };
    }
    case 'date': {
      const { days } = view;
      if (kind !== DATE) return general;
      return (row) => {
        if (isNull(row)) return;
        const serial = serialOfMs((days[row] as number) * MS_PER_DAY);
        if (serial === undefined) general(row);
        else sheet.integer(c, serial, STYLE.date);
      };
    }
    case 'timestamp': {
      const { words } = view;
      if (kind !== TIMESTAMP) return general;
      return (row) => {
        if (isNull(row)) return;
        const high = words[2 * row + 1] as number;
        if (high <= -0x200000 || high >= 0x200000) {
          general(row);
          return;
        }
        const micros = high * 4294967296 + ((words[2 * row] as number) >>> 0);
        // The same arithmetic as timestampSerial of the cell's text: whole milliseconds plus the fraction.
        const days = Math.floor(micros / US_PER_DAY);
        const inDay = micros - days * US_PER_DAY;
        const fraction = inDay % 1_000_000;
        const ms = days * MS_PER_DAY + (inDay - fraction) / 1000;
        const serial = serialOfMs(ms + (fraction / 1_000_000) * 1000);
        if (serial === undefined) general(row);
        else sheet.number(c, serial, fraction === 0 ? STYLE.timestamp : STYLE.timestampMs);
      };
    }
    case 'other':
      return general;
  }
}
