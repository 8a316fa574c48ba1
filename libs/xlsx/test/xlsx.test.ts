import ExcelJS from 'exceljs';
import { type XlsxCell, type XlsxColumn } from '../src';
import {
  readWithOpenpyxl,
  removeTempFiles,
  requireOpenpyxl,
  writeXlsx,
  type PyBook,
  type PyCell,
} from './support';

afterAll(removeTempFiles);

/** Every column type, with the values the warehouse hands over. */
const COLUMNS: readonly XlsxColumn[] = [
  { name: 'id', label: 'Id', type: 'integer' },
  { name: 'account_id', label: 'Account id', type: 'integer' },
  { name: 'name', label: 'Name', type: 'string' },
  { name: 'revenue', label: 'Revenue', type: 'number', format: 'money' },
  { name: 'ratio', label: 'Ratio', type: 'number' },
  { name: 'active', label: 'Active', type: 'boolean' },
  { name: 'day', label: 'Day', type: 'date' },
  { name: 'at', label: 'At', type: 'timestamp' },
];

const BIG = '9007199254740993'; // 2^53 + 1: a double would make it ...992
const LONG = 'x'.repeat(40_000);

const ROWS: XlsxCell[][] = [
  [1, BIG, 'Tom & "Jerry" <b>', 1234567.891, -0.125, true, '2026-11-20', '2026-11-20T10:00:00'],
  [
    2,
    '123456789012345678901234',
    'Zoë 山田 😀 Ärger',
    -42,
    1e-7,
    false,
    '1999-12-31',
    '2026-11-20T10:00:00.250',
  ],
  [3, -7, '  padded both  ', 0, 3.5, true, '2000-02-29', '2026-11-20T10:00:00+02:00'],
  [null, null, null, null, null, null, null, null],
  [5, 0, 'a\u0000b\u0007c\u001Fd\uFFFEe', 0.005, 2, false, '1900-03-01', '2026-11-20 23:59:59Z'],
  [6, 9007199254740991, 'line one\nline two', 99.99, -1, null, '9999-12-31', '1970-01-01T00:00:00.001-05:30'],
  [7, 42, LONG, 12, 0, true, '2026-02-29', 'not a time'],
];

const LABELS = COLUMNS.map((c) => c.label);

/** Expected JS values after reading, per row: dates as ISO strings (UTC, as exceljs returns them). */
const EXPECTED: (string | number | boolean | null)[][] = [
  [
    1,
    BIG,
    'Tom & "Jerry" <b>',
    1234567.891,
    -0.125,
    true,
    '2026-11-20T00:00:00.000Z',
    '2026-11-20T10:00:00.000Z',
  ],
  [
    2,
    '123456789012345678901234',
    'Zoë 山田 😀 Ärger',
    -42,
    1e-7,
    false,
    '1999-12-31T00:00:00.000Z',
    '2026-11-20T10:00:00.250Z',
  ],
  [3, -7, '  padded both  ', 0, 3.5, true, '2000-02-29T00:00:00.000Z', '2026-11-20T08:00:00.000Z'],
  [null, null, null, null, null, null, null, null],
  [5, 0, 'abcde', 0.005, 2, false, '1900-03-01T00:00:00.000Z', '2026-11-20T23:59:59.000Z'],
  [
    6,
    9007199254740991,
    'line one\nline two',
    99.99,
    -1,
    null,
    '9999-12-31T00:00:00.000Z',
    '1970-01-01T05:30:00.001Z',
  ],
  // 2026-02-29 does not exist and 'not a time' is no timestamp: both stay text rather than become wrong dates
  [7, 42, 'x'.repeat(32_767), 12, 0, true, '2026-02-29', 'not a time'],
];

function excelJsValue(cell: ExcelJS.Cell): string | number | boolean | null {
  const value = cell.value;
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`unexpected exceljs value at ${cell.address}: ${JSON.stringify(value)}`);
}

/** openpyxl's datetime (naive, microseconds) as the ISO string exceljs gives, rounded to milliseconds. */
function pyValue(cell: PyCell | undefined): string | number | boolean | null {
  if (cell === undefined) return null;
  const { v } = cell;
  if (v !== null && typeof v === 'object') {
    const [whole = '', micros = '0'] = v.datetime.split('.');
    return new Date(Date.parse(`${whole}Z`) + Math.round(Number(`0.${micros}`) * 1000)).toISOString();
  }
  return v;
}

async function readWithExcelJs(path: string): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  return sheet;
}

