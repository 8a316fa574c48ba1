import { gunzipSync } from 'node:zlib';
// Export jobs end to end with real processes: gateway → NATS JetStream → export worker → query service → S3.
import {
  ExportQueue,
  FINISHED,
  jobDigest,
  newJobId,
  queuedJob,
  TOPOLOGY,
  type ExportJob,
} from '@aurora/export-jobs';
import { generateSigningKey, InternalTokenIssuer, ISSUERS } from '@aurora/internal-auth';
import { testGatewayIssuer, type ExportWorkerProcess } from '@aurora/testing';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AckPolicy, connect, DeliverPolicy, JSONCodec } from 'nats';
import {
  BUCKET,
  readEvents,
  signedJob,
  sleep,
  startHarness,
  workerLog,
  type CompletedEvent,
  type Harness,
  type JobView,
  SALES_COLUMNS,
} from './support';

const SALES_ROWS = 200_000;
const EXCEL_MAX_ROWS = 50_000;
const finished = (job: JobView): boolean => FINISHED.has(job.status);
/** One daily vintage, every column, in a stable order. */
const vintageQuery = (limit?: number) => ({
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
  columns: SALES_COLUMNS,
  sort: [{ column: 'sale_id', dir: 'asc' }],
  ...(limit === undefined ? {} : { limit }),
});
/** The whole fact table (the catalog of this file needs no vintage): a job that runs for a while. */
const bigQuery = (limit: number) => ({ dataset: 'global_sales', columns: SALES_COLUMNS, limit });

let h: Harness;
let worker: ExportWorkerProcess;
/** Every job this file saw finish, for the replay test at the end. */
const finishedJobs = new Set<string>();

beforeAll(async () => {
  h = await startHarness({
    salesRows: SALES_ROWS,
    vintageOptional: true,
    gateway: { EXPORT_EXCEL_MAX_ROWS: String(EXCEL_MAX_ROWS) },
    s3UploadBytesPerSecond: 8_000_000,
  });
  worker = await h.startWorker();
}, 180_000);

afterAll(async () => {
  // beforeAll may have failed before there was one
  await (h as Harness | undefined)?.stop();
}, 60_000);

async function submitAndFinish(body: unknown): Promise<JobView> {
  const submitted = await h.submit(body);
  expect(submitted.status).toBe(202);
  const job = await h.waitFor(submitted.body['id'] as string, finished, 90_000);
  finishedJobs.add(job.id);
  return job;
}

async function eventsOf(id: string): Promise<CompletedEvent[]> {
  return (await h.completedEvents()).filter((e) => e.id === id);
}

