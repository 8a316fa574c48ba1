import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { createXlsxWriter, MAX_DATA_ROWS, XlsxRowLimitError, type XlsxCell, type XlsxColumn } from '../src';
import { PYTHON, readWithOpenpyxl, removeTempFiles, requireOpenpyxl, tempPath, writeXlsx } from './support';

afterAll(removeTempFiles);

const COLUMNS: readonly XlsxColumn[] = [
  { name: 'n', type: 'integer' },
  { name: 'text', type: 'string' },
];

/** Rows of text that compresses poorly, so that few rows fill the buffers behind a stalled output. */
const batch = (from: number, count: number): XlsxCell[][] =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const noise = [1, 2, 3, 4].map((k) => ((Math.imul(n + k, 2654435761) >>> 0) * k).toString(36)).join(' ');
    return [n, `row ${n} ${noise}`];
  });

/** Resolves with 'pending' when `promise` has not settled after the event loop had `ms` to run. */
async function stateAfter(
  promise: Promise<unknown>,
  ms: number,
): Promise<'resolved' | 'rejected' | 'pending'> {
  const timeout = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms));
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    timeout,
  ]);
}

/** Whether a write() stays pending: a busy machine may take a while to settle one that is merely slow. */
async function isStalled(write: Promise<unknown>): Promise<boolean> {
  return (await stateAfter(write, 50)) === 'pending' && (await stateAfter(write, 500)) === 'pending';
}

/** A writable that holds every callback until released: an output that cannot take more. */
class StalledOutput extends Writable {
  received = 0;
  private held: (() => void)[] = [];
  private flowing = false;
  readonly chunks: Buffer[] = [];

  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received += chunk.length;
    this.chunks.push(chunk);
    if (this.flowing) callback();
    else this.held.push(() => callback());
  }

  release(): void {
    this.flowing = true;
    for (const callback of this.held.splice(0)) callback();
  }
}