describe('createXlsxWriter, read back by exceljs and openpyxl', () => {
  let path: string;
  let py: PyBook;

  beforeAll(async () => {
    requireOpenpyxl();
    ({ path } = await writeXlsx(COLUMNS, ROWS, { sheetName: 'Sales 2026' }));
    py = readWithOpenpyxl(path);
  });

  it('holds the minimal SpreadsheetML parts and nothing else', () => {
    expect([...py.entries].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    expect(py.sheetXml).not.toContain('sharedStrings');
  });

  it('round-trips every value and type through exceljs', async () => {
    const sheet = await readWithExcelJs(path);
    expect(sheet.name).toBe('Sales 2026');
    expect(sheet.rowCount).toBe(ROWS.length + 1);
    expect(COLUMNS.map((_, c) => excelJsValue(sheet.getRow(1).getCell(c + 1)))).toEqual(LABELS);
    EXPECTED.forEach((expected, r) => {
      const row = sheet.getRow(r + 2);
      expect(COLUMNS.map((_, c) => excelJsValue(row.getCell(c + 1)))).toEqual(expected);
    });
  });

  it('round-trips every value and type through openpyxl', () => {
    expect(py.title).toBe('Sales 2026');
    expect(py.maxRow).toBe(ROWS.length + 1);
    expect(py.maxColumn).toBe(COLUMNS.length);
    expect(py.rows[0]?.map(pyValue)).toEqual(LABELS);
    EXPECTED.forEach((expected, r) => {
      expect(COLUMNS.map((_, c) => pyValue(py.rows[r + 1]?.[c]))).toEqual(expected);
    });
  });

  it('types cells: numbers as numbers, big ids as exact text, booleans, real dates', () => {
    const types = (r: number): string[] => (py.rows[r] ?? []).map((c) => c.t);
    // openpyxl: n number, s string, b boolean, d date (a number with a date format)
    expect(types(1)).toEqual(['n', 's', 's', 'n', 'n', 'b', 'd', 'd']);
    expect(types(6)).toEqual(['n', 'n', 's', 'n', 'n', 'n', 'd', 'd']);
    expect(py.rows[1]?.[1]?.v).toBe(BIG);
  });

  it('formats money as #,##0.00, dates as yyyy-mm-dd and timestamps with seconds (and milliseconds when given)', async () => {
    const formats = (r: number): string[] => (py.rows[r] ?? []).map((c) => c.f);
    expect(formats(1)).toEqual([
      'General',
      'General',
      'General',
      '#,##0.00',
      'General',
      'General',
      'yyyy-mm-dd',
      'yyyy-mm-dd hh:mm:ss',
    ]);
    expect(formats(2)[7]).toBe('yyyy-mm-dd hh:mm:ss.000');
    const sheet = await readWithExcelJs(path);
    expect(sheet.getCell('D2').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('G2').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('H2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
  });

  it('makes the header bold and only the header', async () => {
    expect(py.rows[0]?.every((c) => c.b)).toBe(true);
    expect(py.rows.slice(1).some((row) => row.some((c) => c.b))).toBe(false);
    const sheet = await readWithExcelJs(path);
    expect(sheet.getCell('A1').font.bold).toBe(true);
    // exceljs leaves `font` undefined on an unstyled cell, whatever its typings say
    expect((sheet.getCell('A2').font as Partial<ExcelJS.Font> | undefined)?.bold).toBeFalsy();
  });

  it('freezes the header row and puts an autofilter over header and data', async () => {
    expect(py.freeze).toBe('A2');
    expect(py.filter).toBe(`A1:H${ROWS.length + 1}`);
    const sheet = await readWithExcelJs(path);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(sheet.autoFilter).toBe(`A1:H${ROWS.length + 1}`);
    expect(sheet.workbook.definedNames.model).toEqual([
      { name: '_xlnm._FilterDatabase', ranges: [`'Sales 2026'!$A$1:$H$${ROWS.length + 1}`] },
    ]);
  });

  it('sizes columns from the header and the first rows, within bounds', () => {
    const widths = py.widths;
    expect(Object.keys(widths).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    for (const width of Object.values(widths)) {
      expect(width).toBeGreaterThanOrEqual(8);
      expect(width).toBeLessThanOrEqual(60);
    }
    expect(widths['C']).toBe(60); // the 40,000-character name hits the cap
    expect(widths['B']).toBeGreaterThan(24); // a 24-digit id
    expect(widths['H']).toBeGreaterThan(19); // 'yyyy-mm-dd hh:mm:ss.000'
  });
});

describe('text', () => {
  beforeAll(requireOpenpyxl);

  it('keeps text that looks like an Excel escape (_xHHHH_) literal by escaping its underscore', async () => {
    const { path } = await writeXlsx(
      [{ name: 't', type: 'string' }],
      [['_x0041_ and _x00e9_'], ['plain_x_']],
    );
    const py = readWithOpenpyxl(path);
    // Excel decodes _xHHHH_ in cell text; _x005F_ is its escape for a literal underscore.
    expect(py.sheetXml).toContain('<t>_x005F_x0041_ and _x005F_x00e9_</t>');
    expect(py.sheetXml).toContain('<t>plain_x_</t>');
  });

  it('keeps numeric-looking text in text columns as text and leading zeros in integer columns', async () => {
    const columns: XlsxColumn[] = [
      { name: 'zip', type: 'string' },
      { name: 'code', type: 'integer' },
      { name: 'amount', type: 'number' },
    ];
    const { path } = await writeXlsx(columns, [
      ['01234', '007', '12.50'],
      ['42', '42', '12.5'],
    ]);
    const py = readWithOpenpyxl(path);
    expect(py.rows.slice(1).map((row) => row.map(pyValue))).toEqual([
      ['01234', '007', '12.50'],
      ['42', 42, 12.5],
    ]);
  });

  it('cuts a long text of astral characters without splitting a surrogate pair', async () => {
    const { path } = await writeXlsx([{ name: 't', type: 'string' }], [['😀'.repeat(20_000)]]);
    const text = (await readWithExcelJs(path)).getCell('A2').value as string;
    expect(text.length).toBe(32_766);
    expect(text).toBe('😀'.repeat(16_383));
  });
});

describe('a multi-thousand-row file', () => {
  beforeAll(requireOpenpyxl);

  const ROW_COUNT = 4_000;
  const columns: XlsxColumn[] = [
    { name: 'n', type: 'integer' },
    { name: 'label', type: 'string' },
    { name: 'amount', type: 'number', format: 'money' },
    { name: 'flag', type: 'boolean' },
    { name: 'day', type: 'date' },
    { name: 'at', type: 'timestamp' },
    { name: 'wide', type: 'string' },
    { name: 'wider', type: 'string' },
  ];
  const pad = (n: number): string => String(n).padStart(2, '0');
  const row = (i: number): XlsxCell[] => [
    i,
    i % 11 === 0 ? null : `row ${i} — ü & <${i % 7}>`,
    Math.round(i * 137.31) / 100,
    i % 3 === 0,
    `20${pad(10 + (i % 20))}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`,
    `2026-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}T${pad(i % 24)}:${pad(i % 60)}:${pad((i * 7) % 60)}`,
    // every 1000th row is larger than the writer's 128 KiB chunk, and its texts longer than a cell holds
    i % 1000 === 500 ? `${i}:${'€'.repeat(32_000)}`.repeat(2) : `${i}`,
    i % 1000 === 500 ? 'ß'.repeat(40_000) : null,
  ];
  const rows = Array.from({ length: ROW_COUNT }, (_, i) => row(i));

  it('is read back whole and identical by both readers', async () => {
    const { path, result } = await writeXlsx(columns, rows, { batch: 777 });
    expect(result.rows).toBe(ROW_COUNT);
    expect(result.bytes).toBeGreaterThan(0);

    const expected = rows.map((cells) =>
      cells.map((cell, c) => {
        if (c === 4) return `${String(cell)}T00:00:00.000Z`;
        if (c === 5) return `${String(cell)}.000Z`;
        if (c >= 6 && cell !== null) return (cell as string).slice(0, 32_767);
        return cell;
      }),
    );

    const py = readWithOpenpyxl(path, 'values');
    expect(py.maxRow).toBe(ROW_COUNT + 1);
    expect(py.rows.slice(1).map((r) => columns.map((_, c) => pyValue(r[c])))).toEqual(expected);

    const sheet = await readWithExcelJs(path);
    expect(sheet.rowCount).toBe(ROW_COUNT + 1);
    expect(sheet.autoFilter).toBe(`A1:H${ROW_COUNT + 1}`);
    const actual: unknown[] = [];
    for (let r = 2; r <= ROW_COUNT + 1; r++) {
      const cells = sheet.getRow(r);
      actual.push(columns.map((_, c) => excelJsValue(cells.getCell(c + 1))));
    }
    expect(actual).toEqual(expected);
  });
});

describe('an empty result', () => {
  beforeAll(requireOpenpyxl);

  it('is a sheet with the header row only', async () => {
    const { path, result } = await writeXlsx(COLUMNS, []);
    expect(result.rows).toBe(0);
    const py = readWithOpenpyxl(path);
    expect(py.maxRow).toBe(1);
    expect(py.rows[0]?.map(pyValue)).toEqual(LABELS);
    expect(py.filter).toBe('A1:H1');
    expect(py.title).toBe('Sheet1');
  });
});
