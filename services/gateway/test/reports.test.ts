import { corpusStrings, startPostgres, startStack, type RunningPostgres, type Stack } from '@aurora/testing';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseCsv } from './support/csv';
import { expectNoInternals, expectProblem, get, post, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Saved reports": the whole stack with a real PostgreSQL. Who may see, edit and share a report;
 * versions, trash, conflicts; a report never grants data access; "latest" vintages follow a new load; and a
 * Postgres outage costs the report endpoints (503), never the queries.
 */

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let stack: Stack;
let api: string;
const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };

const MONTHLY = 'MONTHLY';
const NEW_MONTHLY_LOAD = '2026-11-30';

const salesReport = (name = 'EMEA sales by channel') => ({
  name,
  description: 'Month-end view',
  folder: 'Monthly',
  query: {
    dataset: 'global_sales',
    columns: ['global_sales.region', 'global_sales.channel'],
    aggregate: {
      groupBy: ['global_sales.region', 'global_sales.channel'],
      measures: [{ fn: 'count', column: null, as: 'sales' }],
    },
    sort: [{ column: 'global_sales.region', dir: 'asc' }],
  },
  vintages: { global_sales: { policy: 'latest', loadType: MONTHLY } },
  layout: { columns: [{ name: 'sales', width: 140 }], hidden: [], sort: [{ column: 'sales', dir: 'desc' }] },
});

const rosterReport = {
  name: 'Headcount by department',
  query: {
    dataset: 'employee_roster',
    aggregate: {
      groupBy: ['employee_roster.department'],
      measures: [{ fn: 'count', column: null, as: 'people' }],
    },
  },
};