describe('backpressure', () => {
  beforeAll(requireOpenpyxl);

  it('write() waits while the output takes nothing, with bounded buffering, then completes', async () => {
    const output = new StalledOutput();
    const writer = createXlsxWriter({ columns: COLUMNS, output });
    let written = 0;
    let stalled: Promise<void> | undefined;
    // Feed batches until one write() stays pending: the output's refusal has reached the writer.
    for (let i = 0; i < 1600 && stalled === undefined; i++) {
      const pending = writer.write(batch(written, 250));
      written += 250;
      if (await isStalled(pending)) stalled = pending;
    }
    // It stalls after a bounded amount (about a MB of sheet XML sits in the stream buffers), not after all 400,000 rows.
    expect(stalled).toBeDefined();
    expect(written).toBeLessThanOrEqual(50_000);
    expect(output.received).toBeLessThan(64 * 1024);

    output.release();
    await stalled;
    const result = await writer.finish();
    expect(result.rows).toBe(written);

    const path = tempPath('stalled.xlsx');
    const file = createWriteStream(path);
    file.end(Buffer.concat(output.chunks));
    await once(file, 'finish');
    const py = readWithOpenpyxl(path, 'values');
    expect(py.maxRow).toBe(written + 1);
    expect(py.rows[written]?.[0]?.v).toBe(written - 1);
    expect(result.bytes).toBe(output.received);
  });

  it('applies writes in call order even when they are not awaited', async () => {
    const path = tempPath('unawaited.xlsx');
    const writer = createXlsxWriter({ columns: COLUMNS, output: createWriteStream(path) });
    const writes = [0, 1, 2, 3, 4].map((i) => writer.write(batch(i * 100, 100)));
    const finished = writer.finish();
    await Promise.all(writes);
    expect((await finished).rows).toBe(500);
    const py = readWithOpenpyxl(path, 'values');
    expect(py.rows.slice(1).map((row) => row[0]?.v)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});

describe('limits and misuse', () => {
  beforeAll(requireOpenpyxl);

  it('refuses more than 1,048,575 data rows with a clear error, and stays usable', async () => {
    const path = tempPath('limit.xlsx');
    const writer = createXlsxWriter({ columns: COLUMNS, output: createWriteStream(path) });
    await writer.write(batch(0, 3));
    const tooMany = new Array<XlsxCell[]>(MAX_DATA_ROWS - 2).fill([]);
    const refusal = writer.write(tooMany);
    await expect(refusal).rejects.toThrow(XlsxRowLimitError);
    await expect(refusal).rejects.toMatchObject({
      code: 'ROW_LIMIT_EXCEEDED',
      message: expect.stringContaining('at most 1,048,575 data rows') as unknown,
    });
    expect((await writer.finish()).rows).toBe(3);
    expect(readWithOpenpyxl(path, 'values').maxRow).toBe(4);
  });

  it('fills the sheet to its last row, 1,048,576, and not one further', async () => {
    const path = tempPath('full.xlsx');
    const writer = createXlsxWriter({ columns: COLUMNS, output: createWriteStream(path) });
    const empty = new Array<XlsxCell[]>(100_000).fill([]);
    let rows = 0;
    while (rows < MAX_DATA_ROWS - 1) {
      const part = empty.slice(0, Math.min(empty.length, MAX_DATA_ROWS - 1 - rows));
      await writer.write(part);
      rows += part.length;
    }
    await writer.write([[MAX_DATA_ROWS, 'last']]);
    await expect(writer.write([[0, 'one too many']])).rejects.toThrow(/at most 1,048,575 data rows/);
    expect((await writer.finish()).rows).toBe(MAX_DATA_ROWS);
    const tail = execFileSync(
      PYTHON,
      [
        '-c',
        'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml")[-260:].decode())',
        path,
      ],
      { encoding: 'utf8' },
    );
    expect(tail).toContain('<row r="1048576"><c r="A1048576"><v>1048575</v></c>');
    expect(tail).toContain('<autoFilter ref="A1:B1048576"/>');
  });

  it('rejects a row with more cells than columns, and treats missing trailing cells as empty', async () => {
    const writer = createXlsxWriter({ columns: COLUMNS, output: new PassThrough().resume() });
    await expect(writer.write([[1, 'a', 'extra']])).rejects.toThrow(/3 cells; the sheet has 2 columns/);
    await writer.write([[1]]);
    expect((await writer.finish()).rows).toBe(1);
  });

  it('rejects write() and finish() after finish()', async () => {
    const writer = createXlsxWriter({ columns: COLUMNS, output: new PassThrough().resume() });
    await writer.finish();
    await expect(writer.write([[1, 'a']])).rejects.toThrow(/write\(\) after finish\(\)/);
    await expect(writer.finish()).rejects.toThrow(/finish\(\) after finish\(\)/);
  });

  it('validates columns and options up front', () => {
    const output = new PassThrough();
    expect(() => createXlsxWriter({ columns: [], output })).toThrow(/at least one column/);
    expect(() =>
      createXlsxWriter({ columns: [{ name: 'x', type: 'money' as unknown as 'number' }], output }),
    ).toThrow(/unknown type money/);
    expect(() => createXlsxWriter({ columns: COLUMNS, output, compressionLevel: 0 })).toThrow(
      /compressionLevel/,
    );
  });

  it('makes a sheet name Excel accepts', async () => {
    const names = ['Q3/Q4: [draft]*?', "'quoted'", 'x'.repeat(40), 'History', ''];
    const titles: string[] = [];
    for (const sheetName of names) {
      const { path } = await writeXlsx(COLUMNS, [], { sheetName });
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(path);
      titles.push(book.worksheets[0]?.name ?? '');
    }
    expect(titles).toEqual(['Q3_Q4_ _draft___', 'quoted', 'x'.repeat(31), 'Sheet1', 'Sheet1']);
  });
});

describe('failures', () => {
  it('abort() rejects the pending write and later calls, and destroys the output with the reason', async () => {
    const output = new StalledOutput();
    const writer = createXlsxWriter({ columns: COLUMNS, output });
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 400 && pending === undefined; i++) {
      const write = writer.write(batch(i * 1000, 1000));
      if (await isStalled(write)) pending = write;
    }
    expect(pending).toBeDefined();
    const reason = new Error('export cancelled');
    writer.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(writer.write(batch(0, 1))).rejects.toBe(reason);
    await expect(writer.finish()).rejects.toBe(reason);
    if (!output.destroyed) await new Promise((resolve) => output.once('close', resolve));
    expect(output.errored).toBe(reason);
  });

  it('passes an output error on to write() and finish()', async () => {
    const failure = new Error('S3 connection reset');
    let chunks = 0;
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(++chunks > 2 ? failure : null);
      },
    });
    const writer = createXlsxWriter({ columns: COLUMNS, output });
    let error: unknown;
    try {
      for (let i = 0; i < 1000; i++) await writer.write(batch(i * 1000, 1000));
    } catch (err) {
      error = err;
    }
    expect(error).toBe(failure);
    await expect(writer.finish()).rejects.toBe(failure);
  });

  it('abort() after finish() changes nothing', async () => {
    const path = tempPath('done.xlsx');
    const writer = createXlsxWriter({ columns: COLUMNS, output: createWriteStream(path) });
    await writer.write(batch(0, 2));
    await writer.finish();
    writer.abort();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets[0]?.rowCount).toBe(3);
  });
});
