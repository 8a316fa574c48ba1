import { once } from 'node:events';
import { PassThrough, pipeline, Transform } from 'node:stream';
import { ZipFile } from 'yazl';
import { dateSerial, timestampSerial } from './dates';
import {
  CONTENT_TYPES_XML,
  ROOT_RELS_XML,
  sheetHeadXml,
  sheetTailXml,
  STYLE,
  STYLES_XML,
  WORKBOOK_RELS_XML,
  workbookXml,
} from './parts';
import { cellText, columnLetters, inlineString } from './xml';

/** A cell as the warehouse adapter shapes it. */
export type XlsxCell = string | number | boolean | null;

export type XlsxColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp';

export interface XlsxColumn {
  readonly name: string;
  /** The header text; the name when absent. */
  readonly label?: string | undefined;
  readonly type: XlsxColumnType;
  /** 'money': numbers shown with two decimals and thousands separators (`#,##0.00`). */
  readonly format?: 'money' | undefined;
}

export interface XlsxWriterOptions {
  readonly columns: readonly XlsxColumn[];
  /** Defaults to 'Sheet1'; characters Excel forbids in sheet names become '_', cut to 31 characters. */
  readonly sheetName?: string | undefined;
  /** Receives the XLSX file; it is ended by `finish()` and destroyed by `abort()` or a failure. */
  readonly output: NodeJS.WritableStream;
  /** zlib deflate level for the sheet, 1 (fastest) … 9 (smallest). Default 1. */
  readonly compressionLevel?: number | undefined;
}

export interface XlsxResult {
  /** Data rows written (the header not counted). */
  readonly rows: number;
  /** Bytes of the XLSX file. */
  readonly bytes: number;
}

export interface XlsxWriter {
  /**
   * Appends rows (cells in column order; missing trailing cells are empty). Resolves once the output can take
   * more, so awaiting each call bounds memory. Calls are applied in order even when not awaited.
   */
  write(rows: readonly (readonly XlsxCell[])[]): Promise<void>;
  /** Writes the rest of the file, ends the output and resolves when it has taken everything. */
  finish(): Promise<XlsxResult>;
  /** Stops: pending and later calls reject, the output is destroyed with `reason`. */
  abort(reason?: Error): void;
}

/** Excel's 1,048,576 rows per sheet, less the header. */
export const MAX_DATA_ROWS = 1_048_575;
/** Excel's 16,384 columns per sheet. */
export const MAX_COLUMNS = 16_384;

export class XlsxRowLimitError extends RangeError {
  readonly code = 'ROW_LIMIT_EXCEEDED';
  constructor(readonly rows: number) {
    super(
      `An XLSX sheet holds at most ${MAX_DATA_ROWS.toLocaleString('en-US')} data rows ` +
        `(1,048,576 with the header); this export reached ${rows.toLocaleString('en-US')}`,
    );
    this.name = 'XlsxRowLimitError';
  }
}

/** Starts an XLSX file with one sheet on `output`; rows go to it in bounded memory as they are written. */
export function createXlsxWriter(options: XlsxWriterOptions): XlsxWriter {
  return new StreamingXlsxWriter(options);
}

const TEXT = 0;
const INTEGER = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const DATE = 4;
const TIMESTAMP = 5;
type Kind = typeof TEXT | typeof INTEGER | typeof NUMBER | typeof BOOLEAN | typeof DATE | typeof TIMESTAMP;

const KINDS: Record<XlsxColumnType, Kind> = {
  string: TEXT,
  integer: INTEGER,
  number: NUMBER,
  boolean: BOOLEAN,
  date: DATE,
  timestamp: TIMESTAMP,
};

/** Bytes of sheet XML gathered before they go to the sheet stream. */
const CHUNK_BYTES = 128 * 1024;
/** Rows of the first batch looked at to size the columns. */
const WIDTH_SAMPLE_ROWS = 1000;
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

class StreamingXlsxWriter implements XlsxWriter {
  private readonly kinds: readonly Kind[];
  private readonly money: readonly boolean[];
  /** `<c r="B` per column: a cell's start before its row number. */
  private readonly cellStarts: readonly string[];
  private readonly labels: readonly string[];
  private readonly lastColumn: string;
  private readonly sheetName: string;
  private readonly zip = new ZipFile();
  private readonly entry: { mtime: Date; compressionLevel: number };
  private readonly sheet = new PassThrough({ highWaterMark: 256 * 1024 });
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;
  /** Counts the file's bytes; a stage of the output pipeline. */
  private readonly counter: Transform;
  private state: 'open' | 'finishing' | 'finished' | 'failed' = 'open';
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private accepted = 0;
  private written = 0;
  private started = false;
  private bytes = 0;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;

