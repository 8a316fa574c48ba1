import {
  boolColumn,
  dateColumn,
  decimalColumn,
  encodeBatches,
  float64Column,
  int32Column,
  int64Column,
  RowBatch,
  setBit,
  textColumn,
  timestampColumn,
  wordsOf,
  type BatchColumn,
} from '@aurora/row-batches';
import { createWriteStream } from 'node:fs';
import { createXlsxWriter, XlsxRowLimitError, type XlsxColumn } from '../src';
import { readWithOpenpyxl, removeTempFiles, requireOpenpyxl, tempPath, type PyBook } from './support';

afterAll(removeTempFiles);

/** Values at the edges of each type; every column is as long as the longest, NULL-padded. */
const ROWS = 14;
const pad = <T>(values: readonly (T | null)[]): (T | null)[] => [
  ...values,
  ...Array<null>(ROWS - values.length).fill(null),
];

function validity(values: readonly unknown[]): Uint8Array {
  const bits = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null) setBit(bits, i);
  });
  return bits;
}

const int32 = (values: (number | null)[]) =>
  int32Column(
    Int32Array.from(pad(values), (v) => v ?? 0),
    validity(pad(values)),
  );
const int64 = (values: (bigint | null)[]) =>
  int64Column(
    BigInt64Array.from(pad(values), (v) => v ?? 0n),
    validity(pad(values)),
  );
const micros = (values: (bigint | null)[]) =>
  timestampColumn(
    BigInt64Array.from(pad(values), (v) => v ?? 0n),
    validity(pad(values)),
  );
const float64 = (values: (number | null)[]) =>
  float64Column(
    Float64Array.from(pad(values), (v) => v ?? 0),
    validity(pad(values)),
  );
const days = (values: (number | null)[]) =>
  dateColumn(
    Int32Array.from(pad(values), (v) => v ?? 0),
    validity(pad(values)),
  );
const decimal = (scale: number, values: (bigint | null)[], integer = false) =>
  decimalColumn(wordsOf(pad(values).map((v) => v ?? 0n)), 38, scale, validity(pad(values)), integer);
const bools = (values: (boolean | null)[]) => {
  const bits = new Uint8Array((ROWS + 7) >> 3);
  pad(values).forEach((v, i) => v && setBit(bits, i));
  return boolColumn(bits, ROWS, validity(pad(values)));
};
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const us = (iso: string, fraction = 0n): bigint => BigInt(Date.parse(`${iso}Z`)) * 1000n + fraction;

const COLUMNS: [XlsxColumn, BatchColumn][] = [
  [{ name: 'id', type: 'integer' }, int32([1, -2_147_483_648, 2_147_483_647, 0])],
  [
    { name: 'big', type: 'integer' },
    int64([0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) - 5n, 2n ** 63n - 1n, -(2n ** 63n)]),
  ],
  [{ name: 'huge', type: 'integer' }, decimal(0, [10n ** 30n, -(10n ** 30n), 42n], true)],
  [
    { name: 'dbl', type: 'number' },
    float64([0, -0, 1e-7, 1e21, NaN, Infinity, -Infinity, 3.14159, 0.1 + 0.2, -123.456]),
  ],
  [
    { name: 'money', type: 'number', format: 'money' },
    decimal(2, [1250n, -5n, 0n, 99_999_999_999_999n, 123_456_789_012_345_678n, -100n, 7n]),
  ],
  [{ name: 'rate', type: 'number' }, decimal(8, [123_456_789n, -1n, 0n])],
  [{ name: 'ratio', type: 'number' }, decimal(6, [1n, -999_999n, 1_000_000n, 10n ** 14n + 1n])],
  [{ name: 'flag', type: 'boolean' }, bools([true, false, null, true])],
  [
    { name: 'text', type: 'string' },
    textColumn(
      pad([
        '',
        'plain',
        'a & b < c > d',
        '"quotes" and \'apostrophes\'',
        'ctrl\u0001\u0008x',
        'tab\tnl\ncr\r',
        '_x0041_ literal',
        '  leading',
        'trailing ',
        'Zoë 山田 😀',
        'not a char: \uFFFE, lone \uD800 half',
        'x'.repeat(40_000),
      ]),
    ),
  ],
  [
    { name: 'day', type: 'date' },
    days([
      day('1899-12-31'),
      day('1900-01-01'),
      day('1900-02-28'),
      day('1900-03-01'),
      0,
      -1,
      day('9999-12-31'),
      day('9999-12-31') + 1,
      -719_529,
      day('2026-12-07'),
    ]),
  ],
  [
    { name: 'at', type: 'timestamp' },
    micros([
      0n,
      -1n,
      1n,
      us('2023-11-14T22:13:20', 123_456n),
      us('1900-01-01T00:00:00'),
      us('1899-12-31T23:59:59', 999_999n),
      us('9999-12-31T23:59:59', 999_999n),
      us('9999-12-31T23:59:59') + 1_000_000n,
      2n ** 63n - 1n,
      -(2n ** 63n) + 1n,
      us('1900-02-28T12:00:00', 500_000n),
      us('2026-12-07T04:40:00'),
    ]),
  ],
  // Values whose column is declared as another type go through the cells, as the rows path writes them.
  [{ name: 'id_as_text', type: 'string' }, int32([7, -7])],
  [{ name: 'text_as_date', type: 'date' }, textColumn(pad(['2026-01-02', 'not a date', '1899-01-01']))],
  [{ name: 'number_as_boolean', type: 'boolean' }, float64([1, 0, 2.5])],
];

