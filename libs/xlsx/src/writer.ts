import type { RowBatch } from '@aurora/row-batches';
import type { Writable } from 'node:stream';
import {
  columnWriter,
  DATE,
  exactNumber,
  INTEGER,
  KINDS,
  NUMBER,
  TEXT,
  TIMESTAMP,
  BOOLEAN,
  writeCell,
  type ColumnKind,
  type Kind,
  type XlsxCell,
  type XlsxColumnType,
} from './cells';
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
import { NO_STYLE, SheetXml } from './sheet-xml';
import { cellText, columnLetters, inlineString } from './xml';
import { ZipWriter, type ZipEntry } from './zip';

export type { XlsxCell, XlsxColumnType } from './cells';

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
  /** Sizes and offsets from which the ZIP gets ZIP64 records (default: where 32 bits end). For tests. */
  readonly zip64Threshold?: number | undefined;
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
  /**
   * Appends a decoded batch of the query service's rows, written from its Arrow values without making cells
   * (the same XML as `write(batch.rows())`, faster). Same ordering and backpressure as `write`.
   */
  writeBatch(batch: RowBatch): Promise<void>;
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

/** Rows of the first batch looked at to size the columns. */
const WIDTH_SAMPLE_ROWS = 1000;
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

class StreamingXlsxWriter implements XlsxWriter {
  private readonly columns: readonly ColumnKind[];
  private readonly labels: readonly string[];
  private readonly lastColumn: string;
  private readonly sheetName: string;
  private readonly level: number;
  private readonly zip: ZipWriter;
  private readonly xml: SheetXml;
  private sheet: ZipEntry | undefined;
  private state: 'open' | 'finishing' | 'finished' | 'failed' = 'open';
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private accepted = 0;
  private written = 0;