describe('an export job', () => {
  it('writes a CSV to S3 byte for byte equal to the rows of the query', async () => {
    const query = vintageQuery();
    const job = await submitAndFinish({ query, format: 'csv', fileName: 'sales-emea' });
    expect(job).toMatchObject({
      status: 'succeeded',
      format: 'csv',
      fileName: 'sales-emea.csv',
      error: null,
    });

    const expected = Buffer.from(await (await h.call('POST', '/query/csv', { body: query })).arrayBuffer());
    const lines = expected.toString('utf8').split('\r\n').length - 2; // header, and the empty tail
    expect(lines).toBeGreaterThan(1000);
    const key = `exports/${job.id}.csv`;
    expect(await h.objects(`exports/${job.id}`)).toEqual([key]);
    const stored = await h.object(key);
    expect(stored.equals(expected)).toBe(true);
    expect(job.rowsWritten).toBe(lines);
    expect(job.bytes).toBe(stored.length);

    // The download is a redirect to a short-lived presigned URL of that object, named as asked.
    const download = await h.call('GET', `/exports/${job.id}/download`, { redirect: 'manual' });
    expect(download.status).toBe(302);
    const location = download.headers.get('location') ?? '';
    expect(location).toContain(`${h.s3.url}/${BUCKET}/${key}`);
    expect(location).toMatch(/X-Amz-Expires=900/);
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="sales-emea.csv"; filename*=UTF-8''sales-emea.csv`,
    );
    expect(Buffer.from(await file.arrayBuffer()).equals(expected)).toBe(true);
  });

  it('downloads under a name outside ASCII (RFC 6266 filename*), which a raw header made fail', async () => {
    const job = await submitAndFinish({
      query: vintageQuery(10),
      format: 'csv',
      fileName: 'report-☃ Zürich',
    });
    expect(job).toMatchObject({ status: 'succeeded', fileName: 'report-☃ Zürich.csv' });
    const download = await h.call('GET', `/exports/${job.id}/download`, { redirect: 'manual' });
    const file = await fetch(download.headers.get('location') ?? '');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="report-_ Z_rich.csv"; filename*=UTF-8''report-%E2%98%83%20Z%C3%BCrich.csv`,
    );
  });

  it('refuses a file name with a C1 control or a bidi override, naming the field', async () => {
    for (const fileName of ['report\u0085', 'report\u202Egpj.exe']) {
      const response = await h.call('POST', '/exports', {
        body: { query: vintageQuery(), format: 'csv', fileName },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'INVALID_QUERY', path: 'fileName' });
    }
  });

  it('gzips a CSV on request: the stored object unzips to exactly the rows of the query', async () => {
    const query = vintageQuery();
    const job = await submitAndFinish({ query, format: 'csv', compression: 'gzip', fileName: 'sales-emea' });
    expect(job).toMatchObject({ status: 'succeeded', fileName: 'sales-emea.csv.gz' });
    const expected = Buffer.from(await (await h.call('POST', '/query/csv', { body: query })).arrayBuffer());
    const stored = await h.object(`exports/${job.id}.csv.gz`);
    expect(gunzipSync(stored).equals(expected)).toBe(true);
    expect(job.bytes).toBe(stored.length);
    expect(stored.length).toBeLessThan(expected.length / 2);
  });

  it('refuses gzip for an XLSX (already compressed)', async () => {
    const refused = await h.submit({
      query: vintageQuery(10),
      format: 'xlsx',
      compression: 'gzip',
      fileName: 'x',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_QUERY', path: 'compression' });
  });

  it('writes an XLSX that exceljs and openpyxl both read back with typed values', async () => {
    const query = vintageQuery(300);
    const preview = (await (
      await h.call('POST', '/query/preview', { body: { ...query, page: { number: 1, size: 500 } } })
    ).json()) as {
      columns: { name: string; label: string; type: string; format?: string }[];
      rows: (string | number | boolean | null)[][];
    };
    expect(preview.rows).toHaveLength(300);
    const job = await submitAndFinish({ query, format: 'xlsx', fileName: 'typed' });
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: 300, fileName: 'typed.xlsx' });
    const file = await h.object(`exports/${job.id}.xlsx`);
    expect(file.length).toBe(job.bytes);
    const path = join(h.dir, 'typed.xlsx');
    writeFileSync(path, file);

    const types = preview.columns.map((c) => c.type);
    expect(new Set(types)).toEqual(new Set(['integer', 'string', 'date', 'timestamp', 'number', 'boolean']));
    /**
     * What a cell must hold: dates and timestamps as epoch ms (a sheet keeps a timestamp to the millisecond,
     * rounded); integers too big for a double stay exact, as text.
     */
    const expectedCell = (value: string | number | boolean | null, type: string) => {
      if (value === null) return null;
      if (type === 'date') return Date.parse(`${String(value)}T00:00:00Z`);
      if (type === 'timestamp') {
        const [, seconds, fraction] =
          /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?$/.exec(String(value)) ?? [];
        if (seconds === undefined) throw new Error(`unexpected timestamp ${String(value)}`);
        return Date.parse(`${seconds}Z`) + Math.round(Number(`0.${fraction ?? '0'}`) * 1000);
      }
      if (type === 'number' || (type === 'integer' && typeof value === 'number')) return Number(value);
      return value;
    };
    const expected = preview.rows.map((row) => row.map((cell, c) => expectedCell(cell, types[c] ?? '')));

    // 1. exceljs's reader.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const header = sheet.getRow(1);
    expect(preview.columns.map((_, c) => header.getCell(c + 1).value)).toEqual(
      preview.columns.map((c) => c.label),
    );
    expect(header.getCell(1).font.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:P301');
    expect(sheet.columns.every((column) => (column.width ?? 0) >= 8)).toBe(true);
    const read: unknown[][] = [];
    for (let r = 2; r <= 301; r++) {
      const row = sheet.getRow(r);
      read.push(
        preview.columns.map((_, c) => {
          const value = row.getCell(c + 1).value;
          return value instanceof Date ? value.getTime() : (value ?? null);
        }),
      );
    }
    // exceljs's reader turns an empty string cell into no value (openpyxl below keeps it).
    expect(read).toEqual(expected.map((row) => row.map((cell) => (cell === '' ? null : cell))));
    preview.columns.forEach((column, c) => {
      const cell = sheet.getRow(2).getCell(c + 1);
      if (column.format === 'money') expect(cell.numFmt).toBe('#,##0.00');
      if (column.type === 'date' || column.type === 'timestamp') expect(cell.value).toBeInstanceOf(Date);
      if (column.type === 'integer' || column.type === 'number') expect(typeof cell.value).toBe('number');
    });

    // 2. openpyxl (Debian's python3-openpyxl), an independent reader.
    const script = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
def cell(c):
    v = c.value
    if isinstance(v, datetime.datetime):
        return {"dt": v.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000, "is_date": c.is_date}
    return v
rows = [[cell(c) for c in row] for row in ws.iter_rows()]
print(json.dumps({
  "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "bold": ws["A1"].font.b,
  "formats": [c.number_format for c in ws[2]], "rows": rows,
  "types": [type(c.value).__name__ for c in ws[2]],
}))
`;
    const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })) as {
      freeze: string;
      filter: string;
      bold: boolean;
      formats: string[];
      types: string[];
      rows: unknown[][];
    };
    expect(py).toMatchObject({ freeze: 'A2', filter: 'A1:P301', bold: true });
    expect(py.rows[0]).toEqual(preview.columns.map((c) => c.label));
    const pyValues = py.rows.slice(1).map((row) =>
      preview.columns.map((_, c) => {
        const value = row[c] ?? null;
        if (value !== null && typeof value === 'object' && 'dt' in value) {
          expect(value).toMatchObject({ is_date: true });
          return Math.round((value as { dt: number }).dt);
        }
        return value;
      }),
    );
    expect(pyValues).toEqual(expected);
    preview.columns.forEach((column, c) => {
      if (column.format === 'money') expect(py.formats[c]).toBe('#,##0.00');
      if (column.type === 'boolean') expect(py.types[c]).toBe('bool');
      if (column.type === 'integer') expect(py.types[c]).toBe('int');
      if (column.type === 'date' || column.type === 'timestamp') expect(py.types[c]).toBe('datetime');
    });
  });

  it('exports a pivot to XLSX: its values across as labelled columns, its rows those of the preview', async () => {
    const query = {
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
      aggregate: {
        groupBy: ['channel'],
        measures: [{ fn: 'count', column: null, as: 'sales' }],
        pivot: { column: 'region' },
      },
      sort: [{ column: 'channel', dir: 'asc' }],
    };
    const preview = (await (
      await h.call('POST', '/query/preview', { body: { ...query, page: { number: 1, size: 500 } } })
    ).json()) as { columns: { label: string }[]; rows: (string | number | null)[][] };
    expect(preview.columns.length).toBeGreaterThan(3);
    expect(preview.columns.map((c) => c.label)).toContain('EMEA');

    const job = await submitAndFinish({ query, format: 'xlsx', fileName: 'pivot' });
    expect(job).toMatchObject({ status: 'succeeded', rowsWritten: preview.rows.length });
    const path = join(h.dir, 'pivot.xlsx');
    writeFileSync(path, await h.object(`exports/${job.id}.xlsx`));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const cells = (r: number) => preview.columns.map((_, c) => sheet.getRow(r).getCell(c + 1).value ?? null);
    expect(cells(1)).toEqual(preview.columns.map((c) => c.label));
    expect(preview.rows.map((_, r) => cells(r + 2))).toEqual(preview.rows);
  });

  it('streams its progress as server-sent events, in order, up to succeeded', async () => {
    // About 14 MB: at least 1.7 s at the S3 bandwidth of this file, so it reports progress on the way.
    const submitted = await h.submit({ query: bigQuery(100_000), format: 'csv', fileName: 'progress' });
    const id = submitted.body['id'] as string;
    const response = await h.call('GET', `/exports/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response, (e) => finished(e.data));
    finishedJobs.add(id);
    const statuses = events.map((e) => e.data.status);
    // queued (unless a worker was quicker than the stream), running with progress, then succeeded and the end.
    expect(statuses.join(' ')).toMatch(/^(queued )*(running )+succeeded$/);
    expect(events.every((e) => e.event === (e.data.status === 'running' ? 'progress' : 'status'))).toBe(true);
    const rows = events.map((e) => e.data.rowsWritten);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
    expect(events.some((e) => e.data.status === 'running' && e.data.rowsWritten > 0)).toBe(true);
    expect(events.at(-1)?.data).toMatchObject({ status: 'succeeded', rowsWritten: 100_000 });
  });

  it('publishes the export-completed CloudEvent of docs/API.md on aurora.events.export.completed', async () => {
    const job = await submitAndFinish({ query: vintageQuery(1000), format: 'csv', fileName: 'event' });
    const stored = await h.object(`exports/${job.id}.csv`);
    const events = await eventsOf(job.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      specversion: '1.0',
      type: 'io.aurora.export.completed',
      source: '/services/export',
      id: job.id,
      time: job.finishedAt,
      subject: job.id,
      datacontenttype: 'application/json',
      data: {
        jobId: job.id,
        owner: 'alice',
        format: 'csv',
        status: 'succeeded',
        bucket: BUCKET,
        key: `exports/${job.id}.csv`,
        rows: 1000,
        bytes: stored.length,
        sha256: createHash('sha256').update(stored).digest('hex'),
      },
    });
    // …on that subject, in the AURORA_EVENTS stream.
    const jsm = await h.nc.jetstreamManager();
    const message = await jsm.streams.getMessage(TOPOLOGY.eventsStream, {
      last_by_subj: 'aurora.events.export.completed',
    });
    expect(message.subject).toBe('aurora.events.export.completed');
  });

  it('answers a resubmission with the same Idempotency-Key with the first job', async () => {
    const body = { query: vintageQuery(10), format: 'csv', fileName: 'once' };
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const first = await h.submit(body, { headers });
    const second = await h.submit(body, { headers });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body['id']).toBe(first.body['id']);
    const other = await h.submit(body, { headers: { 'idempotency-key': `${headers['idempotency-key']}-2` } });
    expect(other.body['id']).not.toBe(first.body['id']);
    // Another user's same key is another job.
    const carol = await h.submit(body, { headers, user: 'carol' });
    expect(carol.status).toBe(202);
    expect(carol.body['id']).not.toBe(first.body['id']);
    for (const id of [first.body['id'], other.body['id']]) {
      finishedJobs.add((await h.waitFor(id as string, finished)).id);
    }
    finishedJobs.add((await h.waitFor(carol.body['id'] as string, finished, 30_000, 'carol')).id);
    const mine = ((await (await h.call('GET', '/exports')).json()) as JobView[]).map((j) => j.id);
    expect(mine.filter((id) => id === first.body['id'])).toHaveLength(1);
    expect(mine).not.toContain(carol.body['id']);
    const created = ((await (await h.call('GET', '/exports')).json()) as JobView[]).map((j) => j.createdAt);
    expect([...created].sort().reverse()).toEqual(created); // newest first
  });

  it('is a 404 to another user: get, events, download and delete', async () => {
    const job = await submitAndFinish({ query: vintageQuery(10), format: 'csv', fileName: 'mine' });
    for (const user of ['carol', 'bob'] as const) {
      for (const [method, path] of [
        ['GET', `/exports/${job.id}`],
        ['GET', `/exports/${job.id}/events`],
        ['GET', `/exports/${job.id}/download`],
        ['DELETE', `/exports/${job.id}`],
      ] as const) {
        const response = await h.call(method, path, { user, redirect: 'manual' });
        expect({ method, path, user, status: response.status }).toEqual({ method, path, user, status: 404 });
        expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
      }
      const theirs = (await (await h.call('GET', '/exports', { user })).json()) as JobView[];
      expect(theirs.map((j) => j.id)).not.toContain(job.id);
    }
    expect((await h.job(job.id)).status).toBe('succeeded'); // untouched
  });

  it('refuses an XLSX over EXPORT_EXCEL_MAX_ROWS up front with ROW_LIMIT_EXCEEDED', async () => {
    const before = (await (await h.call('GET', '/exports')).json()) as JobView[];
    const refused = await h.submit({ query: bigQuery(EXCEL_MAX_ROWS + 1), format: 'xlsx', fileName: 'big' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'ROW_LIMIT_EXCEEDED', path: 'format' });
    expect(String(refused.body['detail'])).toMatch(/at most 50,000 rows.*50,001/);
    // Counted, not guessed: the limit itself is fine, and CSV has no such limit.
    const atLimit = await h.submit({ query: bigQuery(EXCEL_MAX_ROWS), format: 'xlsx', fileName: 'fits' });
    expect(atLimit.status).toBe(202);
    await h.call('DELETE', `/exports/${String(atLimit.body['id'])}`);
    finishedJobs.add((await h.waitFor(atLimit.body['id'] as string, finished)).id);
    const after = (await (await h.call('GET', '/exports')).json()) as JobView[];
    expect(after.length).toBe(before.length + 1); // the refused one was never a job
  });
});

