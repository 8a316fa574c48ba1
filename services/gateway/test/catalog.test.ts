import { startStack, type Stack } from '@aurora/testing';
import { expectProblem, get } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Identity and health" and "Catalog", against the real processes: dev IdP, metadata, query and
 * gateway on free ports, over a freshly generated demo warehouse. Expected values come from the warehouse
 * itself (DuckDB, read-only in this process), never from the services under test.
 */

let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
const token: Record<'alice' | 'bob' | 'carol' | 'cli', string> = { alice: '', bob: '', carol: '', cli: '' };

beforeAll(async () => {
  warehouse = await demoWarehouse(50_000);
  stack = await startStack({ warehousePath: warehouse.path });
  api = stack.urls.api;
  token.alice = await stack.token('alice-cli');
  token.bob = await stack.token('bob-cli');
  token.carol = await stack.token('carol-cli');
  token.cli = await stack.token('aurora-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

/** The API's column type for a DuckDB type (docs/API.md: string, integer, number, boolean, date, timestamp). */
function apiType(duckdbType: string): string {
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(duckdbType)) return 'integer';
  if (/^(DECIMAL\(\d+,\d+\)|DOUBLE|FLOAT|REAL)$/.test(duckdbType)) return 'number';
  if (duckdbType === 'VARCHAR') return 'string';
  if (duckdbType === 'BOOLEAN') return 'boolean';
  if (duckdbType === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(duckdbType)) return 'timestamp';
  throw new Error(`no API type for ${duckdbType}`);
}

/** What the warehouse says about a table's columns: API type and nullability, by column name. */
async function introspect(table: string): Promise<Map<string, { type: string; nullable: boolean }>> {
  const rows = await warehouse.rows(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return new Map(
    rows.map(([name, type, nullable]) => [
      String(name),
      { type: apiType(String(type)), nullable: nullable === 'YES' },
    ]),
  );
}

async function count(table: string): Promise<number> {
  return Number((await warehouse.rows(`SELECT count(*) FROM ${table}`))[0]?.[0]);
}

interface DatasetSummary {
  id: string;
  label: string;
  description: string;
  rowEstimate: number;
  partition: { loadTypeColumn: string; loadIdColumn: string; required: boolean } | null;
  actions: string[];
  rowsRestricted: boolean;
}
interface DatasetDetail extends DatasetSummary {
  columns: { name: string; label: string; type: string; nullable: boolean; format?: string }[];
  joins: { dataset: string; on: { left: string; right: string }[] }[];
}

describe('health', () => {
  it('GET /health/live answers 200 without a token', async () => {
    const response = await get(`${api}/health/live`);
    expect(response.status).toBe(200);
  });

  it('GET /health/ready answers 200 without a token when metadata and query answer', async () => {
    const response = await get(`${api}/health/ready`);
    expect(response.status).toBe(200);
  });
  // 503 when the query service is down: errors.test.ts ("a dependency that is down").
});

describe('GET /me', () => {
  it.each([
    ['alice-cli', { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'], auditReader: false }],
    ['bob-cli', { sub: 'bob', name: 'Bob Hr', groups: ['hr'], auditReader: false }],
    ['carol-cli', { sub: 'carol', name: 'Carol Admin', groups: ['admins'], auditReader: true }],
    ['dave-cli', { sub: 'dave', name: 'Dave Sales', groups: ['sales-emea'], auditReader: false }],
    ['aurora-cli', { sub: 'aurora-cli', name: 'Aurora CLI', groups: ['analysts'], auditReader: false }],
  ])(
    'returns the principal of a %s token: sub, name, groups, whether it reads the audit',
    async (client, principal) => {
      const response = await get(`${api}/me`, { token: await stack.token(client) });
      expect(response.status).toBe(200);
      // And the use of each quota (quotas.test.ts; without NATS the export quotas' use is not known).
      expect(response.json()).toEqual({ ...principal, quotas: expect.any(Object) as unknown });
    },
  );

  it('needs a token', async () => {
    expectProblem(await get(`${api}/me`), 401, 'UNAUTHENTICATED');
  });
});

describe('GET /datasets: only the datasets this user may read', () => {
  it('alice (analysts) sees the four datasets, with labels, descriptions, sizes and her actions', async () => {
    const response = await get(`${api}/datasets`, { token: token.alice });
    expect(response.status).toBe(200);
    const datasets = response.json<DatasetSummary[]>();
    expect(datasets.map((d) => d.id)).toEqual(['global_sales', 'employee_roster', 'products', 'customers']);
    // employee_roster she may only view (with column policies: governance.test.ts).
    expect(datasets.map((d) => d.actions)).toEqual([
      ['view', 'export'],
      ['view'],
      ['view', 'export'],
      ['view', 'export'],
    ]);
    for (const dataset of datasets) {
      expect(Object.keys(dataset).sort()).toEqual(
        ['actions', 'description', 'id', 'label', 'partition', 'rowEstimate', 'rowsRestricted'].sort(),
      );
      expect(dataset.rowsRestricted).toBe(false);
      expect(dataset.label.length).toBeGreaterThan(0);
      expect(dataset.description.length).toBeGreaterThan(0);
      // An estimate: within 10 % of the real size.
      const actual = await count(dataset.id);
      expect(Math.abs(dataset.rowEstimate - actual)).toBeLessThanOrEqual(actual * 0.1);
    }
    expect(datasets[0]).toMatchObject({
      id: 'global_sales',
      label: 'Global Sales',
      partition: { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: true },
    });
    expect(datasets[1]?.partition).toBeNull();
    expect(datasets[2]?.partition).toBeNull();
    expect(datasets[3]?.partition).toBeNull();
  });

  it('bob (hr) sees employee_roster only', async () => {
    const response = await get(`${api}/datasets`, { token: token.bob });
    expect(response.status).toBe(200);
    expect(response.json<DatasetSummary[]>().map((d) => d.id)).toEqual(['employee_roster']);
  });

  it('carol (admins) sees all four, with every action; the aurora-cli service principal (analysts) sees what alice sees', async () => {
    const carol = await get(`${api}/datasets`, { token: token.carol });
    expect(carol.json<DatasetSummary[]>().map((d) => d.id)).toEqual([
      'global_sales',
      'employee_roster',
      'products',
      'customers',
    ]);
    for (const dataset of carol.json<DatasetSummary[]>())
      expect(dataset.actions).toEqual(['view', 'export', 'admin']);
    const cli = await get(`${api}/datasets`, { token: token.cli });
    expect(cli.json()).toEqual((await get(`${api}/datasets`, { token: token.alice })).json());
  });
});

describe('GET /datasets/{id}', () => {
  it.each([
    ['global_sales', 'alice'],
    ['products', 'alice'],
    ['customers', 'alice'],
    ['employee_roster', 'bob'],
  ] as const)(
    '%s: the summary plus its columns, with types and nullability from the warehouse',
    async (id, user) => {
      const response = await get(`${api}/datasets/${id}`, { token: token[user] });
      expect(response.status).toBe(200);
      const detail = response.json<DatasetDetail>();
      const listed = (await get(`${api}/datasets`, { token: token[user] }))
        .json<DatasetSummary[]>()
        .find((d) => d.id === id);
      expect(detail).toMatchObject(listed ?? {});

      const actual = await introspect(id);
      expect(detail.columns.length).toBeGreaterThan(0);
      for (const column of detail.columns) {
        expect(column.label.length).toBeGreaterThan(0);
        expect({ name: column.name, type: column.type, nullable: column.nullable }).toEqual({
          name: column.name,
          ...actual.get(column.name),
        });
      }
    },
  );

  it('global_sales: every column in catalog order, money formats, and the partition columns', async () => {
    const detail = (await get(`${api}/datasets/global_sales`, { token: token.alice })).json<DatasetDetail>();
    expect(detail.columns.map((c) => [c.name, c.type, c.format ?? null])).toEqual([
      ['sale_id', 'integer', null],
      ['load_type', 'string', null],
      ['load_id', 'date', null],
      ['employee_id', 'integer', null],
      ['product_id', 'integer', null],
      ['customer_id', 'integer', null],
      ['region', 'string', null],
      ['channel', 'string', null],
      ['order_date', 'date', null],
      ['ordered_at', 'timestamp', null],
      ['quantity', 'integer', null],
      ['unit_price', 'number', 'money'],
      ['discount', 'number', null],
      ['amount', 'number', 'money'],
      ['is_return', 'boolean', null],
      ['comment', 'string', null],
    ]);
    expect(detail.columns.find((c) => c.name === 'amount')).toEqual({
      name: 'amount',
      label: 'Amount',
      type: 'number',
      nullable: true,
      format: 'money',
    });
  });

  it('suggests join keys, naming only datasets this user may read', async () => {
    const forCarol = (
      await get(`${api}/datasets/global_sales`, { token: token.carol })
    ).json<DatasetDetail>();
    expect(forCarol.joins).toEqual([
      { dataset: 'employee_roster', on: [{ left: 'employee_id', right: 'employee_id' }] },
      { dataset: 'products', on: [{ left: 'product_id', right: 'product_id' }] },
      { dataset: 'customers', on: [{ left: 'customer_id', right: 'customer_id' }] },
    ]);
    // employee_roster does not exist for dave (sales-emea): not even as a suggestion.
    const forDave = (
      await get(`${api}/datasets/global_sales`, { token: await stack.token('dave-cli') })
    ).json<DatasetDetail>();
    expect(forDave.joins).toEqual([
      { dataset: 'products', on: [{ left: 'product_id', right: 'product_id' }] },
      { dataset: 'customers', on: [{ left: 'customer_id', right: 'customer_id' }] },
    ]);
    const products = (await get(`${api}/datasets/products`, { token: token.alice })).json<DatasetDetail>();
    expect(products.joins).toEqual([]);
  });

  it('is 404 NOT_FOUND for a dataset the user may not read, exactly as for one that does not exist', async () => {
    const forbidden = expectProblem(
      await get(`${api}/datasets/global_sales`, { token: token.bob }),
      404,
      'NOT_FOUND',
    );
    const missing = expectProblem(
      await get(`${api}/datasets/no_such_one`, { token: token.bob }),
      404,
      'NOT_FOUND',
    );
    expect(forbidden.detail.replace('global_sales', 'X')).toBe(missing.detail.replace('no_such_one', 'X'));
    const dave = await stack.token('dave-cli');
    expectProblem(await get(`${api}/datasets/employee_roster`, { token: dave }), 404, 'NOT_FOUND');
  });
});

describe('GET /datasets/{id}/vintages', () => {
  it('lists each Load Type with its Load IDs newest first, as the warehouse holds them', async () => {
    const response = await get(`${api}/datasets/global_sales/vintages`, { token: token.alice });
    expect(response.status).toBe(200);
    const { loadTypes } = response.json<{ loadTypes: { loadType: string; loadIds: string[] }[] }>();

    const rows = await warehouse.rows(
      'SELECT DISTINCT load_type, load_id FROM global_sales ORDER BY load_type, load_id DESC',
    );
    const expected = new Map<string, string[]>();
    for (const [loadType, loadId] of rows) {
      expected.set(String(loadType), [...(expected.get(String(loadType)) ?? []), String(loadId)]);
    }
    expect(new Map(loadTypes.map((t) => [t.loadType, t.loadIds]))).toEqual(expected);
    expect(loadTypes.map((t) => t.loadType).sort()).toEqual(['DAILY', 'MONTHLY']);

    const daily = loadTypes.find((t) => t.loadType === 'DAILY')?.loadIds ?? [];
    expect(daily).toHaveLength(30);
    expect(daily[0]).toBe('2026-11-20');
    expect([...daily].sort().reverse()).toEqual(daily);
    const monthly = loadTypes.find((t) => t.loadType === 'MONTHLY')?.loadIds ?? [];
    expect(monthly).toHaveLength(12);
    expect(monthly[0]).toBe('2026-10-31');
    expect([...monthly].sort().reverse()).toEqual(monthly);
  });

  it('is empty for a dataset without partitions', async () => {
    const response = await get(`${api}/datasets/products/vintages`, { token: token.alice });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ loadTypes: [] });
  });

  it('is 404 NOT_FOUND for a dataset the user may not read', async () => {
    expectProblem(await get(`${api}/datasets/global_sales/vintages`, { token: token.bob }), 404, 'NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  it('is served at /api/docs (Swagger UI) and as JSON, describing the endpoints and the query schema', async () => {
    const ui = await get(`${stack.urls.gateway}/api/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ui.text).toContain('swagger');

    const json = await get(`${stack.urls.gateway}/api/docs-json`);
    expect(json.status).toBe(200);
    const document = json.json<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>();
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/me',
      '/api/v1/datasets',
      '/api/v1/datasets/{id}',
      '/api/v1/datasets/{id}/vintages',
      '/api/v1/query/preview',
      '/api/v1/query/count',
      '/api/v1/query/sql',
      '/api/v1/query/csv',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(document.components.schemas['Query']).toEqual(expect.objectContaining({ type: 'object' }));
    expect(JSON.stringify(document.paths['/api/v1/query/preview']?.['post']?.requestBody)).toContain(
      '#/components/schemas/Query',
    );
    expect(Object.keys(document.components.securitySchemes)).toContain('bearer');
  });
});

describe('an unknown route', () => {
  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['GET', '/api/v1/datasets/global_sales/nothing-here'],
    ['GET', '/api/v1/query/preview'],
  ])('%s %s is 404 NOT_FOUND as problem+json', async (_method, path) => {
    expectProblem(await get(`${stack.urls.gateway}${path}`, { token: token.alice }), 404, 'NOT_FOUND');
  });
});
