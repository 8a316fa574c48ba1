import {
  startExportWorker,
  startNats,
  startPostgres,
  startS3,
  startStack,
  type ExportWorkerProcess,
  type RunningNats,
  type RunningPostgres,
  type RunningServer,
  type Stack,
} from '@aurora/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRecordOf, expectProblem, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Schedules": the whole stack with PostgreSQL, NATS, S3 and an export worker. Only the owner sees
 * a schedule; updates need a current If-Match; run-now becomes an ordinary export job run as the owner, which
 * completes with rows, or fails with the reason when the owner may not read the data. (The bad-input corpora go
 * through POST /schedules in bad-input.test.ts.)
 */

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let s3: RunningServer;
let stack: Stack;
let worker: ExportWorkerProcess;
let api: string;
const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
type User = keyof typeof tokens;

const salesReport = {
  name: 'Sales by region',
  query: {
    dataset: 'global_sales',
    aggregate: {
      groupBy: ['global_sales.region'],
      measures: [{ fn: 'count', column: null, as: 'sales' }],
    },
  },
  // Resolved when each run starts: the newest monthly load then.
  vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
};

beforeAll(async () => {
  [warehouse, postgres, nats, s3] = await Promise.all([
    demoWarehouse(2_000),
    startPostgres(),
    startNats(),
    startS3('aurora-exports'),
  ]);
  const s3Env = {
    S3_ENDPOINT: s3.url,
    S3_BUCKET: 'aurora-exports',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    nats,
    env: {
      // Runs come from run-now here; cron instants are the scheduler's tests (services/metadata).
      metadata: { SCHEDULER_TICK_MS: '0' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', SCHEDULE_POLL_MS: '200', ...s3Env },
    },
  });
  worker = await startExportWorker({
    ...nats.env('export-worker'),
    QUERY_GRPC_ADDRESS: stack.urls.query,
    ...s3Env,
  });
  api = stack.urls.api;
  for (const user of ['alice', 'bob', 'carol'] as const) tokens[user] = await stack.token(`${user}-cli`);
}, 120_000);

afterAll(async () => {
  await worker.stop();
  await stack.stop();
  await Promise.all([nats.remove(), postgres.remove(), s3.remove(), warehouse.remove()]);
});