  constructor(options: XlsxWriterOptions) {
    const { columns } = options;
    if (columns.length === 0) throw new TypeError('An XLSX export needs at least one column');
    if (columns.length > MAX_COLUMNS) {
      throw new RangeError(`An XLSX sheet holds at most ${MAX_COLUMNS} columns, not ${columns.length}`);
    }
    this.kinds = columns.map((c) => {
      const kind = (KINDS as Partial<Record<string, Kind>>)[c.type];
      if (kind === undefined) throw new TypeError(`Column ${c.name}: unknown type ${c.type}`);
      return kind;
    });
    this.money = columns.map((c) => c.format === 'money');
    this.cellStarts = columns.map((_, i) => `<c r="${columnLetters(i)}`);
    this.labels = columns.map((c) => c.label ?? c.name);
    this.lastColumn = columnLetters(columns.length - 1);
    this.sheetName = sanitizeSheetName(options.sheetName);
    const level = options.compressionLevel ?? 1;
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(`compressionLevel must be an integer from 1 to 9, not ${level}`);
    }
    this.entry = { mtime: new Date(), compressionLevel: level };

    this.zip.on('error', (err: Error) => this.fail(err));
    this.zip.addBuffer(Buffer.from(CONTENT_TYPES_XML), '[Content_Types].xml', this.entry);
    this.zip.addBuffer(Buffer.from(ROOT_RELS_XML), '_rels/.rels', this.entry);
    this.zip.addBuffer(Buffer.from(WORKBOOK_RELS_XML), 'xl/_rels/workbook.xml.rels', this.entry);
    this.zip.addBuffer(Buffer.from(STYLES_XML), 'xl/styles.xml', this.entry);
    this.zip.addReadStream(this.sheet, 'xl/worksheets/sheet1.xml', this.entry);
    // workbook.xml follows the sheet: its filter range needs the row count.

    this.counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.bytes += chunk.length;
        callback(null, chunk);
      },
    });
    this.done = new Promise<void>((resolve, reject) => {
      pipeline(this.zip.outputStream, this.counter, options.output, (err) => (err ? reject(err) : resolve()));
    });
    this.done.catch((err: unknown) => this.fail(asError(err)));
  }

  write(rows: readonly (readonly XlsxCell[])[]): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.closedError('write'));
    if (this.accepted + rows.length > MAX_DATA_ROWS) {
      return Promise.reject(new XlsxRowLimitError(this.accepted + rows.length));
    }
    const width = this.kinds.length;
    for (const row of rows) {
      if (row.length > width) {
        return Promise.reject(new TypeError(`A row has ${row.length} cells; the sheet has ${width} columns`));
      }
    }
    this.accepted += rows.length;
    return this.enqueue(() => this.writeRows(rows));
  }

  finish(): Promise<XlsxResult> {
    if (this.state !== 'open') return Promise.reject(this.closedError('finish'));
    this.state = 'finishing';
    return this.enqueue(async () => {
      if (!this.started) await this.start([]);
      await this.flush();
      const lastRow = this.written + 1;
      this.sheet.end(sheetTailXml(`A1:${this.lastColumn}${lastRow}`));
      this.zip.addBuffer(
        Buffer.from(workbookXml(this.sheetName, this.lastColumn, lastRow)),
        'xl/workbook.xml',
        this.entry,
      );
      this.zip.end();
      await this.done;
      if (this.failure) throw this.failure;
      this.state = 'finished';
      return { rows: this.written, bytes: this.bytes };
    });
  }

  abort(reason?: Error): void {
    if (this.state === 'finished') return;
    this.fail(reason ?? new Error('XLSX export aborted'));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.failure) throw this.failure;
      return task();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.state = 'failed';
    this.stop.abort(err);
    this.sheet.destroy();
    // The pipeline passes the error on and destroys the output.
    this.counter.destroy(err);
  }

  private failureOr(err: unknown): unknown {
    return this.failure ?? err;
  }

  private closedError(call: string): Error {
    return this.failure ?? new Error(`XLSX writer: ${call}() after finish()`);
  }

  private async writeRows(rows: readonly (readonly XlsxCell[])[]): Promise<void> {
    if (!this.started) await this.start(rows);
    for (const row of rows) {
      const xml = this.rowXml(row, ++this.written + 1);
      // Encoding row by row into a chunk is several times faster than encoding one long concatenation.
      if (this.chunkUsed + xml.length * 3 > this.chunk.length) {
        await this.flush();
        if (xml.length * 3 > this.chunk.length) {
          await this.push(Buffer.from(xml));
          continue;
        }
      }
      this.chunkUsed += this.chunk.write(xml, this.chunkUsed);
    }
  }

  /** Passes the filled part of the chunk on to the sheet stream, which keeps it; a new chunk takes its place. */
  private async flush(): Promise<void> {
    if (this.chunkUsed === 0) return;
    const filled = this.chunk.subarray(0, this.chunkUsed);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.chunkUsed = 0;
    await this.push(filled);
  }

  /** The sheet's head, sized after the header and the first rows, and the header row. */
  private async start(sample: readonly (readonly XlsxCell[])[]): Promise<void> {
    this.started = true;
    const widths = this.labels.map((label, c) => {
      let chars = label.length * 1.1 + 3; // bold, and room for the filter button
      const kind = this.kinds[c] as Kind;
      const money = this.money[c] === true;
      for (let i = 0; i < sample.length && i < WIDTH_SAMPLE_ROWS; i++) {
        const cell = (sample[i] as readonly XlsxCell[])[c];
        if (cell !== null && cell !== undefined) chars = Math.max(chars, displayChars(kind, money, cell) + 2);
      }
      return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars));
    });
    let header = '<row r="1">';
    for (let c = 0; c < this.labels.length; c++) {
      header += `${this.cellStarts[c] as string}1" t="inlineStr" s="${STYLE.header}">${inlineString(this.labels[c] as string)}</c>`;
    }
    await this.push(sheetHeadXml(widths) + header + '</row>');
  }

  private rowXml(row: readonly XlsxCell[], r: number): string {
    const ref = `${r}"`; // ends each cell's r attribute
    let xml = `<row r="${r}">`;
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      if (value === null || value === undefined) continue;
      xml += cellXml(this.cellStarts[c] as string, ref, this.kinds[c] as Kind, this.money[c] === true, value);
    }
    return xml + '</row>';
  }

  private async push(data: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.sheet.write(data)) return;
    try {
      await once(this.sheet, 'drain', { signal: this.stop.signal });
    } catch (err) {
      throw this.failureOr(err);
    }
  }
}