describe('a job the gateway did not sign', () => {
  /**
   * Writes a job straight into NATS, as a client holding the gateway's NATS password (but not its signing key)
   * could, and waits for the worker's verdict.
   */
  async function forge(job: ExportJob): Promise<JobView> {
    const queue = await ExportQueue.connect(h.nats.client('gateway'), 'forger');
    try {
      await queue.submit(job);
    } finally {
      await queue.close();
    }
    const view = await h.waitFor(job.id, finished, 30_000);
    finishedJobs.add(job.id);
    expect(await h.objects(`exports/${job.id}`)).toEqual([]);
    return view;
  }
  // Alice, claiming the hr group she is not in, for the salaries only hr may read.
  const claimed = { sub: 'alice', name: 'Alice Analyst', groups: ['hr'] };
  const salaries = JSON.stringify({ dataset: 'employee_roster', columns: ['full_name', 'salary'] });
  const content = () => ({
    id: newJobId(),
    owner: claimed,
    format: 'csv' as const,
    fileName: 'salaries.csv',
    queryJson: salaries,
  });

  it('is refused when another key signed its statement, and ends failed with the reason', async () => {
    const job = content();
    const forger = new InternalTokenIssuer(ISSUERS.gateway, generateSigningKey('test-gateway-1').signingKey);
    const statement = await forger.jobStatement(claimed, { job: job.id, digest: jobDigest(job) });
    expect(await forge(queuedJob({ ...job, statement }))).toMatchObject({
      status: 'failed',
      error: { code: 'UNAUTHENTICATED', detail: 'The internal token has an invalid signature.' },
    });
    expect(workerLog(worker, 'export refused').some((line) => line['job'] === job.id)).toBe(true);
    expect(workerLog(worker, 'export started').some((line) => line['job'] === job.id)).toBe(false);
  });

  it("is refused when its content is not what the gateway signed (another job's statement)", async () => {
    const signed = await signedJob({ ...content(), owner: { ...claimed, groups: ['analysts'] } });
    const tampered = { ...signed, id: newJobId(), owner: claimed, queryJson: salaries };
    expect(await forge(tampered)).toMatchObject({
      status: 'failed',
      error: { code: 'UNAUTHENTICATED', detail: 'The export job does not match its signed statement.' },
    });
  });

  it('is refused when its statement is a token for another service', async () => {
    const job = content();
    const statement = await testGatewayIssuer().requestToken(claimed); // for query and metadata
    expect(await forge(queuedJob({ ...job, statement }))).toMatchObject({
      status: 'failed',
      error: { code: 'UNAUTHENTICATED', detail: 'The internal token is for another service.' },
    });
  });

  it('is refused when its statement has expired', async () => {
    const job = content();
    const twoDaysAgo = Date.now() - 48 * 3600 * 1000;
    const statement = await testGatewayIssuer(() => twoDaysAgo).jobStatement(claimed, {
      job: job.id,
      digest: jobDigest(job),
    });
    expect(await forge(queuedJob({ ...job, statement }))).toMatchObject({
      status: 'failed',
      error: { code: 'UNAUTHENTICATED', detail: 'The internal token has expired.' },
    });
  });
});