const columns = COLUMNS.map(([column]) => column);

/** The values twice, as two record batches in one message (as the query service sends them). */
function batch(): RowBatch {
  const names = columns.map((c) => c.name);
  const chunk = COLUMNS.map(([, data]) => data);
  return RowBatch.decode(encodeBatches(names, [chunk, chunk]));
}

async function write(how: 'rows' | 'batch', count = 1): Promise<PyBook> {
  const path = tempPath(`${how}.xlsx`);
  const writer = createXlsxWriter({ columns, output: createWriteStream(path) });
  for (let i = 0; i < count; i++) {
    if (how === 'rows') await writer.write(batch().rows());
    else await writer.writeBatch(batch());
  }
  await writer.finish();
  return readWithOpenpyxl(path);
}

describe('writeBatch: cells straight from Arrow values', () => {
  let fromRows: PyBook;
  let fromBatch: PyBook;

  beforeAll(async () => {
    requireOpenpyxl();
    [fromRows, fromBatch] = await Promise.all([write('rows', 3), write('batch', 3)]);
  });

  it('writes the same sheet XML, byte for byte, as write() of the same rows as cells', () => {
    expect(fromBatch.sheetXml.length).toBeGreaterThan(100_000);
    expect(fromBatch.sheetXml).toBe(fromRows.sheetXml);
  });

  const cell = (row: number, name: string) => {
    const c = columns.findIndex((column) => column.name === name);
    return fromBatch.rows[row]?.[c];
  };
  const values = (name: string, rows = ROWS) =>
    Array.from({ length: rows }, (_, r) => {
      const v = cell(r + 1, name)?.v;
      return v !== null && typeof v === 'object' ? v.datetime : v;
    });

  it('keeps integers exact: numbers within 2^53, text beyond (64 and 128 bits)', () => {
    expect(values('id', 4)).toEqual([1, -2_147_483_648, 2_147_483_647, 0]);
    expect(values('big', 8)).toEqual([
      0,
      -1,
      9_007_199_254_740_991,
      9_007_199_254_740_992, // 2^53 itself is a double exactly: a number, as the rows path writes it

      '-9007199254740997',
      '9223372036854775807',
      '-9223372036854775808',
      null,
    ]);
    expect(values('huge', 3)).toEqual([
      '1000000000000000000000000000000',
      '-1000000000000000000000000000000',
      42,
    ]);
  });

  it('writes doubles as numbers, NaN and infinities as text', () => {
    expect(values('dbl', 11)).toEqual([
      0,
      0,
      1e-7,
      1e21,
      'NaN',
      'Infinity',
      '-Infinity',
      3.14159,
      0.1 + 0.2,
      -123.456,
      null,
    ]);
  });

  it('writes decimals as their nearest double, money formatted', () => {
    expect(values('money', 8)).toEqual([
      12.5,
      -0.05,
      0,
      999_999_999_999.99,
      1_234_567_890_123_456.8,
      -1,
      0.07,
      null,
    ]);
    expect(cell(1, 'money')?.f).toBe('#,##0.00');
    expect(values('rate', 3)).toEqual([1.23456789, -1e-8, 0]);
    expect(values('ratio', 4)).toEqual([0.000001, -0.999999, 1, 100_000_000.000001]);
  });

  it('writes booleans and skips NULLs', () => {
    expect(values('flag', 5)).toEqual([true, false, null, true, null]);
    expect(cell(3, 'flag')).toEqual({ v: null, t: 'n', f: 'General', b: false });
  });

  it('keeps text: escaped, cleaned of what XML forbids, whitespace kept, cut at 32,767', () => {
    const text = values('text', 13);
    expect(text.slice(0, 11)).toEqual([
      '',
      'plain',
      'a & b < c > d',
      '"quotes" and \'apostrophes\'',
      'ctrlx',
      'tab\tnl\ncr\r',
      '_x005F_x0041_ literal', // openpyxl does not decode Excel's escape (Excel shows `_x0041_ literal`)
      '  leading',
      'trailing ',
      'Zoë 山田 😀',
      'not a char: , lone \uFFFD half', // TextEncoder made the lone surrogate U+FFFD on the wire
    ]);
    // Excel decodes _xHHHH_ in text; _x005F_ is its escape for a literal underscore.
    expect(fromBatch.sheetXml).toContain('<t>_x005F_x0041_ literal</t>');
    expect(text[11]).toBe('x'.repeat(32_767));
    expect(text[12]).toBeNull();
  });

  it('writes dates from 1900-01-01 to 9999-12-31 as dates, others as their text', () => {
    expect(values('day', 11)).toEqual([
      '1899-12-31',
      '1900-01-01T00:00:00',
      '1900-02-28T00:00:00',
      '1900-03-01T00:00:00',
      '1970-01-01T00:00:00',
      '1969-12-31T00:00:00',
      '9999-12-31T00:00:00',
      '10000-01-01',
      '0002-12-31 (BC)',
      '2026-12-07T00:00:00',
      null,
    ]);
    expect(cell(2, 'day')?.f).toBe('yyyy-mm-dd');
  });

  // A serial of today's dates holds about a microsecond; openpyxl reads it rounded to the millisecond.
  it('writes timestamps within Excel’s dates as serials, others as their text', () => {
    expect(values('at', 13)).toEqual([
      '1970-01-01T00:00:00',
      '1970-01-01T00:00:00',
      '1970-01-01T00:00:00',
      '2023-11-14T22:13:20.123000',
      '1900-01-01T00:00:00',
      '1899-12-31T23:59:59.999999',
      '9999-12-31T23:59:59.999999',
      '10000-01-01T00:00:00',
      'infinity',
      '-infinity',
      '1900-02-28T12:00:00.500000',
      '2026-12-07T04:40:00',
      null,
    ]);
    expect(cell(1, 'at')?.f).toBe('yyyy-mm-dd hh:mm:ss');
    expect(cell(2, 'at')?.f).toBe('yyyy-mm-dd hh:mm:ss.000');
  });

  it('writes values of another declared type as their cells are written', () => {
    expect(values('id_as_text', 2)).toEqual(['7', '-7']);
    expect(values('text_as_date', 3)).toEqual(['2026-01-02T00:00:00', 'not a date', '1899-01-01']);
    expect(values('number_as_boolean', 3)).toEqual([1, 0, 2.5]);
  });
});

describe('writeBatch: limits', () => {
  it('refuses a batch of another width', async () => {
    const writer = createXlsxWriter({
      columns: columns.slice(1),
      output: createWriteStream(tempPath('w.xlsx')),
    });
    await expect(writer.writeBatch(batch())).rejects.toThrow(/has 14 columns; the sheet has 13/);
    await expect(writer.finish()).resolves.toEqual({ rows: 0, bytes: expect.any(Number) as number });
  });

  it('refuses a batch that would pass the last row, before writing any of it, and stays usable', async () => {
    const writer = createXlsxWriter({ columns, output: createWriteStream(tempPath('full.xlsx')) });
    const rows = 1_048_575 - batch().rowCount + 1;
    await writer.write(Array.from({ length: rows }, () => []));
    await expect(writer.writeBatch(batch())).rejects.toBeInstanceOf(XlsxRowLimitError);
    await expect(writer.finish()).resolves.toMatchObject({ rows });
  });
});