function call(
  user: User,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return send(
    `${api}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    { token: tokens[user], headers: { 'content-type': 'application/json', ...headers } },
  );
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller says what it expects
function ok<T>(response: ApiResponse, status = 200): T {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.json<T>();
}

interface Schedule {
  id: string;
  reportId: string;
  version: number;
  paused: boolean;
  format: string;
  nextRunAt: string | null;
  failing: boolean;
}

interface Run {
  id: string;
  status: string;
  exportId: string | null;
  rows: number | null;
  error: { code: string; detail: string } | null;
  finishedAt: string | null;
}

async function report(user: User): Promise<string> {
  return ok<{ id: string }>(await call(user, 'POST', '/reports', salesReport), 201).id;
}

const body = (reportId: string, overrides: Record<string, unknown> = {}) => ({
  reportId,
  format: 'csv',
  trigger: { cron: '0 7 * * 1-5', timeZone: 'Europe/Berlin' },
  deliveries: [
    { email: { users: ['alice'], groups: [] } },
    { webhook: { url: 'https://hooks.example.com/x' } },
  ],
  ...overrides,
});

/** alice's audit record of `action` on `target`, as carol (an audit reader) finds it. */
const auditRecord = (action: string, target: string) =>
  auditRecordOf(api, tokens.carol, { user: 'alice', action, target });

/** The run, once it has ended (the runner polls every 200 ms; the worker exports 2,000 rows). */
async function ended(user: User, scheduleId: string, runId: string): Promise<Run> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs = ok<{ items: Run[] }>(await call(user, 'GET', `/schedules/${scheduleId}/runs`)).items;
    const run = runs.find((r) => r.id === runId);
    if (run?.finishedAt) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a schedule', () => {
  it('is created with an ETag, seen by its owner only, and updated only with a current If-Match', async () => {
    const reportId = await report('alice');
    const response = await call('alice', 'POST', '/schedules', body(reportId));
    const created = ok<Schedule>(response, 201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('location')).toBe(`/api/v1/schedules/${created.id}`);
    expect(created).toMatchObject({ reportId, version: 1, paused: false, failing: false });
    expect(Date.parse(created.nextRunAt ?? '')).toBeGreaterThan(Date.now());
    const read = await call('alice', 'GET', `/schedules/${created.id}`);
    expect(ok<Schedule>(read)).toEqual(created);
    // Runs change `failing` and `nextRunAt` under the same version: no cache may answer a 304 for it.
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(ok<{ items: Schedule[] }>(await call('alice', 'GET', '/schedules')).items).toContainEqual(created);

    expectProblem(await call('bob', 'GET', `/schedules/${created.id}`), 404, 'NOT_FOUND');
    expect(ok<{ items: Schedule[] }>(await call('bob', 'GET', '/schedules')).items).toEqual([]);
    expectProblem(await call('bob', 'POST', `/schedules/${created.id}/run-now`), 404, 'NOT_FOUND');

    const xlsx = body(reportId, { format: 'xlsx' });
    expectProblem(await call('alice', 'PUT', `/schedules/${created.id}`, xlsx), 428, 'PRECONDITION_REQUIRED');
    const updated = await call('alice', 'PUT', `/schedules/${created.id}`, xlsx, { 'if-match': '"1"' });
    expect(ok<Schedule>(updated)).toMatchObject({ version: 2, format: 'xlsx' });
    expect(updated.headers.get('etag')).toBe('"2"');
    const stale = await call('alice', 'PUT', `/schedules/${created.id}`, body(reportId), {
      'if-match': '"1"',
    });
    expectProblem(stale, 412, 'EDIT_CONFLICT');
  });

  it('is paused and resumed, and deleted', async () => {
    const created = ok<Schedule>(await call('alice', 'POST', '/schedules', body(await report('alice'))), 201);
    expect(ok<Schedule>(await call('alice', 'POST', `/schedules/${created.id}/pause`))).toMatchObject({
      paused: true,
      version: 2,
    });
    expect(ok<Schedule>(await call('alice', 'POST', `/schedules/${created.id}/resume`))).toMatchObject({
      paused: false,
      version: 3,
    });
    ok(await call('alice', 'DELETE', `/schedules/${created.id}`));
    expectProblem(await call('alice', 'GET', `/schedules/${created.id}`), 404, 'NOT_FOUND');
  });

  it('runs now as an ordinary export job of its owner, which completes with rows', async () => {
    const reportId = await report('alice');
    const created = ok<Schedule>(await call('alice', 'POST', '/schedules', body(reportId)), 201);
    const response = await call('alice', 'POST', `/schedules/${created.id}/run-now`);
    const queued = ok<Run>(response, 202);
    expect(queued).toMatchObject({ status: 'queued', exportId: null, rows: null });
    const run = await ended('alice', created.id, queued.id);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    const job = ok<{ status: string; rowsWritten: number; schedule: unknown }>(
      await call('alice', 'GET', `/exports/${run.exportId ?? ''}`),
    );
    // One row per region of the demo data.
    expect(run.rows).toBeGreaterThan(0);
    expect(job).toMatchObject({
      status: 'succeeded',
      rowsWritten: run.rows,
      schedule: { scheduleId: created.id, runId: run.id },
    });
    // The runner's submission is in alice's audit trail, as an export she starts by hand is.
    expect(await auditRecord('export.submit', run.exportId ?? '')).toMatchObject({
      actor: { sub: 'alice' },
      route: null,
      datasets: ['global_sales'],
      outcome: 'ok',
      detail: { runner: 'schedule-runner', scheduleId: created.id, runId: run.id, report: reportId },
    });
  });

  it("fails a run with the reason when its owner may not read the report's data", async () => {
    // Alice shares her report with Bob, who may not read global_sales: he may schedule it, not get its data.
    const reportId = await report('alice');
    ok(await call('alice', 'PUT', `/reports/${reportId}/shares`, [{ user: 'bob', role: 'view' }]));
    const created = ok<Schedule>(await call('bob', 'POST', '/schedules', body(reportId)), 201);
    const queued = ok<Run>(await call('bob', 'POST', `/schedules/${created.id}/run-now`), 202);
    const run = await ended('bob', created.id, queued.id);
    expect(run).toMatchObject({ status: 'failed', exportId: null, error: { code: 'DATASET_FORBIDDEN' } });
    expect(run.error?.detail).toMatch(/may not read/);
  });

  it('needs a report the caller can read', async () => {
    const alices = await report('alice');
    expectProblem(await call('bob', 'POST', '/schedules', body(alices)), 404, 'NOT_FOUND', 'reportId');
  });
});

describe('a dashboard schedule', () => {
  const regionFilter = { id: 'region', kind: 'values', label: 'Region', column: 'region' };

  async function dashboard(user: User): Promise<string> {
    const tiles = [{ id: 't1', reportId: await report(user), view: 'table', x: 0, y: 0, w: 12, h: 4 }];
    const created = await call(user, 'POST', '/dashboards', {
      name: 'Regional month-end',
      tiles,
      filters: [regionFilter],
    });
    return ok<{ id: string }>(created, 201).id;
  }

  const dashboardBody = (dashboardId: string, overrides: Record<string, unknown> = {}) => ({
    dashboardId,
    format: 'pdf',
    filters: { region: { values: ['EMEA'] } },
    trigger: { onVintage: true },
    deliveries: [{ email: { users: ['carol', 'bob'], groups: [] } }],
    ...overrides,
  });

  /** The file of an export, through the portal's download link, as `user` may read it. */
  async function file(user: User, exportId: string): Promise<Buffer> {
    const link = await call(user, 'GET', `/exports/${exportId}/download`, undefined, {
      accept: 'application/json',
    });
    const { url } = ok<{ url: string }>(link);
    return Buffer.from(await (await fetch(url)).arrayBuffer());
  }

  it("runs now as a PDF of the dashboard's page, with its filter values, readable by a recipient it is shared with", async () => {
    const dashboardId = await dashboard('alice');
    const response = await call('alice', 'POST', '/schedules', dashboardBody(dashboardId));
    const created = ok<Schedule & { dashboardId: string; filters: unknown }>(response, 201);
    expect(created).toMatchObject({ dashboardId, format: 'pdf', filters: { region: { values: ['EMEA'] } } });
    expect(created).not.toHaveProperty('reportId');

    const queued = ok<Run>(await call('alice', 'POST', `/schedules/${created.id}/run-now`), 202);
    const run = await ended('alice', created.id, queued.id);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    const job = ok<{ format: string; fileName: string; source: unknown }>(
      await call('alice', 'GET', `/exports/${run.exportId ?? ''}`),
    );
    expect(job).toMatchObject({ format: 'pdf', fileName: 'Regional month-end.pdf' });
    expect(job.source).toEqual({
      runId: run.id,
      scheduleId: created.id,
      dashboardId,
      dashboardName: 'Regional month-end',
      ownerName: 'Alice Analyst',
    });

    // The page as poppler reads it: the dashboard, its filter line, the tile's report and only EMEA's row.
    const pdf = await file('alice', run.exportId ?? '');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-schedule-'));
    try {
      writeFileSync(join(dir, 'page.pdf'), pdf);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'page.pdf'), '-']).toString();
      expect(text).toContain('Regional month-end');
      expect(text).toContain('Region: EMEA');
      expect(text).toContain('Sales by region');
      expect(text).toContain('EMEA');
      expect(text).not.toContain('APAC');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Recipients: carol, once it is shared with her, gets the same bytes; bob, to whom it is not, a 403.
    expectProblem(await call('carol', 'GET', `/exports/${run.exportId ?? ''}`), 403, 'FORBIDDEN');
    ok(await call('alice', 'PUT', `/dashboards/${dashboardId}/shares`, [{ user: 'carol', role: 'view' }]));
    const reportIds = ok<{ tiles: { reportId: string }[] }>(
      await call('alice', 'GET', `/dashboards/${dashboardId}`),
    );
    for (const { reportId } of reportIds.tiles)
      ok(await call('alice', 'PUT', `/reports/${reportId}/shares`, [{ user: 'carol', role: 'view' }]));
    expect(
      ok<{ source: unknown }>(await call('carol', 'GET', `/exports/${run.exportId ?? ''}`)).source,
    ).toEqual(job.source);
    expect((await file('carol', run.exportId ?? '')).equals(pdf)).toBe(true);
    const refused = await call('bob', 'GET', `/exports/${run.exportId ?? ''}`);
    expectProblem(refused, 403, 'FORBIDDEN');
    expect(refused.text).toMatch(/dashboard .*not shared with you/);
  });

  it.each([
    ['a report format', { format: 'csv' }, 'format'],
    ['a report too', { reportId: '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90' }, 'reportId'],
    ['a filter value of the wrong kind', { filters: { region: { from: '2026-01-01' } } }, 'filters.region'],
  ])('is refused: %s', async (_, overrides, path) => {
    const dashboardId = await dashboard('alice');
    const input = dashboardBody(dashboardId, overrides);
    expectProblem(await call('alice', 'POST', '/schedules', input), 400, 'INVALID_QUERY', path);
  });

  it('needs a dashboard the caller can read', async () => {
    const alices = await dashboard('alice');
    expectProblem(
      await call('bob', 'POST', '/schedules', dashboardBody(alices)),
      404,
      'NOT_FOUND',
      'dashboardId',
    );
  });
});

describe('the audit trail', () => {
  it('records each change of a schedule, and each run-now with the run it made', async () => {
    const created = ok<Schedule>(await call('alice', 'POST', '/schedules', body(await report('alice'))), 201);
    ok(await call('alice', 'POST', `/schedules/${created.id}/pause`));
    const run = ok<Run>(await call('alice', 'POST', `/schedules/${created.id}/run-now`), 202);
    ok(await call('alice', 'DELETE', `/schedules/${created.id}`));
    const wanted = ['schedule.create', 'schedule.delete', 'schedule.pause', 'schedule.run'];
    const deadline = Date.now() + 15_000;
    let actions: string[] = [];
    while (actions.length < wanted.length && Date.now() < deadline) {
      // Carol reads the audit trail (the `admins` group).
      const page = ok<{ items: { action: string; target: string | null; outcome: string }[] }>(
        await call('carol', 'GET', '/audit?user=alice'),
      );
      actions = page.items
        // A run-now's record names the run it made.
        .filter((e) => (e.target === created.id || e.target === run.id) && e.outcome === 'ok')
        .map((e) => e.action)
        .sort();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(actions).toEqual(wanted);
  });
});

describe('a bad schedule body', () => {
  it.each([
    ['no report', { format: 'csv', trigger: { onVintage: true } }, 'reportId'],
    [
      'a bad format',
      { reportId: '0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90', format: 'pdf', trigger: { onVintage: true } },
      'format',
    ],
    [
      'a bad cron',
      body('0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90', { trigger: { cron: '0 25 * * *', timeZone: 'UTC' } }),
      'trigger.cron',
    ],
    [
      'an unknown zone',
      body('0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90', { trigger: { cron: '0 7 * * *', timeZone: 'Berlin' } }),
      'trigger.timeZone',
    ],
    [
      'an http webhook',
      body('0b6c9f7e-2d4a-4c1b-9f2e-7a1d3c5e8b90', {
        deliveries: [{ webhook: { url: 'http://10.0.0.1/' } }],
      }),
      'deliveries[0].webhook.url',
    ],
  ])('is refused: %s', async (_, input, path) => {
    expectProblem(await call('alice', 'POST', '/schedules', input), 400, 'INVALID_QUERY', path);
  });
});