beforeAll(async () => {
  [warehouse, postgres] = await Promise.all([demoWarehouse(20_000), startPostgres()]);
  // No vintage cache: a new load must show at once in a "latest" report.
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    env: { metadata: { VINTAGE_CACHE_SECONDS: '0' }, gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  api = stack.urls.api;
  for (const user of ['alice', 'bob', 'carol'] as const) tokens[user] = await stack.token(`${user}-cli`);
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await postgres.remove();
  await warehouse.remove();
});

type User = keyof typeof tokens;

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

interface ReportBody {
  id: string;
  name: string;
  version: number;
  role: string;
  owner: { sub: string; name: string };
  shares?: unknown[];
  problems: { path: string; code: string }[];
  deletedAt: string | null;
  favourite: boolean;
  vintages: unknown;
  layout: unknown;
  query: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller says what it expects
function ok<T = ReportBody>(response: ApiResponse, status = 200): T {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.json<T>();
}

async function create(user: User, body: unknown): Promise<ReportBody> {
  return ok(await call(user, 'POST', '/reports', body), 201);
}

describe('a report', () => {
  it('is created with an ETag, read back whole, and listed as mine', async () => {
    const response = await call('alice', 'POST', '/reports', salesReport());
    const report = ok(response, 201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('location')).toBe(`/api/v1/reports/${report.id}`);
    expect(report).toMatchObject({
      name: 'EMEA sales by channel',
      folder: 'Monthly',
      version: 1,
      role: 'owner',
      owner: { sub: 'alice', name: 'Alice Analyst' },
      shares: [],
      deletedAt: null,
      vintages: salesReport().vintages,
      layout: salesReport().layout,
      query: salesReport().query,
    });
    const read = await call('alice', 'GET', `/reports/${report.id}`);
    expect(ok(read).problems).toEqual([]);
    expect(read.headers.get('etag')).toBe('"1"');
    const mine = ok<{ items: { id: string }[] }>(await call('alice', 'GET', '/reports?scope=mine'));
    expect(mine.items.map((r) => r.id)).toContain(report.id);
    const recent = ok<{ items: { id: string; openedAt: string }[] }>(
      await call('alice', 'GET', '/reports?scope=recent'),
    );
    expect(recent.items[0]?.id).toBe(report.id);
  });

  it('runs with its "latest" vintage resolved now, and follows a new load', async () => {
    const report = await create('alice', salesReport('Latest monthly'));
    const sales = async () => {
      const rows = ok<{ rows: [string, string, number][] }>(
        await call('alice', 'POST', `/reports/${report.id}/preview`, {}),
      );
      return rows.rows.reduce((sum, row) => sum + row[2], 0);
    };
    const count = (loadId: string) =>
      warehouse
        .rows(`SELECT count(*) FROM global_sales WHERE load_type = 'MONTHLY' AND load_id = ?`, [loadId])
        .then((rows) => Number(rows[0]?.[0]));
    expect(await sales()).toBe(await count('2026-10-31'));
    // A new monthly load arrives: 7 rows.
    await warehouse.duckdb.execute(
      `COPY (SELECT * REPLACE ('${NEW_MONTHLY_LOAD}' AS load_id) FROM global_sales
             WHERE load_type = 'MONTHLY' AND load_id = '2026-10-31' LIMIT 7)
       TO '${join(warehouse.dir, 'global_sales')}' (FORMAT parquet, PARTITION_BY (load_type, load_id), APPEND)`,
    );
    expect(await sales()).toBe(7);
    expect(
      ok<{ count: number }>(await call('alice', 'POST', `/reports/${report.id}/count`)).count,
    ).toBeGreaterThan(0);
    const csv = await call('alice', 'POST', `/reports/${report.id}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('Latest monthly.csv');
    const { header, records } = parseCsv(csv.text);
    expect(header).toEqual(['global_sales.region', 'global_sales.channel', 'sales']);
    expect(records.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(7);
  });

  it('is not found for someone it is not shared with, and never grants data access', async () => {
    const report = await create('alice', salesReport('Private'));
    expectProblem(await call('bob', 'GET', `/reports/${report.id}`), 404, 'NOT_FOUND');
    expectProblem(await call('bob', 'POST', `/reports/${report.id}/preview`, {}), 404, 'NOT_FOUND');
    expectProblem(await call('bob', 'GET', '/reports/not-a-uuid'), 404, 'NOT_FOUND');
    // Shared with bob's group, it is listed for him, but bob may not read global_sales: 403, no rows.
    ok(await call('alice', 'PUT', `/reports/${report.id}/shares`, [{ group: 'hr', role: 'view' }]));
    const shared = ok<{ items: { id: string; role: string }[] }>(
      await call('bob', 'GET', '/reports?scope=shared'),
    );
    expect(shared.items).toContainEqual(expect.objectContaining({ id: report.id, role: 'view' }));
    for (const path of ['', '/preview', '/count', '/csv']) {
      const response = await call(
        'bob',
        path ? 'POST' : 'GET',
        `/reports/${report.id}${path}`,
        path ? {} : undefined,
      );
      const problem = expectProblem(response, 403, 'DATASET_FORBIDDEN');
      expect(problem.detail).not.toMatch(/global_sales|EMEA/);
    }
    const exported = await call('bob', 'POST', '/exports', { reportId: report.id, format: 'csv' });
    expectProblem(exported, 403, 'DATASET_FORBIDDEN');
  });

  it('shared to edit can be saved by the editor, who cannot share it further', async () => {
    const report = await create('carol', rosterReport);
    ok(await call('carol', 'PUT', `/reports/${report.id}/shares`, [{ user: 'bob', role: 'edit' }]));
    const asBob = await call('bob', 'GET', `/reports/${report.id}`);
    expect(ok(asBob)).toMatchObject({ role: 'edit', shares: [{ user: 'bob', role: 'edit' }] });
    const saved = ok(
      await call(
        'bob',
        'PUT',
        `/reports/${report.id}`,
        { ...rosterReport, name: 'Headcount (bob)' },
        { 'if-match': '"1"' },
      ),
    );
    expect(saved).toMatchObject({ version: 2, name: 'Headcount (bob)' });
    expectProblem(
      await call('bob', 'PUT', `/reports/${report.id}/shares`, [{ group: 'hr', role: 'view' }]),
      403,
      'FORBIDDEN',
    );
    expectProblem(await call('bob', 'DELETE', `/reports/${report.id}`), 403, 'FORBIDDEN');
    // A viewer sees no shares and may not save.
    ok(await call('carol', 'PUT', `/reports/${report.id}/shares`, [{ group: 'hr', role: 'view' }]));
    const viewer = ok(await call('bob', 'GET', `/reports/${report.id}`));
    expect(viewer.role).toBe('view');
    expect(viewer.shares).toBeUndefined();
    expectProblem(
      await call('bob', 'PUT', `/reports/${report.id}`, rosterReport, { 'if-match': '"2"' }),
      403,
      'FORBIDDEN',
    );
  });

  it('refuses a stale If-Match with 412 EDIT_CONFLICT, and a missing one with 428', async () => {
    const report = await create('carol', rosterReport);
    ok(await call('carol', 'PUT', `/reports/${report.id}/shares`, [{ user: 'alice', role: 'edit' }]));
    const first = call(
      'carol',
      'PUT',
      `/reports/${report.id}`,
      { ...rosterReport, name: 'Carol' },
      { 'if-match': '"1"' },
    );
    const second = call(
      'alice',
      'PUT',
      `/reports/${report.id}`,
      { ...rosterReport, name: 'Alice' },
      { 'if-match': '"1"' },
    );
    const statuses = (await Promise.all([first, second])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412]);
    const loser = (await Promise.all([first, second])).find((r) => r.status === 412);
    expectProblem(loser as ApiResponse, 412, 'EDIT_CONFLICT');
    expectProblem(
      await call('carol', 'PUT', `/reports/${report.id}`, rosterReport),
      428,
      'PRECONDITION_REQUIRED',
    );
  });

  it('keeps every version, restores any of them as a new one, and goes to the trash and back', async () => {
    const report = await create('alice', salesReport('Versions'));
    ok(
      await call('alice', 'PUT', `/reports/${report.id}`, salesReport('Versions v2'), { 'if-match': '"1"' }),
    );
    ok(
      await call('alice', 'PUT', `/reports/${report.id}`, salesReport('Versions v3'), { 'if-match': '"2"' }),
    );
    const versions = ok<{ items: { version: number; name: string; author: { sub: string } }[] }>(
      await call('alice', 'GET', `/reports/${report.id}/versions`),
    );
    expect(versions.items.map((v) => [v.version, v.name, v.author.sub])).toEqual([
      [3, 'Versions v3', 'alice'],
      [2, 'Versions v2', 'alice'],
      [1, 'Versions', 'alice'],
    ]);
    const restored = ok(
      await call('alice', 'POST', `/reports/${report.id}/versions/1/restore`, undefined, {
        'if-match': '"3"',
      }),
    );
    expect(restored).toMatchObject({ version: 4, name: 'Versions' });
    expectProblem(await call('alice', 'POST', `/reports/${report.id}/versions/99/restore`), 404, 'NOT_FOUND');

    ok(await call('alice', 'DELETE', `/reports/${report.id}`));
    const trash = ok<{ items: { id: string; deletedAt: string }[] }>(
      await call('alice', 'GET', '/reports?scope=trash'),
    );
    expect(trash.items.find((r) => r.id === report.id)?.deletedAt).toBeTruthy();
    const mine = ok<{ items: { id: string }[] }>(await call('alice', 'GET', '/reports?scope=mine'));
    expect(mine.items.map((r) => r.id)).not.toContain(report.id);
    expectProblem(await call('alice', 'POST', `/reports/${report.id}/preview`, {}), 404, 'NOT_FOUND');
    expect(ok(await call('alice', 'POST', `/reports/${report.id}/restore`)).deletedAt).toBeNull();
  });

  it('lists with search, folder, dataset, favourites and a cursor', async () => {
    for (let i = 0; i < 5; i++)
      await create('carol', { ...rosterReport, name: `Paged ${i}`, folder: 'Paging' });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { items: { name: string }[]; nextCursor: string | null } = ok(
        await call('carol', 'GET', `/reports?folder=Paging&limit=2&cursor=${encodeURIComponent(cursor)}`),
      );
      seen.push(...page.items.map((r) => r.name));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['Paged 4', 'Paged 3', 'Paged 2', 'Paged 1', 'Paged 0']);
    const folders = ok<{ folders: string[] }>(await call('carol', 'GET', '/reports/folders?scope=mine'));
    expect(folders.folders).toContain('Paging');
    expect(folders.folders).toEqual([...folders.folders].sort());
    expect(
      ok<{ folders: string[] }>(await call('bob', 'GET', '/reports/folders?scope=mine')).folders,
    ).not.toContain('Paging');
    expectProblem(await call('carol', 'GET', '/reports/folders?scope=all'), 400, 'INVALID_QUERY', 'scope');
    const found = ok<{ items: { name: string }[] }>(
      await call('carol', 'GET', '/reports?q=pAGED%203&dataset=employee_roster'),
    );
    expect(found.items.map((r) => r.name)).toEqual(['Paged 3']);
    const target = await create('carol', { ...rosterReport, name: 'Starred' });
    ok(await call('carol', 'PUT', `/reports/${target.id}/favourite`));
    const favourites = ok<{ items: { id: string; favourite: boolean }[] }>(
      await call('carol', 'GET', '/reports?scope=favourites'),
    );
    expect(favourites.items).toEqual([expect.objectContaining({ id: target.id, favourite: true })]);
    ok(await call('carol', 'DELETE', `/reports/${target.id}/favourite`));
    expect(ok<{ items: unknown[] }>(await call('carol', 'GET', '/reports?scope=favourites')).items).toEqual(
      [],
    );
    expectProblem(await call('carol', 'GET', '/reports?cursor=forged'), 400, 'INVALID_QUERY', 'cursor');
    expectProblem(await call('carol', 'GET', '/reports?scope=everyone'), 400, 'INVALID_QUERY', 'scope');
  });

  it('keeps at most 10,000 reports per owner, the trash included', async () => {
    const first = await create('carol', { ...rosterReport, name: 'Limit template' });
    // Bulk-filled beside the API: 10,000 saves one by one would take minutes.
    const client = new Client({ connectionString: postgres.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'select count(*) as n from reports where owner_sub = $1',
        ['carol'],
      );
      const missing = 10_000 - Number(rows[0]?.n);
      await client.query(
        `insert into reports (id, owner_sub, owner_name, name, description, folder, dataset, query, vintages, layout,
                              version, created_at, updated_at, deleted_at)
         select gen_random_uuid(), owner_sub, owner_name, 'Filler ' || i, description, 'Filler', dataset, query,
                vintages, layout, 1, created_at, updated_at, now()
         from reports, generate_series(1, $2::int) as i where id = $1`,
        [first.id, missing],
      );
      const refused = expectProblem(
        await call('carol', 'POST', '/reports', rosterReport),
        429,
        'QUOTA_EXCEEDED',
      );
      expect(refused).toMatchObject({ quota: 'savedReports', resetsAt: null });
      await client.query(`delete from reports where owner_sub = 'carol' and folder = 'Filler'`);
    } finally {
      await client.end();
    }
    await create('carol', { ...rosterReport, name: 'After the limit' });
  });

  it('offers the people and groups who have used Aurora to share with', async () => {
    const people = ok<{ users: { sub: string }[]; groups: string[] }>(
      await call('alice', 'GET', '/people?q=b'),
    );
    expect(people.users.map((u) => u.sub)).toContain('bob');
    expect(ok<{ groups: string[] }>(await call('alice', 'GET', '/people?q=hr')).groups).toEqual(['hr']);
  });

  it('still opens when a column left the catalog, listing each problem with its path', async () => {
    const stale = {
      ...salesReport('Stale'),
      query: { dataset: 'global_sales', columns: ['global_sales.region', 'global_sales.retired'] },
    };
    const report = await create('alice', stale);
    const read = ok(await call('alice', 'GET', `/reports/${report.id}`));
    expect(read.problems).toEqual([
      expect.objectContaining({ path: 'query.columns[1]', code: 'UNKNOWN_COLUMN' }),
    ]);
    expectProblem(
      await call('alice', 'POST', `/reports/${report.id}/preview`, {}),
      400,
      'UNKNOWN_COLUMN',
      'query.columns[1]',
    );
  });

  it('refuses bad bodies with problem+json and keeps nothing of them', async () => {
    const before = ok<{ items: unknown[] }>(await call('alice', 'GET', '/reports?limit=200')).items.length;
    const bad: [unknown, string][] = [
      [{ ...salesReport(), name: '' }, 'name'],
      [{ ...salesReport(), name: 'x'.repeat(201) }, 'name'],
      [{ ...salesReport(), name: 'two\nlines' }, 'name'],
      [{ ...salesReport(), query: { ...salesReport().query, vintages: {} } }, 'query.vintages'],
      [{ ...salesReport(), query: { dataset: 'global_sales; drop table reports' } }, 'query.dataset'],
      [
        { ...salesReport(), vintages: { global_sales: { policy: 'sometimes' } } },
        'vintages.global_sales.policy',
      ],
      [{ ...salesReport(), layout: { columns: [], hidden: [], sort: [], extra: 1 } }, 'layout.extra'],
      [{ ...salesReport(), owner: 'bob' }, 'owner'],
    ];
    for (const [body, path] of bad)
      expectProblem(await call('alice', 'POST', '/reports', body), 400, 'INVALID_QUERY', path);
    expectProblem(
      await call('alice', 'PUT', '/reports/00000000-0000-4000-8000-000000000000/shares', [
        { user: 'x', role: 'own' },
      ]),
      400,
      'INVALID_QUERY',
    );
    expect(ok<{ items: unknown[] }>(await call('alice', 'GET', '/reports?limit=200')).items.length).toBe(
      before,
    );
  });

  it('keeps every corpus string as a name, folder, description, search or grantee exactly, or refuses it with a 400', async () => {
    const strings = corpusStrings();
    const report = await create('alice', salesReport('Corpus target'));
    let kept = 0;
    for (let i = 0; i < strings.length; i += 8) {
      const batch = strings.slice(i, i + 8);
      await Promise.all(
        batch.map(async (s) => {
          // Whole forms before the raw string: each echo also scrubs its first 40 characters wherever they stand.
          const echoes = [s.trim(), s];
          const body = { ...salesReport(s), description: s, folder: s.slice(0, 200) };
          const created = await call('alice', 'POST', '/reports', body);
          expectNoInternals(created.text, echoes);
          if (created.status === 400) {
            expect(created.json<{ code: string }>().code).toBe('INVALID_QUERY');
          } else {
            const saved = ok(created, 201);
            const read = ok<ReportBody & { description: string; folder: string }>(
              await call('alice', 'GET', `/reports/${saved.id}`),
            );
            expect([read.name, read.description, read.folder]).toEqual([s.trim(), s, s.slice(0, 200).trim()]);
            kept++;
          }
          const param = encodeURIComponent(s.slice(0, 200));
          const searched = await call('alice', 'GET', `/reports?q=${param}&folder=${param}&dataset=${param}`);
          expect([200, 400]).toContain(searched.status);
          expectNoInternals(searched.text, echoes);
          const people = await call('alice', 'GET', `/people?q=${encodeURIComponent(s.slice(0, 200))}`);
          expect(people.status).toBe(200);
          // "", "." and "..": no id at all, or path steps the URL parser resolves before anything is sent.
          if (!/^\.{0,2}$/.test(s)) {
            const path = await call('alice', 'GET', `/reports/${encodeURIComponent(s)}`);
            expect(path.status).toBe(404);
          }
        }),
      );
      // One after another: each replaces the same report's shares, and its answer must show only its own.
      for (const s of batch) {
        const shared = await call('alice', 'PUT', `/reports/${report.id}/shares`, [
          { user: s.slice(0, 200), role: 'view' },
        ]);
        expect([200, 400]).toContain(shared.status);
        expectNoInternals(shared.text, [s.slice(0, 200)]);
      }
    }
    expect(kept).toBeGreaterThan(strings.length / 2);
  }, 300_000);

  it('answers 503 while Postgres is down, queries keep working, and recovers', async () => {
    const report = await create('alice', salesReport('Survives a restart'));
    await postgres.stop();
    try {
      expectProblem(await call('alice', 'GET', `/reports/${report.id}`), 503, 'UNAVAILABLE');
      expectProblem(await call('alice', 'GET', '/reports'), 503, 'UNAVAILABLE');
      const query = await post(
        `${api}/query/count`,
        { dataset: 'employee_roster', columns: ['employee_roster.department'] },
        { token: tokens.carol },
      );
      expect(query.status).toBe(200);
      expect((await get(`${api}/health/ready`)).status).toBe(200);
    } finally {
      await postgres.restart();
    }
    expect(ok(await call('alice', 'GET', `/reports/${report.id}`)).name).toBe('Survives a restart');
  });
});
