import {
  startNats,
  startPostgres,
  startStack,
  type RunningNats,
  type RunningPostgres,
  type Stack,
} from '@aurora/testing';
import { createHash } from 'node:crypto';
import { expectProblem, get, post, send, type ApiResponse } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Access: actions, row policies and column policies", through the HTTP API of the real stack on the
 * demo catalog (services/metadata/catalog/demo.yaml): dave (sales-emea, claim regions: [EMEA]) may view but not
 * export global_sales, products and customers, and reads only EMEA sales on every path; analysts view
 * employee_roster without salary and with masked emails; hashed columns on a catalog of this test's own.
 * Expected values come from the warehouse itself (DuckDB, read-only in this process).
 */

type Cell = string | number | boolean | null;
interface Preview {
  columns: { name: string; type: string }[];
  rows: Cell[][];
}

const MONTHLY = { loadType: 'MONTHLY', loadId: '2026-10-31' };
const MASKING_KEY = 'governance-test-masking-key-0123456789';

let warehouse: TestWarehouse;
let postgres: RunningPostgres;
let nats: RunningNats;
let stack: Stack;
let api: string;
const tokens: Record<'alice' | 'bob' | 'carol' | 'dave', string> = {
  alice: '',
  bob: '',
  carol: '',
  dave: '',
};