describe('cancel', () => {
  it('cancels a queued job at once: no file, one cancelled event, and the worker later drops it', async () => {
    await worker.stop(); // nobody takes the job meanwhile
    const jsm = await h.nc.jetstreamManager();
    const submitted = await h.submit({ query: vintageQuery(100), format: 'csv', fileName: 'never' });
    const id = submitted.body['id'] as string;
    expect((await h.job(id)).status).toBe('queued');
    const cancelled = await h.call('DELETE', `/exports/${id}`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, status: 'cancelled' });
    expect((await h.job(id)).status).toBe('cancelled');
    finishedJobs.add(id);
    expect((await jsm.streams.info(TOPOLOGY.workStream)).state.messages).toBe(1);

    worker = await h.startWorker();
    for (let i = 0; i < 100 && (await jsm.streams.info(TOPOLOGY.workStream)).state.messages > 0; i++)
      await sleep(100);
    expect((await jsm.streams.info(TOPOLOGY.workStream)).state.messages).toBe(0);
    const job = await h.job(id);
    expect(job).toMatchObject({ status: 'cancelled', rowsWritten: 0, startedAt: null });
    expect(await h.objects(`exports/${id}`)).toEqual([]);
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ status: 'cancelled', key: null, sha256: null });
    expect(workerLog(worker, 'export started').filter((l) => l['job'] === id)).toEqual([]);
  });

  it('stops a running job within a second, leaving no object and no incomplete multipart upload', async () => {
    const submitted = await h.submit({ query: bigQuery(SALES_ROWS), format: 'csv', fileName: 'stop' });
    const id = submitted.body['id'] as string;
    // Running, and past the first 5 MiB part, so a multipart upload is open.
    await h.waitFor(id, (j) => j.status === 'running' && j.bytes > 9 * 1024 * 1024, 90_000);
    for (let i = 0; i < 30 && (await h.incompleteUploads(`exports/${id}`)).length === 0; i++)
      await sleep(100);
    expect(await h.incompleteUploads(`exports/${id}`)).toHaveLength(1);
    const asked = Date.now();
    const response = await h.call('DELETE', `/exports/${id}`);
    expect(response.status).toBe(200);
    const job = await h.waitFor(id, finished, 5000);
    const seen = Date.now() - asked;
    finishedJobs.add(id);
    expect(job.status).toBe('cancelled');
    expect(Date.parse(job.finishedAt ?? '') - asked).toBeLessThan(1000);
    expect(seen).toBeLessThan(1500);
    expect(job.rowsWritten).toBeLessThan(SALES_ROWS);
    // The abort reaches S3 just after (the upload library sends it once its part in flight returns).
    for (let i = 0; i < 40 && (await h.incompleteUploads(`exports/${id}`)).length > 0; i++) await sleep(100);
    expect(await h.incompleteUploads(`exports/${id}`)).toEqual([]);
    expect(await h.objects(`exports/${id}`)).toEqual([]);
    const events = await eventsOf(id);
    expect(events.map((e) => e.data.status)).toEqual(['cancelled']);
    // Cancelling a finished job changes nothing.
    expect(await (await h.call('DELETE', `/exports/${id}`)).json()).toMatchObject({ status: 'cancelled' });
  });
});

