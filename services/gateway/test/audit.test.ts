import { auditEvent, type AuditRecord } from '@aurora/audit';
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
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { connect, JSONCodec } from 'nats';
import { Client } from 'pg';
import { expectProblem, get, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Audit trail": the whole stack with a real NATS and PostgreSQL. Each access kind and each change
 * is recorded with who, what and how it went; refusals too; readers only read it; the index is append-only and
 * hash-chained; and an access that cannot be recorded is not served.
 */

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let s3: RunningServer;
let worker: ExportWorkerProcess;
let stack: Stack;
let api: string;
const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
type User = keyof typeof tokens;
type Entry = AuditRecord & { seq: number };

const VERIFY = join(__dirname, '..', '..', 'metadata', 'dist', 'audit-verify.js');

const query = (region: string) => ({
  dataset: 'global_sales',
  columns: ['global_sales.region', 'global_sales.channel'],
  filter: {
    kind: 'group',
    op: 'and',
    items: [{ kind: 'condition', column: 'global_sales.region', operator: '=', value: region }],
  },
  vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } },
  page: { number: 1, size: 5 },
});

beforeAll(async () => {
  [warehouse, postgres, nats, s3] = await Promise.all([
    demoWarehouse(5_000),
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
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '100000000', ...s3Env } },
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

function call(user: User | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return send(
    `${api}${path}`,
    { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    {
      ...(user ? { token: tokens[user] } : {}),
      headers: { 'content-type': 'application/json', 'x-request-id': `audit-test-${method}-${Date.now()}` },
    },
  );
}

async function audit(params: Record<string, string>): Promise<Entry[]> {
  const response = await get(`${api}/audit?${new URLSearchParams(params).toString()}`, {
    token: tokens.carol,
  });
  if (response.status !== 200) throw new Error(`GET /audit: ${response.status} ${response.text}`);
  return response.json<{ items: Entry[] }>().items;
}

/** The index is eventually there: the records matching `match`, once at least `count` of them are. */
async function indexed(
  params: Record<string, string>,
  match: (entry: Entry) => boolean,
  count = 1,
): Promise<Entry[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await audit(params)).filter(match);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function verify(): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [VERIFY], {
    env: { ...process.env, DATABASE_URL: postgres.databaseUrl },
    encoding: 'utf8',
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('each data access', () => {
  it.each([
    ['preview', 'query.preview', 200],
    ['count', 'query.count', 200],
    ['sql', 'query.sql', 200],
  ] as const)('POST /query/%s is recorded with who, what and how it went', async (path, action, status) => {
    const response = await call('alice', 'POST', `/query/${path}`, query('EMEA'));
    expect(response.status).toBe(status);
    const requestId = response.headers.get('x-request-id') ?? '';
    const [record] = await indexed({ user: 'alice', action }, (e) => e.requestId === requestId);
    expect(record).toMatchObject({
      action,
      actor: { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] },
      clientAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown,
      route: `POST /api/v1/query/${path}`,
      datasets: ['global_sales'],
      columns: ['global_sales.region', 'global_sales.channel'],
      filterFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      query: null,
      outcome: 'ok',
      status: 200,
      errorCode: null,
    });
    expect(record?.bytes).toBeGreaterThan(0);
    expect(record?.durationMs).toBeGreaterThanOrEqual(0);
    if (action === 'query.preview') expect(record?.rows).toBe(5);
  });

  it('a CSV download is announced before its first byte and recorded with its bytes at the end', async () => {
    const response = await call('alice', 'POST', '/query/csv', { ...query('APAC'), page: undefined });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id') ?? '';
    const records = await indexed(
      { user: 'alice', action: 'query.csv' },
      (e) => e.requestId === requestId,
      2,
    );
    expect(records.map((r) => r.outcome).sort()).toEqual(['ok', 'started']);
    const done = records.find((r) => r.outcome === 'ok');
    expect(done?.bytes).toBe(Buffer.byteLength(response.text));
    expect(done?.datasets).toEqual(['global_sales']);
  });

  it('saved reports: changes and runs are recorded, with the report they touched', async () => {
    const reportQuery: Record<string, unknown> = query('EMEA');
    delete reportQuery['vintages']; // a report keeps its vintage policy beside its query
    delete reportQuery['page'];
    const created = await call('alice', 'POST', '/reports', {
      name: 'Audited',
      query: reportQuery,
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect((await call('alice', 'POST', `/reports/${id}/preview`, {})).status).toBe(200);
    expect((await call('alice', 'POST', `/reports/${id}/count`)).status).toBe(200);
    expect((await call('alice', 'POST', `/reports/${id}/csv`)).status).toBe(200);
    expect(
      (await call('alice', 'PUT', `/reports/${id}/shares`, [{ user: 'bob', role: 'view' }])).status,
    ).toBe(200);
    expect((await call('alice', 'DELETE', `/reports/${id}`)).status).toBe(200);
    expect((await call('alice', 'POST', `/reports/${id}/restore`)).status).toBe(200);
    const records = await indexed({ user: 'alice' }, (e) => e.target === id && e.outcome === 'ok', 7);
    expect(new Set(records.map((r) => r.action))).toEqual(
      new Set([
        'report.create',
        'report.preview',
        'report.count',
        'report.csv',
        'report.share',
        'report.delete',
        'report.restore',
      ]),
    );
    for (const record of records) expect(record.datasets).toEqual(['global_sales']);
  });

  it('dashboards: changes and tile runs are recorded, with the dashboard they touched', async () => {
    const reportQuery: Record<string, unknown> = query('EMEA');
    delete reportQuery['vintages'];
    delete reportQuery['page'];
    const report = await call('alice', 'POST', '/reports', {
      name: 'Audited tile',
      query: reportQuery,
      vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } },
    });
    const tiles = [
      { id: 't1', reportId: report.json<{ id: string }>().id, view: 'table', x: 0, y: 0, w: 6, h: 4 },
    ];
    const created = await call('alice', 'POST', '/dashboards', { name: 'Audited', tiles });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect((await call('alice', 'POST', `/dashboards/${id}/tiles/t1/preview`, {})).status).toBe(200);
    const renamed = await send(
      `${api}/dashboards/${id}`,
      { method: 'PUT', body: JSON.stringify({ name: 'Audited again', tiles }) },
      { token: tokens.alice, headers: { 'content-type': 'application/json', 'if-match': '"1"' } },
    );
    expect(renamed.status).toBe(200);
    expect(
      (await call('alice', 'PUT', `/dashboards/${id}/shares`, [{ user: 'bob', role: 'view' }])).status,
    ).toBe(200);
    expect((await call('alice', 'DELETE', `/dashboards/${id}`)).status).toBe(200);
    expect((await call('alice', 'POST', `/dashboards/${id}/restore`)).status).toBe(200);
    const records = await indexed({ user: 'alice' }, (e) => e.target === id && e.outcome === 'ok', 6);
    expect(new Set(records.map((r) => r.action))).toEqual(
      new Set([
        'dashboard.create',
        'dashboard.preview',
        'dashboard.update',
        'dashboard.share',
        'dashboard.delete',
        'dashboard.restore',
      ]),
    );
    // The tile's run says what it read.
    expect(records.find((r) => r.action === 'dashboard.preview')?.datasets).toEqual(['global_sales']);
  });

  it('an export submission and its cancellation are recorded', async () => {
    const submitted = await call('alice', 'POST', '/exports', { query: query('EMEA'), format: 'csv' });
    expect(submitted.status).toBe(202);
    const { id } = submitted.json<{ id: string }>();
    expect((await call('alice', 'DELETE', `/exports/${id}`)).status).toBe(200);
    const records = await indexed({ user: 'alice' }, (e) => e.target === id && e.outcome === 'ok', 2);
    expect(records.map((r) => r.action).sort()).toEqual(['export.cancel', 'export.submit']);
  });

  it('a download of a finished export is recorded', async () => {
    const submitted = await call('alice', 'POST', '/exports', { query: query('APAC'), format: 'csv' });
    const { id } = submitted.json<{ id: string }>();
    const deadline = Date.now() + 30_000;
    let status = '';
    while (status !== 'succeeded' && Date.now() < deadline) {
      status = (await call('alice', 'GET', `/exports/${id}`)).json<{ status: string }>().status;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('succeeded');
    const link = await send(
      `${api}/exports/${id}/download`,
      { method: 'GET' },
      { token: tokens.alice, headers: { accept: 'application/json' } },
    );
    expect(link.status).toBe(200);
    const records = await indexed({ user: 'alice', action: 'export.download' }, (e) => e.target === id, 2);
    expect(records.map((r) => r.outcome).sort()).toEqual(['ok', 'started']);
  });
});

describe('filter values', () => {
  it('are absent by default: the same filter always has the same fingerprint, another value another one', async () => {
    const reordered = { ...query('EMEA'), columns: ['global_sales.channel', 'global_sales.region'] };
    const ids: string[] = [];
    for (const body of [query('EMEA'), reordered, query('AMER')]) {
      const response = await call('bob', 'POST', '/query/count', body);
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    const records = await indexed(
      { user: 'bob', action: 'query.count' },
      (e) => ids.includes(e.requestId ?? ''),
      3,
    );
    const byRequest = new Map(records.map((r) => [r.requestId, r]));
    const [emea, again, amer] = ids.map((id) => byRequest.get(id));
    expect(JSON.stringify(records)).not.toContain('EMEA');
    expect(emea?.filterFingerprint).toBe(again?.filterFingerprint);
    expect(amer?.filterFingerprint).not.toBe(emea?.filterFingerprint);
  });

  it('are recorded where the deployment allows it; and metadata checks the readers again', async () => {
    // A gateway that records filter values, and whose own reader list (wrongly) admits analysts.
    const open = await stack.startGateway({
      ...nats.env('gateway'),
      AUDIT_TRAIL: 'required',
      AUDIT_FILTER_VALUES: 'true',
      AUDIT_READERS: 'analysts',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    try {
      const counted = await send(
        `${open.api}/query/count`,
        { method: 'POST', body: JSON.stringify(query('EMEA')) },
        { token: tokens.alice, headers: { 'content-type': 'application/json' } },
      );
      expect(counted.status).toBe(200);
      const requestId = counted.headers.get('x-request-id') ?? '';
      const [record] = await indexed(
        { user: 'alice', action: 'query.count' },
        (e) => e.requestId === requestId,
      );
      expect(record?.query).toMatchObject({ dataset: 'global_sales', filter: query('EMEA').filter });
      // The metadata service keeps its own list (admins): alice still reads nothing.
      expectProblem(await get(`${open.api}/audit`, { token: tokens.alice }), 403, 'FORBIDDEN');
    } finally {
      await open.stop();
    }
  });
});

describe('refusals', () => {
  it('GET /audit is 403 for alice and bob, and their refusal is recorded', async () => {
    for (const user of ['alice', 'bob'] as const)
      expectProblem(await call(user, 'GET', '/audit'), 403, 'FORBIDDEN');
    const refused = await indexed(
      { user: 'alice', action: 'request.refused' },
      (e) => e.route === 'GET /api/v1/audit' && e.status === 403,
    );
    expect(refused[0]).toMatchObject({ outcome: 'refused', errorCode: 'FORBIDDEN' });
  });

  it('a 401 is recorded by client address, with no subject', async () => {
    const response = await call(undefined, 'POST', '/query/preview', query('EMEA'));
    expectProblem(response, 401, 'UNAUTHENTICATED');
    const requestId = response.headers.get('x-request-id') ?? '';
    const [record] = await indexed({ action: 'request.refused' }, (e) => e.requestId === requestId);
    expect(record).toMatchObject({
      actor: { sub: null, name: null, groups: [] },
      clientAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown,
      status: 401,
      outcome: 'refused',
    });
  });

  it('a query the query service refuses is recorded as its action, with the error code', async () => {
    const response = await call('bob', 'POST', '/query/preview', query('EMEA')); // not in bob's catalog
    expectProblem(response, 400, 'UNKNOWN_DATASET');
    const requestId = response.headers.get('x-request-id') ?? '';
    const [record] = await indexed({ user: 'bob', outcome: 'error' }, (e) => e.requestId === requestId);
    expect(record).toMatchObject({
      action: 'query.preview',
      status: 400,
      errorCode: 'UNKNOWN_DATASET',
      datasets: ['global_sales'],
    });
  });

  it('a 429 is recorded', async () => {
    const limited = await stack.startGateway({
      ...nats.env('gateway'),
      AUDIT_TRAIL: 'required',
      RATE_LIMIT_PER_MINUTE: '1',
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await get(`${limited.api}/datasets`, { token: tokens.bob })).status);
    expect(statuses).toContain(429);
    const [record] = await indexed({ user: 'bob', action: 'request.refused' }, (e) => e.status === 429);
    expect(record).toMatchObject({ errorCode: 'RATE_LIMITED', outcome: 'refused' });
    await limited.stop();
  });
});

describe('the audit API', () => {
  it.each([
    ['action=drop_table', 'action'],
    ['outcome=maybe', 'outcome'],
    ['from=yesterday', 'from'],
    [`user=${'x'.repeat(300)}`, 'user'],
    ['limit=0', 'limit'],
    ['cursor=%27;--', 'cursor'],
    ['nonsense=1', 'nonsense'],
  ])('refuses %s with problem+json 400', async (params, path) => {
    const response = await get(`${api}/audit?${params}`, { token: tokens.carol });
    expect(expectProblem(response, 400, 'INVALID_QUERY').path).toBe(path);
  });

  it('pages with a cursor, newest first', async () => {
    const first = await get(`${api}/audit?limit=2`, { token: tokens.carol });
    const page = first.json<{ items: Entry[]; nextCursor: string }>();
    expect(page.items).toHaveLength(2);
    const next = await get(`${api}/audit?limit=2&cursor=${page.nextCursor}`, { token: tokens.carol });
    const second = next.json<{ items: Entry[] }>().items;
    expect(second[0]?.seq).toBeLessThan(page.items[1]?.seq ?? 0);
  });

  it('/me says who may read it', async () => {
    expect((await call('carol', 'GET', '/me')).json()).toMatchObject({ auditReader: true });
    expect((await call('alice', 'GET', '/me')).json()).toMatchObject({ auditReader: false });
  });
});

describe('the index', () => {
  it('keeps a redelivered event once', async () => {
    const [original] = await indexed({ user: 'alice', action: 'query.count' }, () => true);
    if (!original) throw new Error('no record to redeliver');
    const record: AuditRecord = { ...original };
    delete (record as Partial<Entry>).seq;
    // A redelivery after JetStream's dedupe window: the same event under another message id.
    const nc = await connect(nats.connectOptions('test-admin'));
    await nc
      .jetstream()
      .publish(`aurora.events.audit.${record.action}`, JSONCodec().encode(auditEvent(record, '/test')), {
        msgID: `redelivery-${record.id}`,
      });
    await nc.drain();
    const marker = await call('alice', 'POST', '/query/count', query('EMEA')); // indexed after the copy
    const markerId = marker.headers.get('x-request-id') ?? '';
    await indexed({ user: 'alice', action: 'query.count' }, (e) => e.requestId === markerId);
    const copies = (await audit({ user: 'alice', action: 'query.count', limit: '500' })).filter(
      (e) => e.id === record.id,
    );
    expect(copies).toHaveLength(1);
  });

  it("refuses the application role's UPDATE and DELETE", async () => {
    const client = new Client({ connectionString: postgres.databaseUrl });
    await client.connect();
    try {
      await expect(client.query("update audit_events set outcome = 'ok'")).rejects.toThrow(/append-only/);
      await expect(client.query('delete from audit_events')).rejects.toThrow(/append-only/);
      await expect(client.query('truncate audit_events')).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });

  it('loses only its oldest rows to retention, and still verifies from the oldest row kept', async () => {
    const client = new Client({ connectionString: postgres.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ at: Date }>('select at from audit_events where seq = 4');
      const keepFrom = rows[0]?.at;
      if (!keepFrom) throw new Error('fewer than 4 records');
      const pruned = await client.query<{ removed: string }>('select audit_prune($1) as removed', [keepFrom]);
      expect(Number(pruned.rows[0]?.removed)).toBeGreaterThanOrEqual(1);
      const oldest = await client.query<{ seq: string }>('select min(seq)::text as seq from audit_events');
      expect(Number(oldest.rows[0]?.seq)).toBeGreaterThan(1);
    } finally {
      await client.end();
    }
    const after = verify();
    expect(after.out).toMatch(/audit chain intact/);
    expect(after.status).toBe(0);
  });

  it('verifies while intact, and names the first row tampered with', async () => {
    const intact = verify();
    expect(intact.out).toMatch(/audit chain intact: \d+ rows verified/);
    expect(intact.status).toBe(0);
    // As the PostgreSQL superuser, with the trigger disabled: what an insider with the keys could do.
    const client = new Client({ connectionString: postgres.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ seq: string }>(
        "select min(seq)::text as seq from audit_events where outcome = 'refused'",
      );
      const seq = rows[0]?.seq ?? '';
      await client.query('alter table audit_events disable trigger audit_events_append_only');
      await client.query(
        `update audit_events set content = replace(content, '"outcome":"refused"', '"outcome":"ok"') where seq = $1`,
        [seq],
      );
      await client.query('alter table audit_events enable trigger audit_events_append_only');
      const broken = verify();
      expect(broken.status).toBe(1);
      expect(broken.out).toContain(`seq=${seq}`);
    } finally {
      await client.end();
    }
  });
});

describe('fail closed', () => {
  it('serves no rows when the access cannot be recorded (503 AUDIT_UNAVAILABLE), and serves again when it can', async () => {
    await nats.stop();
    try {
      const response = await call('alice', 'POST', '/query/preview', query('EMEA'));
      expectProblem(response, 503, 'AUDIT_UNAVAILABLE');
      expect(response.text).not.toContain('"rows"');
      const csv = await call('alice', 'POST', '/query/csv', query('EMEA'));
      expectProblem(csv, 503, 'AUDIT_UNAVAILABLE');
      const metrics = await (await fetch(`${stack.gateway.metricsUrl ?? ''}/metrics`)).text();
      expect(metrics).toMatch(
        /aurora_audit_records_total\{[^}]*action="query.csv"[^}]*result="failed"[^}]*\} [1-9]/,
      );
    } finally {
      await nats.restart();
    }
    // Served again once NATS answers: nothing to restart.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) {
      status = (await call('alice', 'POST', '/query/preview', query('EMEA'))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  });
});