  constructor(options: XlsxWriterOptions) {
    const { columns } = options;
    if (columns.length === 0) throw new TypeError('An XLSX export needs at least one column');
    if (columns.length > MAX_COLUMNS) {
      throw new RangeError(`An XLSX sheet holds at most ${MAX_COLUMNS} columns, not ${columns.length}`);
    }
    this.columns = columns.map((c) => {
      const kind = (KINDS as Partial<Record<string, Kind>>)[c.type];
      if (kind === undefined) throw new TypeError(`Column ${c.name}: unknown type ${c.type}`);
      return { kind, numberStyle: c.format === 'money' ? STYLE.money : NO_STYLE };
    });
    this.labels = columns.map((c) => c.label ?? c.name);
    this.lastColumn = columnLetters(columns.length - 1);
    this.sheetName = sanitizeSheetName(options.sheetName);
    const level = options.compressionLevel ?? 1;
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(`compressionLevel must be an integer from 1 to 9, not ${level}`);
    }
    this.level = level;
    this.xml = new SheetXml(columns.length);
    this.zip = new ZipWriter(options.output as Writable, { zip64Threshold: options.zip64Threshold });
  }

  write(rows: readonly (readonly XlsxCell[])[]): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.closedError('write'));
    if (this.accepted + rows.length > MAX_DATA_ROWS) {
      return Promise.reject(new XlsxRowLimitError(this.accepted + rows.length));
    }
    const width = this.columns.length;
    for (const row of rows) {
      if (row.length > width) {
        return Promise.reject(new TypeError(`A row has ${row.length} cells; the sheet has ${width} columns`));
      }
    }
    this.accepted += rows.length;
    return this.enqueue(() => this.writeRows(rows));
  }

  writeBatch(batch: RowBatch): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.closedError('writeBatch'));
    if (this.accepted + batch.rowCount > MAX_DATA_ROWS) {
      return Promise.reject(new XlsxRowLimitError(this.accepted + batch.rowCount));
    }
    if (batch.columnCount !== this.columns.length) {
      const message = `A batch has ${batch.columnCount} columns; the sheet has ${this.columns.length}`;
      return Promise.reject(new TypeError(message));
    }
    this.accepted += batch.rowCount;
    return this.enqueue(() => this.writeViews(batch));
  }

  finish(): Promise<XlsxResult> {
    if (this.state !== 'open') return Promise.reject(this.closedError('finish'));
    this.state = 'finishing';
    return this.enqueue(async () => {
      const sheet = this.sheet ?? (await this.start([]));
      const lastRow = this.written + 1;
      this.xml.raw(sheetTailXml(`A1:${this.lastColumn}${lastRow}`));
      await this.flush(sheet);
      await sheet.end();
      // workbook.xml follows the sheet: its filter range needs the row count.
      const workbook = workbookXml(this.sheetName, this.lastColumn, lastRow);
      await this.zip.addBuffer('xl/workbook.xml', Buffer.from(workbook), this.level);
      const bytes = await this.zip.finish();
      this.state = 'finished';
      return { rows: this.written, bytes };
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
    this.tail = result.catch((err: unknown) => this.fail(asError(err)));
    return result;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.state = 'failed';
    this.zip.fail(err);
  }

  private closedError(call: string): Error {
    return this.failure ?? new Error(`XLSX writer: ${call}() after finish()`);
  }

  private async writeRows(rows: readonly (readonly XlsxCell[])[]): Promise<void> {
    const sheet = this.sheet ?? (await this.start(rows));
    const { xml, columns } = this;
    for (const row of rows) {
      xml.startRow(++this.written + 1);
      for (let c = 0; c < row.length; c++) {
        const value = row[c];
        if (value !== null && value !== undefined) writeCell(xml, c, columns[c] as ColumnKind, value);
      }
      xml.endRow();
      if (xml.full.length > 0) await this.flush(sheet);
    }
  }

  private async writeViews(batch: RowBatch): Promise<void> {
    const sheet = this.sheet ?? (await this.start(batch.rows(0, WIDTH_SAMPLE_ROWS)));
    const { xml, columns } = this;
    for (const { length, columns: views } of batch.views()) {
      const writers = views.map((view, c) => columnWriter(xml, c, columns[c] as ColumnKind, view));
      for (let row = 0; row < length; row++) {
        xml.startRow(++this.written + 1);
        for (const write of writers) write(row);
        xml.endRow();
        if (xml.full.length > 0) await this.flush(sheet);
      }
    }
  }

  /** Hands the filled chunks (the current one too) to the sheet's entry. */
  private async flush(sheet: ZipEntry): Promise<void> {
    for (const chunk of this.xml.take()) await sheet.write(chunk, () => this.xml.release(chunk));
  }

  /** The other parts, then the sheet's head, sized after the header and the first rows, and the header row. */
  private async start(sample: readonly (readonly XlsxCell[])[]): Promise<ZipEntry> {
    const parts: [string, string][] = [
      ['[Content_Types].xml', CONTENT_TYPES_XML],
      ['_rels/.rels', ROOT_RELS_XML],
      ['xl/_rels/workbook.xml.rels', WORKBOOK_RELS_XML],
      ['xl/styles.xml', STYLES_XML],
    ];
    for (const [name, xml] of parts) await this.zip.addBuffer(name, Buffer.from(xml), this.level);
    const sheet = await this.zip.addStream('xl/worksheets/sheet1.xml', this.level);
    this.sheet = sheet;
    const widths = this.labels.map((label, c) => {
      let chars = label.length * 1.1 + 3; // bold, and room for the filter button
      const column = this.columns[c] as ColumnKind;
      for (let i = 0; i < sample.length && i < WIDTH_SAMPLE_ROWS; i++) {
        const cell = (sample[i] as readonly XlsxCell[])[c];
        if (cell !== null && cell !== undefined) chars = Math.max(chars, displayChars(column, cell) + 2);
      }
      return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars));
    });
    let header = '<row r="1">';
    for (let c = 0; c < this.labels.length; c++) {
      header += `<c r="${columnLetters(c)}1" t="inlineStr" s="${STYLE.header}">${inlineString(this.labels[c] as string)}</c>`;
    }
    this.xml.raw(sheetHeadXml(widths) + header + '</row>');
    return sheet;
  }
}

/** Roughly how many characters Excel shows for a cell. */
function displayChars({ kind, numberStyle }: ColumnKind, value: string | number | boolean): number {
  if (typeof value === 'boolean') return 5;
  const money = numberStyle === STYLE.money;
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