describe('workers', () => {
  it('two workers drain a queue of jobs in parallel', async () => {
    const second = await h.startWorker();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const submitted = await h.submit({
        query: bigQuery(15_000 + i),
        format: 'csv',
        fileName: `batch-${i}`,
      });
      ids.push(submitted.body['id'] as string);
    }
    const jobs = await Promise.all(ids.map((id) => h.waitFor(id, finished, 120_000)));
    ids.forEach((id) => finishedJobs.add(id));
    expect(jobs.map((j) => j.status)).toEqual(Array(6).fill('succeeded'));
    jobs.forEach((j, i) => expect(j.rowsWritten).toBe(15_000 + i));
    const by = (w: ExportWorkerProcess) =>
      new Set(
        workerLog(w, 'export succeeded')
          .map((l) => l['job'] as string)
          .filter((id) => ids.includes(id)),
      );
    // The worker logs a job's success just after it records it: give the last line a moment.
    for (let i = 0; i < 50 && by(worker).size + by(second).size < 6; i++) await sleep(50);
    const first = by(worker);
    const other = by(second);
    expect(first.size).toBeGreaterThan(0);
    expect(other.size).toBeGreaterThan(0);
    expect(first.size + other.size).toBe(6); // each job ran once
    // At some moment a job of each worker was running at once.
    const span = (j: JobView) => [Date.parse(j.startedAt ?? ''), Date.parse(j.finishedAt ?? '')] as const;
    const overlapping = jobs.some((a) =>
      jobs.some(
        (b) => first.has(a.id) && other.has(b.id) && span(a)[0] < span(b)[1] && span(b)[0] < span(a)[1],
      ),
    );
    expect(overlapping).toBe(true);
    expect(await h.objects('exports/')).toEqual(expect.arrayContaining(ids.map((id) => `exports/${id}.csv`)));
    await second.stop();
  });

  it('a durable consumer started after the jobs finished replays every completed event, once each', async () => {
    expect((await (await h.nc.jetstreamManager()).streams.info(TOPOLOGY.workStream)).state.messages).toBe(0);
    // A batch system, as the event-consumer NATS user.
    const nc = await connect(h.nats.connectOptions('event-consumer'));
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.add(TOPOLOGY.eventsStream, {
      durable_name: 'billing-replay',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: TOPOLOGY.completedSubject,
    });
    const consumer = await nc.jetstream().consumers.get(TOPOLOGY.eventsStream, 'billing-replay');
    const codec = JSONCodec<CompletedEvent>();
    const seen: CompletedEvent[] = [];
    const { state } = await jsm.streams.info(TOPOLOGY.eventsStream);
    while (seen.length < state.messages) {
      const batch = await consumer.fetch({ max_messages: state.messages - seen.length, expires: 2000 });
      let got = 0;
      for await (const message of batch) {
        seen.push(codec.decode(message.data));
        message.ack();
        got += 1;
      }
      if (got === 0) break;
    }
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...finishedJobs].filter((id) => !ids.includes(id))).toEqual([]);
    expect(finishedJobs.size).toBeGreaterThanOrEqual(15);
    for (const event of seen)
      expect(event).toMatchObject({ type: 'io.aurora.export.completed', subject: event.id });
    // Durable: acknowledged events are not delivered again.
    const again = await consumer.fetch({ max_messages: 10, expires: 1000 });
    let more = 0;
    for await (const message of again) {
      message.ack();
      more += 1;
    }
    expect(more).toBe(0);
    await nc.close();
  });
});
