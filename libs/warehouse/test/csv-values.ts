import type { DuckDbAdapter } from '../src';
import { bigintBetween } from './csv-support';

/** Values as text (null: NULL), turned into the column's engine type by `toType` (default: a CAST). */
export interface TextColumn {
  readonly type: string;
  readonly values: readonly (string | null)[];
  readonly toType?: (text: string) => string;
}

/**
 * `CREATE TABLE name` with a row number `i` and one column per entry; every column gets its values as one
 * JSON list bound as a parameter, so any text (quotes, line breaks, non-ASCII) arrives exactly.
 */
export async function createTable(
  adapter: DuckDbAdapter,
  name: string,
  columns: Readonly<Record<string, TextColumn>>,
): Promise<number> {
  const entries = Object.entries(columns);
  const lengths = new Set(entries.map(([, column]) => column.values.length));
  if (lengths.size !== 1) throw new Error(`${name}: columns of different lengths`);
  const lists = entries.map(([column], k) => `from_json($${k + 1}, '["VARCHAR"]') AS ${column}_list`);
  const unnested = entries.map(([column]) => `unnest(${column}_list) AS ${column}`);
  const typed = entries.map(([column, { type, toType }]) => {
    const value = toType ? toType(column) : column;
    return `CAST(${value} AS ${type}) AS ${column}`;
  });
  const first = entries[0]?.[0] ?? '';
  await adapter.execute(
    `CREATE TABLE ${name} AS SELECT i, ${typed.join(', ')} FROM (
       SELECT unnest(range(len(${first}_list))) AS i, ${unnested.join(', ')} FROM (SELECT ${lists.join(', ')}))`,
    entries.map(([, column]) => JSON.stringify(column.values)),
  );
  return [...lengths][0] ?? 0;
}

/** Doubles whose layout differs between the engine and JavaScript, or that sit on a boundary of it. */
export const SPECIAL_DOUBLES = [
  '0', '-0', '1', '-1', '100', '-100', '0.1', '0.5', '4.35', '0.3', '1e15', '1e16', '-1e16', '1e20', '1e21',
  '-1e21', '1e22', '999999999999999900000', '123456789012345680000', '9007199254740992', '9007199254740993',
  '9999999999999998', '4503599627370495.5', '1e-4', '0.00009', '1e-5', '2.5e-5', '1e-6', '-1e-6',
  '9.999999999999999e-7', '1e-7', '-1.5e-7', '1e-100', '1.2345678901234567e-300', '5e-324', '-5e-324',
  '1.7976931348623157e308', '-1.7976931348623157e308', '1e100', 'NaN', 'Infinity', '-Infinity', null,
]; // prettier-ignore

/** `count` doubles: random bit patterns, decimal fractions, all magnitudes, and big powers-of-two multiples. */
export function randomDoubles(random: () => number, count: number): string[] {
  const bits = new DataView(new ArrayBuffer(8));
  return Array.from({ length: count }, (_, k) => {
    const word = (): number => Math.floor(random() * 2 ** 32);
    switch (k % 4) {
      case 0:
        bits.setUint32(0, word());
        bits.setUint32(4, word());
        return String(bits.getFloat64(0));
      case 1:
        return String((word() - 2 ** 31) / 10 ** Math.floor(random() * 12));
      case 2:
        return String((random() - 0.5) * 10 ** Math.floor(random() * 60 - 30));
      default:
        return String(Math.round(random() * 2 ** 20) * 2 ** Math.floor(random() * 90));
    }
  });
}

/** Decimal text of `width` digits at most, `scale` of them after the point, of a random digit count. */
export function randomDecimal(random: () => number, width: number, scale: number): string {
  const length = 1 + Math.floor(random() * width);
  let digits = '';
  for (let i = 0; i < length; i++) digits += String(Math.floor(random() * 10));
  const padded = digits.padStart(scale + 1, '0');
  const sign = random() < 0.5 ? '-' : '';
  const point = padded.length - scale;
  return scale === 0 ? sign + padded : `${sign}${padded.slice(0, point)}.${padded.slice(point)}`;
}

/** The extremes of a decimal type, and its smallest step. */
export function decimalEdges(width: number, scale: number): string[] {
  const nines = '9'.repeat(width);
  const max = scale === 0 ? nines : `${nines.slice(0, width - scale) || '0'}.${nines.slice(width - scale)}`;
  const step = scale === 0 ? '1' : `0.${'0'.repeat(scale - 1)}1`;
  return ['0', max, `-${max}`, step, `-${step}`];
}

/** Integer types with their limits. */
export const INTEGER_TYPES = [
  ['TINYINT', -(2n ** 7n), 2n ** 7n - 1n],
  ['SMALLINT', -(2n ** 15n), 2n ** 15n - 1n],
  ['INTEGER', -(2n ** 31n), 2n ** 31n - 1n],
  ['BIGINT', -(2n ** 63n), 2n ** 63n - 1n],
  ['HUGEINT', -(2n ** 127n), 2n ** 127n - 1n],
  ['UTINYINT', 0n, 2n ** 8n - 1n],
  ['USMALLINT', 0n, 2n ** 16n - 1n],
  ['UINTEGER', 0n, 2n ** 32n - 1n],
  ['UBIGINT', 0n, 2n ** 64n - 1n],
  ['UHUGEINT', 0n, 2n ** 128n - 1n],
] as const;

/** Limits, zero, NULL, the neighbourhood of 2^53 (where numbers turn into text), then random values. */
export function integerValues(
  random: () => number,
  min: bigint,
  max: bigint,
  count: number,
): (string | null)[] {
  const near = 2n ** 53n;
  const clamp = (n: bigint): bigint => (n < min ? min : n > max ? max : n);
  const drawn = Array.from({ length: count }, (_, k) =>
    String(
      k % 2 === 0
        ? clamp(bigintBetween(random, -near - 1000n, near + 1000n))
        : bigintBetween(random, min, max),
    ),
  );
  return [String(min), String(max), '0', null, String(clamp(near)), String(clamp(-near - 1n)), ...drawn];
}

/** Seeded UUIDs in the version 4 layout. */
export function randomUuids(random: () => number, count: number): string[] {
  const hex = (): string => Math.floor(random() * 16).toString(16);
  return Array.from({ length: count }, () => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, hex));
}

/** Strings `csvRecord` must quote, must not quote, or must keep byte for byte. */
export const SPECIAL_STRINGS = [
  '', null, ' ', '  lead', 'trail  ', 'a,b', ',', 'q"q', '"', '""', '"a,b\r\nc"', 'cr\r', '\rcr', 'lf\n',
  'crlf\r\n', '\r\n', 'tab\t', '#', '#hash', 'x#', "'single'", ';', 'NULL', 'null', '\\N', 'back\\slash',
  'Zürich – 東京 🚀 «ÆØÅ» O\'Brien', '👩‍💻', '\u2028', 'e\u0301',
  // The driver drops one leading byte order mark.
  '\ufeffbom', '\ufeff\ufefftwo', 'x\ufeff', '\ufeff', '\ufeff,"q"', 'x'.repeat(1_000_000),
  'ab,"c"\r\n'.repeat(150_000),
]; // prettier-ignore

const ALPHABET = ['a', 'b', 'Z', '0', ' ', ',', '"', '\r', '\n', '#', "'", '\t', 'é', '東', '🚀', ';', '\\'];

/** Short strings drawn from an alphabet heavy in CSV's special characters. */
export function randomStrings(random: () => number, count: number): string[] {
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(random() * 24);
    for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? '';
    return text;
  });
}
