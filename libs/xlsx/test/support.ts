import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createXlsxWriter, type XlsxCell, type XlsxColumn, type XlsxResult } from '../src';

export const PYTHON = '/usr/bin/python3';

let dir: string | undefined;
let files = 0;

/** A fresh path in this test run's temporary folder. */
export function tempPath(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'aurora-xlsx-test-'));
  return join(dir, `${++files}-${name}`);
}

/** Removes this test file's temporary folder (call in afterAll). */
export function removeTempFiles(): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

/** Writes `rows` (in batches of `batch`) to a new file and returns its path and the writer's result. */
export async function writeXlsx(
  columns: readonly XlsxColumn[],
  rows: readonly (readonly XlsxCell[])[],
  options: { batch?: number; sheetName?: string } = {},
): Promise<{ path: string; result: XlsxResult }> {
  const path = tempPath('book.xlsx');
  const writer = createXlsxWriter({ columns, output: createWriteStream(path), sheetName: options.sheetName });
  const batch = options.batch ?? 1000;
  for (let i = 0; i < rows.length; i += batch) await writer.write(rows.slice(i, i + batch));
  return { path, result: await writer.finish() };
}

let openpyxlChecked = false;

/** Fails (never skips) when Debian's openpyxl is missing, naming the package to install. */
export function requireOpenpyxl(): void {
  if (openpyxlChecked) return;
  try {
    execFileSync(PYTHON, ['-c', 'import openpyxl'], { stdio: 'pipe' });
    openpyxlChecked = true;
  } catch (err) {
    throw new Error(
      `${PYTHON} cannot import openpyxl, the independent XLSX reader these tests need. ` +
        `Install the Debian package python3-openpyxl (apt-get install -y python3-openpyxl). Cause: ${String(err)}`,
    );
  }
}

/** A cell as openpyxl reads it: value (dates as {datetime: ISO}), data type, number format, bold. */
export interface PyCell {
  v: string | number | boolean | null | { datetime: string };
  t: string;
  f: string;
  b: boolean;
}

export interface PyBook {
  title: string;
  freeze: string | null;
  filter: string | null;
  maxRow: number;
  maxColumn: number;
  widths: Record<string, number>;
  rows: PyCell[][];
  /** The raw XML of xl/worksheets/sheet1.xml. */
  sheetXml: string;
  /** The zip's entries. */
  entries: string[];
}

const DUMP = `
import datetime, json, sys, zipfile
import openpyxl
mode, path = sys.argv[1], sys.argv[2]
full = mode == 'full'
# read_only streams the sheet (fast) but knows no panes, filters or widths: those need the full load.
wb = openpyxl.load_workbook(path, read_only=not full)
ws = wb.worksheets[0]
def value(v):
    if isinstance(v, datetime.datetime):
        return {'datetime': v.isoformat()}
    if isinstance(v, (datetime.date, datetime.time, datetime.timedelta)):
        return {'other': str(v)}
    return v
if full:
    rows = [[{'v': value(c.value), 't': c.data_type, 'f': c.number_format, 'b': bool(c.font.b)} for c in row]
            for row in ws.iter_rows()]
else:
    rows = [[{'v': value(c.value), 't': c.data_type, 'f': '', 'b': False} for c in row] for row in ws.iter_rows()]
with zipfile.ZipFile(path) as z:
    bad = z.testzip()
    if bad is not None:
        raise SystemExit('corrupt zip entry ' + bad)
    sheet = z.read('xl/worksheets/sheet1.xml').decode('utf-8') if full else ''
    entries = z.namelist()
sys.stdout.write(json.dumps({'title': ws.title,
           'freeze': ws.freeze_panes if full else None,
           'filter': ws.auto_filter.ref if full else None,
           'maxRow': ws.max_row if full else len(rows),
           'maxColumn': ws.max_column if full else max([len(r) for r in rows] + [0]),
           'widths': {k: d.width for k, d in ws.column_dimensions.items()} if full else {},
           'rows': rows, 'sheetXml': sheet, 'entries': entries}))
`;

/**
 * Reads a file with openpyxl (and Python's zipfile, which also checks every entry's CRC). `values` reads in
 * openpyxl's fast read-only mode: values and data types only (no formats, fonts, panes, filter, widths, XML).
 */
export function readWithOpenpyxl(path: string, mode: 'full' | 'values' = 'full'): PyBook {
  const out = execFileSync(PYTHON, ['-c', DUMP, mode, path], { maxBuffer: 1 << 30, encoding: 'utf8' });
  return JSON.parse(out) as PyBook;
}