beforeAll(async () => {
  [warehouse, postgres, nats] = await Promise.all([demoWarehouse(20_000), startPostgres(), startNats()]);
  stack = await startStack({
    warehousePath: warehouse.path,
    database: postgres,
    nats,
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  api = stack.urls.api;
  for (const user of ['alice', 'bob', 'carol', 'dave'] as const)
    tokens[user] = await stack.token(`${user}-cli`);
}, 180_000);

afterAll(async () => {
  await stack.stop();
  await Promise.all([postgres.remove(), nats.remove(), warehouse.remove()]);
});

async function previewOf(body: unknown, token: string): Promise<Preview> {
  const response = await post(`${api}/query/preview`, body, { token });
  if (response.status !== 200) throw new Error(`preview: ${response.status} ${response.text}`);
  return response.json<Preview>();
}

async function countOf(body: unknown, token: string): Promise<number> {
  const response = await post(`${api}/query/count`, body, { token });
  if (response.status !== 200) throw new Error(`count: ${response.status} ${response.text}`);
  return response.json<{ count: number }>().count;
}

async function warehouseCount(where: string, params: (string | number)[] = []): Promise<number> {
  return Number((await warehouse.rows(`SELECT count(*) FROM global_sales WHERE ${where}`, params))[0]?.[0]);
}

const condition = (column: string, operator: string, value?: unknown) => ({
  kind: 'condition',
  column,
  operator,
  ...(value === undefined ? {} : { value }),
});
const group = (op: 'and' | 'or', ...items: unknown[]) => ({ kind: 'group', op, items });
const byRegion = (extra: object = {}) => ({
  dataset: 'global_sales',
  vintages: { global_sales: MONTHLY },
  aggregate: { groupBy: ['region'], measures: [{ fn: 'count', column: null, as: 'sales' }] },
  sort: [{ column: 'region', dir: 'asc' }],
  ...extra,
});
const IN_VINTAGE = `load_type = 'MONTHLY' AND load_id = DATE '2026-10-31'`;

describe('dave (sales-emea): view but not export, and only the rows of his regions', () => {
  it('lists global_sales, products and customers with the view action only; global_sales rows restricted', async () => {
    const datasets = (await get(`${api}/datasets`, { token: tokens.dave })).json<
      { id: string; actions: string[]; rowsRestricted: boolean }[]
    >();
    expect(datasets.map(({ id, actions, rowsRestricted }) => [id, actions, rowsRestricted])).toEqual([
      ['global_sales', ['view'], true],
      ['products', ['view'], false],
      ['customers', ['view'], false],
    ]);
  });

  it('preview and count see only EMEA, whatever the filter asks (an OR, is_null on the policy column)', async () => {
    const emea = await warehouseCount(`${IN_VINTAGE} AND region = 'EMEA'`);
    expect(emea).toBeGreaterThan(0);
    expect((await previewOf(byRegion(), tokens.dave)).rows).toEqual([['EMEA', emea]]);
    const all = { dataset: 'global_sales', vintages: { global_sales: MONTHLY }, columns: ['sale_id'] };
    expect(await countOf(all, tokens.dave)).toBe(emea);

    const apac = { ...all, filter: group('and', condition('region', '=', 'APAC')) };
    expect(await countOf(apac, tokens.dave)).toBe(0);
    const escape = {
      ...all,
      filter: group(
        'or',
        condition('region', 'is_null'),
        condition('region', '!=', 'EMEA'),
        condition('amount', '>', 0),
      ),
    };
    expect(await countOf(escape, tokens.dave)).toBe(
      await warehouseCount(`${IN_VINTAGE} AND region = 'EMEA' AND amount > 0`),
    );
    const page = await previewOf(
      { ...escape, columns: ['sale_id', 'region'], page: { number: 1, size: 500 } },
      tokens.dave,
    );
    expect(page.rows.length).toBeGreaterThan(0);
    expect(new Set(page.rows.map((row) => row[1]))).toEqual(new Set(['EMEA']));
  });

  it('a capped count caps his rows, never anyone else’s', async () => {
    const query = await stack.startQuery({ MAX_ROW_LIMIT: '50' });
    const capped = await stack.startGateway({ QUERY_GRPC_ADDRESS: query.address });
    const all = { dataset: 'global_sales', vintages: { global_sales: MONTHLY }, columns: ['sale_id'] };
    const count = (body: unknown) =>
      post(`${capped.api}/query/count`, body, { token: tokens.dave }).then((r) => r.json<object>());
    expect(await warehouseCount(`${IN_VINTAGE} AND region = 'EMEA'`)).toBeGreaterThan(50);
    expect(await count(all)).toEqual({ count: 50, capped: true });
    const apac = { ...all, filter: group('and', condition('region', '=', 'APAC')) };
    expect(await count(apac)).toEqual({ count: 0, capped: false });
  });

  it('a join that reaches global_sales from customers reads only EMEA sales', async () => {
    const body = {
      dataset: 'customers',
      joins: [
        {
          dataset: 'global_sales',
          type: 'inner',
          on: [{ left: 'customers.customer_id', right: 'global_sales.customer_id' }],
        },
      ],
      vintages: { global_sales: MONTHLY },
      aggregate: {
        groupBy: ['global_sales.region'],
        measures: [{ fn: 'count', column: null, as: 'sales' }],
      },
    };
    const emea = Number(
      (
        await warehouse.rows(
          `SELECT count(*) FROM customers c JOIN global_sales s ON c.customer_id = s.customer_id
           WHERE s.${IN_VINTAGE.replaceAll(' AND ', ' AND s.')} AND s.region = 'EMEA'`,
        )
      )[0]?.[0],
    );
    expect((await previewOf(body, tokens.dave)).rows).toEqual([['EMEA', emea]]);
  });

  it('the SQL view shows the policy bound as a parameter', async () => {
    const response = await post(`${api}/query/sql`, byRegion(), { token: tokens.dave });
    expect(response.status).toBe(200);
    const { sql, params } = response.json<{ sql: string; params: unknown[] }>();
    expect(sql).toMatch(/"region" IN \(\$\d+\)/);
    expect(params).toContain('EMEA');
    expect(sql).not.toContain('EMEA');
  });

  it('CSV downloads and export jobs are 403 ACTION_FORBIDDEN, naming the action', async () => {
    const body = byRegion();
    const csv = expectProblem(
      await post(`${api}/query/csv`, body, { token: tokens.dave }),
      403,
      'ACTION_FORBIDDEN',
    );
    expect(csv.detail).toContain('"export" action');
    const job = expectProblem(
      await post(`${api}/exports`, { query: body, format: 'csv' }, { token: tokens.dave }),
      403,
      'ACTION_FORBIDDEN',
    );
    expect(job.detail).toContain('Global Sales');
  });

  it('the result cache never hands one user’s rows to another', async () => {
    const emea = await warehouseCount(`${IN_VINTAGE} AND region = 'EMEA'`);
    const query = byRegion({ page: { number: 1, size: 10 } });
    expect((await previewOf(query, tokens.dave)).rows).toEqual([['EMEA', emea]]);
    const forAlice = await previewOf(query, tokens.alice);
    expect(forAlice.rows.map((row) => row[0])).toEqual(['AMER', 'APAC', 'EMEA', 'LATAM', null]);
    // Asked again (a cache hit for each of them), still their own answer.
    expect((await previewOf(query, tokens.dave)).rows).toEqual([['EMEA', emea]]);
    expect((await previewOf(query, tokens.alice)).rows).toEqual(forAlice.rows);
  });

  it('a report shared with him runs with his rights: EMEA only, and no CSV', async () => {
    const call = (token: string, method: string, path: string, body?: unknown): Promise<ApiResponse> =>
      send(
        `${api}${path}`,
        { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
        { token, headers: { 'content-type': 'application/json' } },
      );
    const created = await call(tokens.alice, 'POST', '/reports', {
      name: 'Sales by region',
      query: { dataset: 'global_sales', aggregate: byRegion().aggregate },
      vintages: { global_sales: { policy: 'pinned', ...MONTHLY } },
    });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(
      (await call(tokens.alice, 'PUT', `/reports/${id}/shares`, [{ group: 'sales-emea', role: 'view' }]))
        .status,
    ).toBe(200);
    const asDave = await call(tokens.dave, 'POST', `/reports/${id}/preview`, {});
    expect(asDave.status).toBe(200);
    expect(asDave.json<Preview>().rows.map((row) => row[0])).toEqual(['EMEA']);
    expectProblem(await call(tokens.dave, 'POST', `/reports/${id}/csv`, {}), 403, 'ACTION_FORBIDDEN');
    const asAlice = await call(tokens.alice, 'POST', `/reports/${id}/preview`, {});
    expect(asAlice.json<Preview>().rows).toHaveLength(5); // four regions and no region
  });
});

/** The demo's `masked` mode: at most the last 4 characters of a value longer than 8, else only the stars. */
function masked(value: Cell): Cell {
  if (value === null) return null;
  const chars = Array.from(String(value)); // code points, as the engine counts characters
  return chars.length > 8 ? `****${chars.slice(-4).join('')}` : '****';
}

describe('analysts on employee_roster: salary hidden, email masked, view only', () => {
  const roster = (extra: object) => ({ dataset: 'employee_roster', ...extra });

  it('lists no salary, and email as masked text', async () => {
    const detail = (await get(`${api}/datasets/employee_roster`, { token: tokens.alice })).json<{
      actions: string[];
      columns: { name: string; type: string; masking?: string }[];
    }>();
    expect(detail.actions).toEqual(['view']);
    expect(detail.columns.map((c) => c.name)).not.toContain('salary');
    expect(detail.columns.find((c) => c.name === 'email')).toMatchObject({
      type: 'string',
      masking: 'masked',
    });
    // hr sees both as they are.
    const forBob = (await get(`${api}/datasets/employee_roster`, { token: tokens.bob })).json<{
      columns: { name: string; masking?: string }[];
    }>();
    const plain = forBob.columns.filter((c) => ['salary', 'email'].includes(c.name));
    expect(plain.map((c) => [c.name, c.masking ?? null])).toEqual([
      ['email', null],
      ['salary', null],
    ]);
  });

  it('reads every email masked, below any sort or page', async () => {
    const body = roster({
      columns: ['employee_id', 'email'],
      sort: [{ column: 'employee_id', dir: 'asc' }],
      limit: 200,
    });
    const rows = (await previewOf({ ...body, page: { number: 1, size: 200 } }, tokens.alice)).rows;
    const actual = await warehouse.rows(
      'SELECT employee_id, email FROM employee_roster ORDER BY employee_id LIMIT 200',
    );
    expect(rows).toEqual(actual.map(([id, email]) => [Number(id), masked(email as Cell)]));
    expect(rows.some((row) => typeof row[1] === 'string' && row[1].includes('@'))).toBe(false);
    const forBob = (await previewOf({ ...body, page: { number: 1, size: 200 } }, tokens.bob)).rows;
    expect(forBob).toEqual(actual.map(([id, email]) => [Number(id), email]));
  });

  it.each([
    ['a column', roster({ columns: ['salary'] }), 'columns[0]'],
    [
      'a filter',
      roster({ columns: ['full_name'], filter: group('and', condition('salary', '>', 1)) }),
      'filter.items[0].column',
    ],
    [
      'a measure',
      roster({
        aggregate: { groupBy: ['department'], measures: [{ fn: 'sum', column: 'salary', as: 'pay' }] },
      }),
      'aggregate.measures[0].column',
    ],
  ])('salary in %s is UNKNOWN_COLUMN, as if it did not exist', async (_what, body, path) => {
    expectProblem(
      await post(`${api}/query/preview`, body, { token: tokens.alice }),
      400,
      'UNKNOWN_COLUMN',
      path,
    );
  });

  it.each([
    [
      'a text match',
      roster({ columns: ['full_name'], filter: group('and', condition('email', 'contains', '@')) }),
      'filter.items[0].column',
    ],
    [
      'a range',
      roster({ columns: ['full_name'], filter: group('and', condition('email', '>', 'm')) }),
      'filter.items[0].column',
    ],
    [
      'an equality',
      roster({ columns: ['full_name'], filter: group('and', condition('email', '=', 'a@b.c')) }),
      'filter.items[0].column',
    ],
    ['a sort', roster({ columns: ['full_name'], sort: [{ column: 'email', dir: 'asc' }] }), 'sort[0].column'],
    [
      'a maximum',
      roster({ aggregate: { groupBy: ['department'], measures: [{ fn: 'max', column: 'email', as: 'm' }] } }),
      'aggregate.measures[0].column',
    ],
  ])('email in %s is 400 COLUMN_MASKED', async (_what, body, path) => {
    const problem = expectProblem(
      await post(`${api}/query/preview`, body, { token: tokens.alice }),
      400,
      'COLUMN_MASKED',
      path,
    );
    expect(problem.detail).toContain('Email is masked');
  });

  it('is_null on a masked column and counting it are allowed (masks keep NULL)', async () => {
    const nulls = Number(
      (await warehouse.rows('SELECT count(*) FROM employee_roster WHERE email IS NULL'))[0]?.[0],
    );
    const body = roster({ columns: ['employee_id'], filter: group('and', condition('email', 'is_null')) });
    expect(await countOf(body, tokens.alice)).toBe(nulls);
  });

  it('the SQL view masks too; CSV is 403 ACTION_FORBIDDEN (view only), also through a join', async () => {
    const body = roster({ columns: ['full_name', 'email'] });
    const { sql } = (await post(`${api}/query/sql`, body, { token: tokens.alice })).json<{ sql: string }>();
    expect(sql).toContain(`'****'`);
    expectProblem(await post(`${api}/query/csv`, body, { token: tokens.alice }), 403, 'ACTION_FORBIDDEN');
    const joined = {
      dataset: 'global_sales',
      vintages: { global_sales: MONTHLY },
      joins: [
        {
          dataset: 'employee_roster',
          type: 'left',
          on: [{ left: 'global_sales.employee_id', right: 'employee_roster.employee_id' }],
        },
      ],
      columns: ['global_sales.sale_id', 'employee_roster.email'],
      limit: 5,
    };
    const rows = (await previewOf(joined, tokens.alice)).rows;
    expect(rows.every(([, email]) => email === null || String(email).startsWith('****'))).toBe(true);
    const refused = expectProblem(
      await post(`${api}/query/csv`, joined, { token: tokens.alice }),
      403,
      'ACTION_FORBIDDEN',
    );
    expect(refused.detail).toContain('Employee Roster');
  });
});

describe('calculated columns: policies apply underneath every expression', () => {
  const sales = (extra: object) => ({
    dataset: 'global_sales',
    vintages: { global_sales: MONTHLY },
    ...extra,
  });
  const roster = (extra: object) => ({ dataset: 'employee_roster', ...extra });

  it('dave: an expression that looks for other regions finds none, in grouping, measures and filters', async () => {
    const emea = await warehouseCount(`${IN_VINTAGE} AND region = 'EMEA'`);
    const computed = [
      { as: 'elsewhere', expr: "coalesce(region, '') <> 'EMEA'" },
      { as: 'apac_amount', expr: "CASE WHEN region = 'APAC' THEN amount ELSE 0 END" },
    ];
    const grouped = await previewOf(
      sales({
        computed,
        aggregate: {
          groupBy: ['elsewhere'],
          measures: [
            { fn: 'count', column: null, as: 'sales' },
            { fn: 'sum', column: 'apac_amount', as: 'apac' },
          ],
        },
      }),
      tokens.dave,
    );
    expect(grouped.rows.map(([elsewhere, count, apac]) => [elsewhere, count, Number(apac)])).toEqual([
      [false, emea, 0],
    ]);
    const escape = sales({
      computed,
      columns: ['sale_id'],
      filter: group('or', condition('elsewhere', '=', true), condition('apac_amount', '!=', 0)),
    });
    expect(await countOf(escape, tokens.dave)).toBe(0);
    // The same expressions for alice (analysts, no row policy) do find the other regions.
    expect(await countOf(escape, tokens.alice)).toBe(
      await warehouseCount(`${IN_VINTAGE} AND coalesce(region, '') <> 'EMEA'`),
    );
  });

  it('dave: an expression across a join reads only his rows of global_sales', async () => {
    const body = sales({
      joins: [
        {
          dataset: 'customers',
          type: 'inner',
          on: [{ left: 'global_sales.customer_id', right: 'customers.customer_id' }],
        },
      ],
      computed: [{ as: 'where_sold', expr: "concat(global_sales.region, '/', customers.country)" }],
      aggregate: { groupBy: ['where_sold'], measures: [{ fn: 'count', column: null, as: 'sales' }] },
    });
    const rows = (await previewOf({ ...body, page: { number: 1, size: 500 } }, tokens.dave)).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(([where]) => typeof where === 'string' && where.startsWith('EMEA/'))).toBe(true);
  });

  it('alice: salary inside an expression is an unknown column, email is refused as masked', async () => {
    const salary = expectProblem(
      await post(
        `${api}/query/preview`,
        roster({ computed: [{ as: 'pay', expr: 'salary * 2' }], columns: ['pay'] }),
        { token: tokens.alice },
      ),
      400,
      'INVALID_QUERY',
      'computed[0].expr',
    );
    expect(salary.detail).toBe('unknown column `salary` at 1:1');
    for (const expr of ['length(email)', "CASE WHEN email = 'a@b.c' THEN 1 END", 'substring(email, 1, 1)']) {
      const masked = expectProblem(
        await post(`${api}/query/preview`, roster({ computed: [{ as: 'calc', expr }], columns: ['calc'] }), {
          token: tokens.alice,
        }),
        400,
        'COLUMN_MASKED',
        'computed[0].expr',
      );
      expect(masked.detail).toContain('Email is masked');
    }
  });

  it('bob (hr) computes over salary and email as they are', async () => {
    const body = roster({
      computed: [
        { as: 'double_pay', expr: 'salary * 2' },
        { as: 'has_mail', expr: "length(coalesce(email, '')) > 0" },
      ],
      columns: ['employee_id', 'double_pay', 'has_mail'],
      sort: [{ column: 'employee_id', dir: 'asc' }],
      page: { number: 1, size: 5 },
    });
    const rows = (await previewOf(body, tokens.bob)).rows;
    const actual = await warehouse.rows(
      "SELECT employee_id, salary * 2, length(coalesce(email, '')) > 0 FROM employee_roster ORDER BY employee_id LIMIT 5",
    );
    expect(rows.map(([id, pay, mail]) => [Number(id), Number(pay), mail])).toEqual(
      actual.map(([id, pay, mail]) => [Number(id), Number(pay), mail]),
    );
  });
});

describe('admins see the policies a dataset is under; no one else does', () => {
  it('carol reads grants, row and column policies; alice does not', async () => {
    const forCarol = (await get(`${api}/datasets/global_sales`, { token: tokens.carol })).json<{
      policies?: unknown;
    }>();
    expect(forCarol.policies).toMatchObject({
      grants: [
        { groups: ['analysts'], actions: ['view', 'export'] },
        { groups: ['admins'], actions: ['view', 'export', 'admin'] },
        { groups: ['sales-emea'], actions: ['view'] },
      ],
      rowPolicies: [{ groups: ['sales-emea'], column: 'region', in: 'claims.regions' }],
      columnPolicies: [],
    });
    const forAlice = (await get(`${api}/datasets/global_sales`, { token: tokens.alice })).json<object>();
    expect(forAlice).not.toHaveProperty('policies');
  });
});

describe('hashed columns: grouped and compared by their keyed hash, never shown', () => {
  let hashed: Stack;
  const hash = (value: string) =>
    createHash('sha256')
      .update(MASKING_KEY + value)
      .digest('hex');

  beforeAll(async () => {
    const catalogPath = warehouse.catalogWith((yaml) =>
      yaml.replace(
        '    table: customers\n',
        '    table: customers\n    columnPolicies:\n      - { groups: [analysts], column: name, mode: hashed }\n',
      ),
    );
    hashed = await startStack({
      warehousePath: warehouse.path,
      catalogPath,
      env: { query: { MASKING_KEY } },
    });
  }, 120_000);
  afterAll(() => hashed.stop());

  it('shows the keyed SHA-256 of each name, groups by it, and matches equality only through it', async () => {
    const token = await hashed.token('alice-cli');
    const at = (body: unknown) => post(`${hashed.urls.api}/query/preview`, body, { token });
    const first = await warehouse.rows(
      'SELECT customer_id, name FROM customers ORDER BY customer_id LIMIT 20',
    );
    const page = await at({
      dataset: 'customers',
      columns: ['customer_id', 'name'],
      sort: [{ column: 'customer_id', dir: 'asc' }],
      page: { number: 1, size: 20 },
    });
    expect(page.json<Preview>().rows).toEqual(first.map(([id, name]) => [Number(id), hash(String(name))]));

    const distinct = Number((await warehouse.rows('SELECT count(DISTINCT name) FROM customers'))[0]?.[0]);
    const grouped = await at({
      dataset: 'customers',
      aggregate: { groupBy: [], measures: [{ fn: 'count_distinct', column: 'name', as: 'names' }] },
    });
    expect(grouped.json<Preview>().rows).toEqual([[distinct]]);

    const [id, name] = first[0] ?? [];
    const byHash = await at({
      dataset: 'customers',
      columns: ['customer_id'],
      filter: group('and', condition('name', '=', hash(String(name)))),
    });
    expect(byHash.json<Preview>().rows).toContainEqual([Number(id)]);
    const byValue = await at({
      dataset: 'customers',
      columns: ['customer_id'],
      filter: group('and', condition('name', '=', String(name))),
    });
    expect(byValue.json<Preview>().rows).toEqual([]);
    expectProblem(
      await at({
        dataset: 'customers',
        columns: ['customer_id'],
        filter: group('and', condition('name', 'starts_with', 'A')),
      }),
      400,
      'COLUMN_MASKED',
    );

    const sql = await post(
      `${hashed.urls.api}/query/sql`,
      { dataset: 'customers', columns: ['name'] },
      { token },
    );
    expect(sql.text).not.toContain(MASKING_KEY);
    expect(sql.json<{ params: unknown[] }>().params).toEqual(['[masking key]']);
  });
});