/** One `<c>` element; `start` + `ref` is its opening up to the r attribute's value, e.g. `<c r="B` + `7"`. */
function cellXml(
  start: string,
  ref: string,
  kind: Kind,
  money: boolean,
  value: string | number | boolean,
): string {
  if (kind === TEXT) return textCell(start, ref, String(value));
  if (typeof value === 'boolean') return `${start}${ref} t="b"><v>${value ? 1 : 0}</v></c>`;
  switch (kind) {
    case INTEGER:
    case NUMBER: {
      const n = typeof value === 'number' ? value : exactNumber(value);
      if (n === undefined) return textCell(start, ref, String(value));
      return numberCell(start, ref, n, money ? MONEY_STYLE : '');
    }
    case BOOLEAN:
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true' || lower === 'false') {
          return `${start}${ref} t="b"><v>${lower === 'true' ? 1 : 0}</v></c>`;
        }
        return textCell(start, ref, value);
      }
      return numberCell(start, ref, value, '');
    case DATE: {
      if (typeof value === 'number') return numberCell(start, ref, value, '');
      const serial = dateSerial(value);
      if (serial === undefined) return textCell(start, ref, value);
      return `${start}${ref} s="${STYLE.date}"><v>${serial}</v></c>`;
    }
    case TIMESTAMP: {
      if (typeof value === 'number') return numberCell(start, ref, value, '');
      const date = timestampSerial(value);
      if (date === undefined) return textCell(start, ref, value);
      const style = date.fractionalSeconds ? STYLE.timestampMs : STYLE.timestamp;
      return `${start}${ref} s="${style}"><v>${date.serial}</v></c>`;
    }
  }
}

const MONEY_STYLE = ` s="${STYLE.money}"`;

function textCell(start: string, ref: string, text: string): string {
  return `${start}${ref} t="inlineStr">${inlineString(text)}</c>`;
}

/** `style` is '' or ` s="N"`. */
function numberCell(start: string, ref: string, n: number, style: string): string {
  // Excel stores IEEE doubles but has no NaN or infinity: those stay readable as text.
  if (!Number.isFinite(n)) return textCell(start, ref, String(n));
  return `${start}${ref}${style}><v>${n}</v></c>`;
}

/** A numeric string as a number when the number prints back as the same string (no digit lost), else undefined. */
function exactNumber(text: string): number | undefined {
  const n = Number(text);
  return text !== '' && String(n) === text ? n : undefined;
}

/** Roughly how many characters Excel shows for a cell. */
function displayChars(kind: Kind, money: boolean, value: string | number | boolean): number {
  if (typeof value === 'boolean') return 5;
  switch (kind) {
    case DATE:
      return 10;
    case TIMESTAMP:
      return typeof value === 'string' && /[.,]\d/.test(value) ? 23 : 19;
    case INTEGER:
    case NUMBER: {
      const n = typeof value === 'number' ? value : exactNumber(value);
      if (n === undefined) return cellText(String(value)).length;
      if (!money) return Math.min(String(n).length, 12);
      const whole = Math.trunc(Math.abs(n)).toString().length;
      return whole + Math.floor((whole - 1) / 3) + 3 + (n < 0 ? 1 : 0);
    }
    case TEXT:
    case BOOLEAN:
      return longestLine(String(value));
  }
}

function longestLine(text: string): number {
  let longest = 0;
  for (const line of text.slice(0, MAX_WIDTH * 4).split('\n')) longest = Math.max(longest, line.length);
  return longest;
}

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\\x00-\x1F]/g;

function sanitizeSheetName(name: string | undefined): string {
  let clean = cellText((name ?? '').replace(SHEET_NAME_FORBIDDEN, '_')).slice(0, 31);
  const last = clean.charCodeAt(clean.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) clean = clean.slice(0, -1);
  clean = clean.replace(/^'+|'+$/g, '');
  return clean === '' || clean.toLowerCase() === 'history' ? 'Sheet1' : clean;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
