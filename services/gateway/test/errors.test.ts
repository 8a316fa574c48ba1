import { startStack, type GatewayProcess, type GrpcProcess, type Stack } from '@aurora/testing';
import { expectNoInternals, expectProblem, get, post } from './support/http';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "Errors": every failure a client can cause or meet is application/problem+json with the right status,
 * a stable `code` and, where the body is at fault, a `path` into it. No body ever shows SQL, a stack trace or a
 * driver message.
 */

const BODY_LIMIT_BYTES = 64 * 1024;

let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
let alice: string;
let bob: string;

/** A query service that stops any query after 300 ms, refuses estimates over 10,000 rows, one connection. */
let strict: { query: GrpcProcess; gateway: GatewayProcess };
/** A query service that a test stops, and a gateway in front of it. */
let doomed: { query: GrpcProcess; gateway: GatewayProcess };

beforeAll(async () => {
  warehouse = await demoWarehouse(50_000);
  stack = await startStack({
    warehousePath: warehouse.path,
    env: { gateway: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } },
  });
  api = stack.urls.api;
  const [strictQuery, doomedQuery] = await Promise.all([
    stack.startQuery({
      QUERY_TIMEOUT_MS: '300',
      QUERY_COST_CEILING: '10000',
      QUERY_COST_CHECK_MIN_ROWS: '0', // every dataset is "big": the cost check always runs
      WAREHOUSE_CONNECTIONS: '1',
    }),
    stack.startQuery(),
  ]);
  const [strictGateway, doomedGateway] = await Promise.all([
    stack.startGateway({ QUERY_GRPC_ADDRESS: strictQuery.address }),
    stack.startGateway({ QUERY_GRPC_ADDRESS: doomedQuery.address }),
  ]);
  strict = { query: strictQuery, gateway: strictGateway };
  doomed = { query: doomedQuery, gateway: doomedGateway };
  alice = await stack.token('alice-cli');
  bob = await stack.token('bob-cli');
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

const group = (...items: unknown[]) => ({ kind: 'group', op: 'and', items });
const condition = (column: string, operator: string, operand: Record<string, unknown> = {}) => ({
  kind: 'condition',
  column,
  operator,
  ...operand,
});
const products = (extra: Record<string, unknown> = {}) => ({
  dataset: 'products',
  columns: ['name'],
  ...extra,
});

function preview(body: unknown, token = alice, base = api) {
  return post(`${base}/query/preview`, body, { token });
}

describe('INVALID_QUERY (400): the body does not match the schema', () => {
  it.each([
    ['an unknown field', products({ colour: 'red' }), 'colour'],
    [
      'an unknown field deep inside',
      products({ filter: group({ ...condition('name', '=', { value: 'x' }), bogus: 1 }) }),
      'filter.items[0].bogus',
    ],
    ['a wrong type', { dataset: 'products', columns: 'name' }, 'columns'],
    ['a wrong enum value', products({ sort: [{ column: 'name', dir: 'up' }] }), 'sort[0].dir'],
    ['no column at all', { dataset: 'products' }, 'columns'],
    ['a page larger than 500', products({ page: { number: 1, size: 501 } }), 'page.size'],
    [
      'filters nested deeper than 8',
      products({ filter: group(group(group(group(group(group(group(group(group())))))))) }),
      `filter${'.items[0]'.repeat(8)}`,
    ],
    [
      'more than 200 columns',
      { dataset: 'products', columns: Array.from({ length: 201 }, () => 'name') },
      'columns',
    ],
    [
      'more than 10,000 values in an in-list',
      products({
        filter: group(condition('product_id', 'in', { values: Array.from({ length: 10_001 }, () => 1) })),
      }),
      'filter.items[0].values',
    ],
    [
      'an operator the column type does not have',
      products({ filter: group(condition('product_id', 'contains', { value: '1' })) }),
      'filter.items[0].operator',
    ],
    ['a column named twice', { dataset: 'products', columns: ['name', 'name'] }, 'columns[1]'],
  ])('%s, with the path of the offending member', async (_case, body, path) => {
    expectProblem(await preview(body), 400, 'INVALID_QUERY', path);
  });

  it.each([
    ['truncated JSON', '{"dataset": "products", "columns": ['],
    ['not JSON at all', 'dataset=products'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
  ])('%s', async (_case, raw) => {
    expectProblem(await preview(raw), 400, 'INVALID_QUERY');
  });

  it('a body sent as text/plain', async () => {
    const response = await post(`${api}/query/preview`, JSON.stringify(products()), {
      token: alice,
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(response, 400, 'INVALID_QUERY');
  });
});

describe('UNKNOWN_DATASET / UNKNOWN_COLUMN (400): names the catalog does not expose to this user', () => {
  it('an unknown dataset, as the primary one or in a join', async () => {
    expectProblem(
      await preview({ dataset: 'no_such_data', columns: ['x'] }),
      400,
      'UNKNOWN_DATASET',
      'dataset',
    );
    expectProblem(
      await preview(
        products({
          columns: ['products.name'],
          joins: [{ dataset: 'nope', type: 'left', on: [{ left: 'products.product_id', right: 'nope.id' }] }],
        }),
      ),
      400,
      'UNKNOWN_DATASET',
      'joins[0].dataset',
    );
  });

  it('bob asking for global_sales gets UNKNOWN_DATASET, worded as for a dataset that does not exist', async () => {
    const body = {
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
      columns: ['sale_id'],
    };
    const hidden = expectProblem(await preview(body, bob), 400, 'UNKNOWN_DATASET', 'dataset');
    const missing = expectProblem(
      await preview({ ...body, dataset: 'no_such_data', vintages: {} }, bob),
      400,
      'UNKNOWN_DATASET',
      'dataset',
    );
    expect(hidden.detail.replace('global_sales', 'X')).toBe(missing.detail.replace('no_such_data', 'X'));
    // The same for every query endpoint, and for the dataset's own address (404).
    for (const endpoint of ['count', 'sql', 'csv']) {
      expectProblem(
        await post(`${api}/query/${endpoint}`, body, { token: bob }),
        400,
        'UNKNOWN_DATASET',
        'dataset',
      );
    }
    expectProblem(await get(`${api}/datasets/global_sales`, { token: bob }), 404, 'NOT_FOUND');
    // dave (sales-emea) may not join employee_roster either.
    expectProblem(
      await preview(
        products({
          columns: ['products.name'],
          joins: [
            {
              dataset: 'employee_roster',
              type: 'left',
              on: [{ left: 'products.product_id', right: 'employee_roster.employee_id' }],
            },
          ],
        }),
        await stack.token('dave-cli'),
      ),
      400,
      'UNKNOWN_DATASET',
      'joins[0].dataset',
    );
  });

  it.each([
    ['a visible column', products({ columns: ['nope'] }), 'columns[0]'],
    ['a qualified column', products({ columns: ['products.nope'] }), 'columns[0]'],
    ['a filter column', products({ filter: group(condition('nope', 'is_null')) }), 'filter.items[0].column'],
    ['a sort column', products({ sort: [{ column: 'nope', dir: 'asc' }] }), 'sort[0].column'],
    [
      'a result filter column that is not in the grouped result',
      {
        dataset: 'products',
        aggregate: { groupBy: ['category'], measures: [{ fn: 'count', column: null, as: 'n' }] },
        resultFilter: group(condition('name', '=', { value: 'x' })),
      },
      'resultFilter.items[0].column',
    ],
  ])('UNKNOWN_COLUMN for %s', async (_case, body, path) => {
    expectProblem(await preview(body), 400, 'UNKNOWN_COLUMN', path);
  });
});

describe('INVALID_VALUE (400): a value that cannot be cast to the column type', () => {
  it.each([
    ['"abc" for an integer', group(condition('product_id', '=', { value: 'abc' })), 'filter.items[0].value'],
    ['1.5 for an integer', group(condition('product_id', '=', { value: 1.5 })), 'filter.items[0].value'],
    [
      'an integer beyond 64 bits',
      group(condition('product_id', '>', { value: 1e300 })),
      'filter.items[0].value',
    ],
    [
      'the second of an in-list',
      group(condition('product_id', 'in', { values: [1, 'x'] })),
      'filter.items[0].values[1]',
    ],
    [
      'a date that does not exist',
      group(condition('launched_on', '=', { value: '2026-02-30' })),
      'filter.items[0].value',
    ],
    [
      'a number that is not one',
      group(condition('list_price', '>', { value: 'NaN' })),
      'filter.items[0].value',
    ],
    ['"yes" for a boolean', group(condition('discontinued', '=', { value: 'yes' })), 'filter.items[0].value'],
  ])('%s', async (_case, filter, path) => {
    const response = await preview(products({ filter }));
    expectProblem(response, 400, 'INVALID_VALUE', path);
  });

  it('a Load ID that is not a date', async () => {
    const response = await preview({
      dataset: 'global_sales',
      vintages: { global_sales: { loadType: 'DAILY', loadId: 'yesterday' } },
      columns: ['sale_id'],
    });
    expectProblem(response, 400, 'INVALID_VALUE', 'vintages.global_sales.loadId');
  });
});

describe('PARTITION_FILTER_REQUIRED (400)', () => {
  it('global_sales without a vintage, as the primary dataset or joined', async () => {
    const problem = expectProblem(
      await preview({ dataset: 'global_sales', columns: ['sale_id'] }),
      400,
      'PARTITION_FILTER_REQUIRED',
      'vintages',
    );
    expect(problem.title).toBe('Partition filter required');
    expectProblem(
      await preview(
        products({
          columns: ['products.name'],
          joins: [
            {
              dataset: 'global_sales',
              type: 'left',
              on: [{ left: 'products.product_id', right: 'global_sales.product_id' }],
            },
          ],
        }),
      ),
      400,
      'PARTITION_FILTER_REQUIRED',
      'vintages',
    );
  });
});

describe('ROW_LIMIT_EXCEEDED (400)', () => {
  it('a limit above MAX_ROW_LIMIT (1,000,000 here)', async () => {
    expectProblem(await preview(products({ limit: 1_000_001 })), 400, 'ROW_LIMIT_EXCEEDED', 'limit');
  });
});

describe('UNAUTHENTICATED (401)', () => {
  it('every endpoint but health needs a bearer token', async () => {
    for (const path of ['/me', '/datasets', '/datasets/products', '/datasets/products/vintages']) {
      expectProblem(await get(`${api}${path}`), 401, 'UNAUTHENTICATED');
    }
    for (const endpoint of ['preview', 'count', 'sql', 'csv']) {
      expectProblem(await post(`${api}/query/${endpoint}`, products()), 401, 'UNAUTHENTICATED');
    }
  });
  // Bad tokens of every kind: authentication.test.ts.
});

describe('NOT_FOUND (404)', () => {
  it('an unknown route, with or without a token', async () => {
    expectProblem(await post(`${api}/query/everything`, products(), { token: alice }), 404, 'NOT_FOUND');
    expectProblem(await get(`${stack.urls.gateway}/api/v2/datasets`), 404, 'NOT_FOUND');
  });
});

describe('PAYLOAD_TOO_LARGE (413)', () => {
  /** A valid query of about `bytes` bytes: a long in-list. */
  function queryOfSize(bytes: number) {
    const values = Array.from({ length: Math.floor(bytes / 8) }, (_, i) => 1_000_000 + (i % 9000));
    return products({ filter: group(condition('product_id', 'in', { values })) });
  }

  it(`a body over BODY_LIMIT_BYTES (${BODY_LIMIT_BYTES}) is refused; one just under it is run`, async () => {
    const over = JSON.stringify(queryOfSize(BODY_LIMIT_BYTES + 1024));
    expect(over.length).toBeGreaterThan(BODY_LIMIT_BYTES);
    expectProblem(await preview(over), 413, 'PAYLOAD_TOO_LARGE');

    const under = JSON.stringify(queryOfSize(BODY_LIMIT_BYTES - 4096));
    expect(under.length).toBeLessThan(BODY_LIMIT_BYTES);
    expect((await preview(under)).status).toBe(200);
  });
});

describe('QUERY_TIMEOUT (504) and QUERY_TOO_EXPENSIVE (400): the engine is protected', () => {
  /** A query the cost estimate underrates: joins on booleans, some 10^8 rows to count (carol reads all). */
  const explosion = {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
    joins: [
      {
        dataset: 'products',
        type: 'full',
        on: [{ left: 'global_sales.is_return', right: 'products.discontinued' }],
      },
      {
        dataset: 'employee_roster',
        type: 'full',
        on: [{ left: 'products.discontinued', right: 'employee_roster.is_active' }],
      },
    ],
    aggregate: {
      groupBy: [],
      measures: [
        { fn: 'count_distinct', column: 'employee_roster.full_name', as: 'people' },
        { fn: 'count', column: null, as: 'rows' },
      ],
    },
  };

  it('a query running past QUERY_TIMEOUT_MS is cancelled in the engine: 504, then the engine is free again', async () => {
    const carol = await stack.token('carol-cli');
    const started = Date.now();
    expectProblem(await preview(explosion, carol, strict.gateway.api), 504, 'QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    // The service has one connection: it answers at once only if the engine query was really interrupted.
    const next = Date.now();
    const small = await preview(products({ limit: 5 }), alice, strict.gateway.api);
    expect(small.status).toBe(200);
    expect(Date.now() - next).toBeLessThan(2000);
  });

  it('a query whose estimate is over QUERY_COST_CEILING is refused before it runs', async () => {
    const problem = expectProblem(
      await preview({ dataset: 'customers', columns: ['name'] }, alice, strict.gateway.api),
      400,
      'QUERY_TOO_EXPENSIVE',
    );
    expect(problem.title).toBe('Query too expensive');
    // Under the ceiling: run.
    expect((await preview(products(), alice, strict.gateway.api)).status).toBe(200);
  });
});

describe('UNAVAILABLE (503): a dependency that is down', () => {
  it('with the query service stopped: queries are 503 (safe to retry), /health/ready is 503, the rest works', async () => {
    expect((await get(`${doomed.gateway.api}/health/ready`)).status).toBe(200);
    expect((await preview(products(), alice, doomed.gateway.api)).status).toBe(200);

    await doomed.query.stop();

    for (const endpoint of ['preview', 'count', 'sql', 'csv']) {
      expectProblem(
        await post(`${doomed.gateway.api}/query/${endpoint}`, products(), { token: alice }),
        503,
        'UNAVAILABLE',
      );
    }
    const ready = await get(`${doomed.gateway.api}/health/ready`);
    expect(ready.status).toBe(503);
    expectNoInternals(ready.text);
    expect((await get(`${doomed.gateway.api}/health/live`)).status).toBe(200);
    // The catalog comes from the metadata service, which is still up.
    expect((await get(`${doomed.gateway.api}/datasets`, { token: alice })).status).toBe(200);
  });
});

describe('inputs that would upset a careless SQL builder are plain values', () => {
  it.each([
    [
      'LIKE wildcards and the escape character',
      condition('name', 'contains', { value: '%_\\' }),
      'contains(name, $1)',
      ['%_\\'],
    ],
    [
      'a quote-laden value',
      condition('name', '=', { value: "'; DROP TABLE products; --" }),
      'name = $1',
      ["'; DROP TABLE products; --"],
    ],
    [
      'the last day of year 9999',
      condition('launched_on', '<=', { value: '9999-12-31' }),
      "launched_on <= DATE '9999-12-31'",
      [],
    ],
    ['an empty string in an in-list', condition('name', 'in', { values: [''] }), "name = ''", []],
  ])('%s: counted exactly as DuckDB counts it', async (_case, filter, where, params) => {
    const response = await post(`${api}/query/count`, products({ filter: group(filter) }), { token: alice });
    expect(response.status).toBe(200);
    const expected = await warehouse.rows(`SELECT count(*) FROM products WHERE ${where}`, params);
    expect(response.json()).toEqual({ count: Number(expected[0]?.[0]), capped: false });
  });
});
