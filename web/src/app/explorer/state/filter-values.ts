import type { ColumnType, ScalarValue } from '../../api';

/** A value typed by a person, read for a column of `type`: the value to send, or why it cannot be sent. */
export type Parsed =
  { readonly ok: true; readonly value: ScalarValue } | { readonly ok: false; readonly message: string };

const INTEGER_TEXT = /^-?\d{1,20}$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

const ok = (value: ScalarValue): Parsed => ({ ok: true, value });
const fail = (message: string): Parsed => ({ ok: false, message });

export function parseValue(type: ColumnType, text: string): Parsed {
  // Text is sent exactly as typed; other types ignore surrounding spaces.
  const trimmed = text.trim();
  if (trimmed === '') return fail('Enter a value');
  switch (type) {
    case 'string':
      return ok(text);
    case 'integer': {
      if (!INTEGER_TEXT.test(trimmed)) return fail(`"${shorten(trimmed)}" is not a whole number`);
      const n = Number(trimmed);
      // Beyond 2^53 a double would change the number: docs/API.md accepts it as text.
      return ok(Number.isSafeInteger(n) ? n : trimmed);
    }
    case 'number': {
      const n = Number(trimmed);
      return NUMBER_TEXT.test(trimmed) && Number.isFinite(n)
        ? ok(n)
        : fail(`"${shorten(trimmed)}" is not a number`);
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      return lower === 'true' || lower === 'false' ? ok(lower === 'true') : fail('Choose true or false');
    }
    case 'date':
      return DATE_TEXT.test(trimmed) && validDate(trimmed)
        ? ok(trimmed)
        : fail(`"${shorten(trimmed)}" is not a date (YYYY-MM-DD)`);
    case 'timestamp':
      return TIMESTAMP_TEXT.test(trimmed) && validDate(trimmed.slice(0, 10))
        ? ok(trimmed)
        : fail(`"${shorten(trimmed)}" is not a timestamp (YYYY-MM-DD HH:MM)`);
  }
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/** The text a person would type for a value: the inverse of `parseValue`. */
export function valueText(value: ScalarValue): string {
  return String(value);
}

/**
 * Splits a comma-separated list. Items may be quoted ("a, b" stays one item; "" inside quotes is a quote), so
 * any text survives a round trip; unquoted items are trimmed and empty ones skipped (a trailing comma is fine).
 */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i += 1;
    if (text[i] === '"') {
      let item = '';
      i += 1;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          item += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          item += text.charAt(i);
          i += 1;
        }
      }
      items.push(item);
      while (i < text.length && text[i] !== ',') i += 1;
    } else {
      const end = text.indexOf(',', i);
      const item = text.slice(i, end < 0 ? text.length : end).trim();
      if (item !== '') items.push(item);
      i = end < 0 ? text.length : end;
    }
    i += 1;
  }
  return items;
}

export function joinList(values: readonly ScalarValue[]): string {
  return values
    .map((value) => {
      const text = valueText(value);
      return text === '' || /[,"]/.test(text) || text.trim() !== text
        ? `"${text.replaceAll('"', '""')}"`
        : text;
    })
    .join(', ');
}

/** `between` typed in one box: "a to b" or "a, b". */
export function splitRange(text: string): readonly [string, string] | null {
  const to = /^(.+?)\s+to\s+(.+)$/i.exec(text.trim());
  if (to?.[1] !== undefined && to[2] !== undefined) return [to[1], to[2]];
  const items = splitList(text);
  return items.length === 2 && items[0] !== undefined && items[1] !== undefined ? [items[0], items[1]] : null;
}
