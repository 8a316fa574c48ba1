import { startStack, type GatewayProcess, type Stack } from '@aurora/testing';
import type { Cell } from '@aurora/warehouse';
import { parseCsv } from './support/csv';
import { expectProblem, post } from './support/http';
import { canonical, expectSameRows } from './support/rows';
import { demoWarehouse, type TestWarehouse } from './support/warehouse';

/**
 * docs/API.md, "The query" and "Running queries": what /query/preview, /count, /sql and /csv answer must be what
 * DuckDB answers to hand-written SQL for the same question, on the same warehouse.
 */

let warehouse: TestWarehouse;
let stack: Stack;
let api: string;
let alice: string;
/** A gateway and query service with MAX_ROW_LIMIT = 1000, beside the stack's own. */
let capped: GatewayProcess;

const MAX_ROW_LIMIT = 1000;
const DAILY = { loadType: 'DAILY', loadId: '2026-11-20' };
const MONTHLY = { loadType: 'MONTHLY', loadId: '2026-10-31' };

beforeAll(async () => {
  warehouse = await demoWarehouse(50_000);
  stack = await startStack({ warehousePath: warehouse.path });
  api = stack.urls.api;
  alice = await stack.token('alice-cli');
  const query = await stack.startQuery({ MAX_ROW_LIMIT: String(MAX_ROW_LIMIT) });
  capped = await stack.startGateway({ QUERY_GRPC_ADDRESS: query.address });
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await warehouse.remove();
});

interface Preview {
  columns: { name: string; label: string; type: string; format?: string }[];
  rows: Cell[][];
  page: { number: number; size: number };
  hasMore: boolean;
  elapsedMs: number;
}

async function preview(body: unknown, base = api): Promise<Preview> {
  const response = await post(`${base}/query/preview`, body, { token: alice });
  if (response.status !== 200) throw new Error(`preview: ${response.status} ${response.text}`);
  return response.json<Preview>();
}

async function count(body: unknown, base = api): Promise<{ count: number; capped: boolean }> {
  const response = await post(`${base}/query/count`, body, { token: alice });
  if (response.status !== 200) throw new Error(`count: ${response.status} ${response.text}`);
  return response.json();
}

async function one(sql: string, params: (string | number)[] = []): Promise<Cell> {
  return (await warehouse.rows(sql, params))[0]?.[0] ?? null;
}

/** Every page of a query, walked from page 1 until `hasMore` is false. */
async function allPages(body: Record<string, unknown>, size: number): Promise<Preview[]> {
  const pages: Preview[] = [];
  for (let number = 1; ; number++) {
    const page = await preview({ ...body, page: { number, size } });
    pages.push(page);
    if (!page.hasMore) return pages;
    if (number > 1000) throw new Error('paging does not end');
  }
}

describe('POST /query/preview answers what DuckDB answers to the same question', () => {
  it('a plain query: columns in the requested order, sorted, second page; big integers as strings', async () => {
    const columns = [
      'customer_id',
      'name',
      'country',
      'segment',
      'city',
      'created_at',
      'credit_limit',
      'notes',
    ];
    const result = await preview({
      dataset: 'customers',
      columns,
      sort: [{ column: 'customer_id', dir: 'desc' }],
      page: { number: 2, size: 100 },
    });

    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['customer_id', 'integer'],
      ['name', 'string'],
      ['country', 'string'],
      ['segment', 'string'],
      ['city', 'string'],
      ['created_at', 'timestamp'],
      ['credit_limit', 'number'],
      ['notes', 'string'],
    ]);
    expect(result.columns.find((c) => c.name === 'credit_limit')).toMatchObject({
      label: 'Credit Limit',
      format: 'money',
    });
    expect(result.page).toEqual({ number: 2, size: 100 });
    expect(result.hasMore).toBe(true);
    expect(result.elapsedMs).toEqual(expect.any(Number));

    const expected = await warehouse.rows(
      `SELECT ${columns.join(', ')} FROM customers ORDER BY customer_id DESC LIMIT 100 OFFSET 100`,
    );
    expectSameRows(result.rows, expected);
    // Ids above 2^53 do not fit a double: they travel as exact decimal strings.
    expect(result.rows[0]?.[0]).toEqual(expect.stringMatching(/^9007199254\d{6}$/));
    expect(BigInt(String(result.rows[0]?.[0]))).toBeGreaterThan(2n ** 53n);
    // Timestamps are ISO 8601.
    expect(result.rows[0]?.[5]).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/));
  });

  it('a filtered, joined and aggregated query with a result filter, sorted by a measure', async () => {
    const [category] = (await warehouse.rows('SELECT DISTINCT category FROM products ORDER BY 1')).map(
      ([c]) => String(c),
    );
    const prefix = (category ?? '').slice(0, 3);
    const body = {
      dataset: 'global_sales',
      vintages: { global_sales: MONTHLY },
      joins: [
        {
          dataset: 'products',
          type: 'left',
          on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
        },
        {
          dataset: 'customers',
          type: 'inner',
          on: [{ left: 'global_sales.customer_id', right: 'customers.customer_id' }],
        },
      ],
      filter: {
        kind: 'group',
        op: 'and',
        items: [
          { kind: 'condition', column: 'global_sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
          {
            kind: 'group',
            op: 'or',
            items: [
              { kind: 'condition', column: 'global_sales.amount', operator: 'between', values: [100, 5000] },
              { kind: 'condition', column: 'products.category', operator: 'starts_with', value: prefix },
            ],
          },
          { kind: 'condition', column: 'customers.segment', operator: 'is_empty', not: true },
        ],
      },
      aggregate: {
        groupBy: ['global_sales.region', 'products.category'],
        measures: [
          { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
          { fn: 'count', column: null, as: 'orders' },
          { fn: 'avg', column: 'global_sales.discount', as: 'avg_discount' },
          { fn: 'count_distinct', column: 'customers.country', as: 'countries' },
        ],
      },
      resultFilter: {
        kind: 'group',
        op: 'and',
        items: [{ kind: 'condition', column: 'orders', operator: '>=', value: 3 }],
      },
      sort: [{ column: 'total_amount', dir: 'desc' }],
      page: { number: 1, size: 500 },
    };
    const result = await preview(body);

    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['global_sales.region', 'string'],
      ['products.category', 'string'],
      ['total_amount', 'number'],
      ['orders', 'integer'],
      ['avg_discount', 'number'],
      ['countries', 'integer'],
    ]);
    const expected = await warehouse.rows(
      `SELECT s.region, p.category, SUM(s.amount) AS total_amount, COUNT(*) AS orders,
              AVG(s.discount) AS avg_discount, COUNT(DISTINCT c.country) AS countries
       FROM global_sales AS s
       LEFT JOIN products AS p ON s.product_id = p.product_id
       JOIN customers AS c ON s.customer_id = c.customer_id
       WHERE s.load_type = 'MONTHLY' AND s.load_id = DATE '2026-10-31'
         AND s.region IN ('EMEA', 'APAC')
         AND (s.amount BETWEEN 100 AND 5000 OR starts_with(p.category, $1))
         AND NOT (c.segment IS NULL OR c.segment = '')
       GROUP BY s.region, p.category
       HAVING COUNT(*) >= 3
       ORDER BY total_amount DESC`,
      [prefix],
    );
    expect(expected.length).toBeGreaterThan(3); // the question has a real answer
    expect(result.hasMore).toBe(false);
    expectSameRows(canonical(result.rows), canonical(expected));
    const totals = result.rows.map((row) => Number(row[2]));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });
});

describe('time buckets in group-by', () => {
  it('sum by month and by ISO week, as DuckDB truncates them, sorted chronologically, with no empty bucket', async () => {
    const result = await preview({
      dataset: 'customers',
      aggregate: {
        groupBy: [{ column: 'created_at', bucket: 'month', as: 'created_month' }],
        measures: [{ fn: 'sum', column: 'credit_limit', as: 'credit' }],
      },
      sort: [{ column: 'created_month', dir: 'asc' }],
      page: { number: 1, size: 500 },
    });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['created_month', 'date'],
      ['credit', 'number'],
    ]);
    const expected = await warehouse.rows(
      `SELECT strftime(date_trunc('month', created_at), '%Y-%m-%d'), sum(credit_limit) FROM customers
       GROUP BY 1 ORDER BY 1 NULLS LAST`,
    );
    expectSameRows(result.rows, expected);
    expect(result.rows.length).toBeGreaterThan(1);

    const weeks = await preview({
      dataset: 'customers',
      aggregate: {
        groupBy: [{ column: 'created_at', bucket: 'week', as: 'week' }],
        measures: [{ fn: 'count', column: null, as: 'customers' }],
      },
      sort: [{ column: 'week', dir: 'desc' }],
      page: { number: 1, size: 20 },
    });
    for (const [start] of weeks.rows.filter(([start]) => start !== null))
      expect(new Date(`${String(start)}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday
  });
});

describe('relative date filters', () => {
  it('count the previous 12 whole months before today, as DuckDB does from its own current date', async () => {
    const body = {
      dataset: 'customers',
      columns: ['customer_id'],
      filter: {
        kind: 'group',
        op: 'and',
        items: [
          {
            kind: 'condition',
            column: 'created_at',
            operator: 'relative',
            value: { kind: 'last', n: 12, unit: 'month' },
          },
        ],
      },
    };
    const counted = await post(`${api}/query/count`, body, { token: alice });
    const [[counted0]] = (await warehouse.rows(
      `SELECT count(*) FROM customers WHERE created_at >= date_trunc('month', current_date) - INTERVAL 12 MONTH
       AND created_at < date_trunc('month', current_date)`,
    )) as [[unknown]];
    const expected = Number(counted0);
    expect(expected).toBeGreaterThan(0);
    expect(counted.json<{ count: number }>().count).toBe(expected);
    const { sql, params } = (await post(`${api}/query/sql`, body, { token: alice })).json<{
      sql: string;
      params: string[];
    }>();
    expect(sql).toMatch(
      /"created_at" >= CAST\(\$1 AS TIMESTAMP\) AND "created_at" < CAST\(\$2 AS TIMESTAMP\)/,
    );
    expect(params).toEqual([
      expect.stringMatching(/-01 00:00:00\.000000$/),
      expect.stringMatching(/-01 00:00:00\.000000$/),
    ]);
  });
});

describe('paging is stable: walking every page never repeats or skips a row', () => {
  const body = {
    dataset: 'global_sales',
    vintages: { global_sales: DAILY },
    columns: ['sale_id', 'region', 'channel', 'amount', 'comment'],
  };

  it('without a sort: the pages together are exactly the rows DuckDB finds', async () => {
    const pages = await allPages(body, 97);
    const rows = pages.flatMap((p) => p.rows);
    pages.slice(0, -1).forEach((page) => expect(page.rows).toHaveLength(97));
    expect(pages.at(-1)?.rows.length).toBeGreaterThan(0);
    expect(pages.at(-1)?.rows.length).toBeLessThanOrEqual(97);

    const ids = rows.map((row) => String(row[0]));
    expect(new Set(ids).size).toBe(ids.length); // nothing repeated
    const expected = await warehouse.rows(
      `SELECT sale_id, region, channel, amount, comment FROM global_sales
       WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
    );
    expect(pages.length).toBe(Math.ceil(expected.length / 97));
    expectSameRows(canonical(rows), canonical(expected)); // nothing skipped, nothing invented
    expect(await count(body)).toEqual({ count: expected.length, capped: false });
  });

  it('sorted by a column with many equal values (region, nulls last): still every row exactly once', async () => {
    const pages = await allPages({ ...body, sort: [{ column: 'region', dir: 'asc' }] }, 89);
    const rows = pages.flatMap((p) => p.rows);
    const ids = rows.map((row) => String(row[0]));
    expect(new Set(ids).size).toBe(ids.length);
    const regions = rows.map((row) => row[1]);
    const firstNull = regions.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(regions.slice(firstNull).every((r) => r === null)).toBe(true);
    const named = regions.slice(0, firstNull).map(String);
    expect(named).toEqual([...named].sort());
    const expected = await warehouse.rows(
      `SELECT sale_id, region, channel, amount, comment FROM global_sales
       WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
    );
    expectSameRows(canonical(rows), canonical(expected));
  });
});

describe('POST /query/count', () => {
  it('counts the rows of a filtered query, and the groups of an aggregated one', async () => {
    const filtered = {
      dataset: 'global_sales',
      vintages: { global_sales: DAILY },
      columns: ['sale_id'],
      filter: {
        kind: 'group',
        op: 'and',
        items: [{ kind: 'condition', column: 'region', operator: '=', value: 'EMEA' }],
      },
    };
    expect(await count(filtered)).toEqual({
      count: Number(
        await one(
          `SELECT count(*) FROM global_sales
           WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20' AND region = 'EMEA'`,
        ),
      ),
      capped: false,
    });

    const grouped = {
      dataset: 'global_sales',
      vintages: { global_sales: DAILY },
      aggregate: { groupBy: ['channel'], measures: [{ fn: 'count', column: null, as: 'n' }] },
    };
    expect(await count(grouped)).toEqual({
      count: Number(
        await one(
          `SELECT count(DISTINCT channel) + max(CASE WHEN channel IS NULL THEN 1 ELSE 0 END) FROM global_sales
           WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
        ),
      ),
      capped: false,
    });
  });

  it('stops at MAX_ROW_LIMIT and says so: capped', async () => {
    const monthly = Number(
      await one(
        `SELECT count(*) FROM global_sales WHERE load_type = 'MONTHLY' AND load_id = DATE '2026-10-31'`,
      ),
    );
    const daily = Number(
      await one(
        `SELECT count(*) FROM global_sales WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
      ),
    );
    expect(monthly).toBeGreaterThan(MAX_ROW_LIMIT);
    expect(daily).toBeLessThan(MAX_ROW_LIMIT);
    const rows = (vintage: object) => ({
      dataset: 'global_sales',
      vintages: { global_sales: vintage },
      columns: ['sale_id'],
    });
    expect(await count(rows(MONTHLY), capped.api)).toEqual({ count: MAX_ROW_LIMIT, capped: true });
    expect(await count(rows(DAILY), capped.api)).toEqual({ count: daily, capped: false });
    // The stack's own service (MAX_ROW_LIMIT 1,000,000) counts them all.
    expect(await count(rows(MONTHLY))).toEqual({ count: monthly, capped: false });
  });
});

describe('MAX_ROW_LIMIT caps limit, paging and CSV', () => {
  const body = { dataset: 'global_sales', vintages: { global_sales: MONTHLY }, columns: ['sale_id'] };

  it('a limit above MAX_ROW_LIMIT is ROW_LIMIT_EXCEEDED at "limit"', async () => {
    const response = await post(
      `${capped.api}/query/preview`,
      { ...body, limit: MAX_ROW_LIMIT + 1 },
      { token: alice },
    );
    expectProblem(response, 400, 'ROW_LIMIT_EXCEEDED', 'limit');
  });

  it('a page that starts beyond MAX_ROW_LIMIT is ROW_LIMIT_EXCEEDED at "page.number"; the last one is fine', async () => {
    const beyond = await post(
      `${capped.api}/query/preview`,
      { ...body, page: { number: 21, size: 50 } },
      { token: alice },
    );
    expectProblem(beyond, 400, 'ROW_LIMIT_EXCEEDED', 'page.number');
    const last = await preview({ ...body, page: { number: 20, size: 50 } }, capped.api);
    expect(last.rows).toHaveLength(50);
  });

  it('a CSV download holds at most MAX_ROW_LIMIT rows', async () => {
    const response = await post(`${capped.api}/query/csv`, body, { token: alice });
    expect(response.status).toBe(200);
    expect(parseCsv(response.text).records).toHaveLength(MAX_ROW_LIMIT);
  });
});

describe('POST /query/sql', () => {
  const body = {
    dataset: 'global_sales',
    vintages: { global_sales: DAILY },
    columns: ['sale_id', 'region', 'amount'],
    filter: {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'channel', operator: '=', value: "O'Brien; DROP TABLE x" }],
    },
    page: { number: 1, size: 10 },
  };

  it('returns the parameterised DuckDB statement: values are bind parameters, never SQL text', async () => {
    const response = await post(`${api}/query/sql`, body, { token: alice });
    expect(response.status).toBe(200);
    const { dialect, sql, params } = response.json<{ dialect: string; sql: string; params: unknown[] }>();
    expect(dialect).toBe('duckdb');
    expect(sql).toMatch(/^SELECT /);
    expect(sql).toContain('$1');
    expect(params).toEqual(expect.arrayContaining(['DAILY', '2026-11-20', "O'Brien; DROP TABLE x"]));
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('2026-11-20');
  });

  it("is the statement that runs: executed on DuckDB, it gives the preview's rows", async () => {
    const realistic = {
      ...body,
      filter: {
        kind: 'group',
        op: 'and',
        items: [{ kind: 'condition', column: 'region', operator: 'in', values: ['EMEA', 'LATAM'] }],
      },
    };
    const { sql, params } = (await post(`${api}/query/sql`, realistic, { token: alice })).json<{
      sql: string;
      params: (string | number)[];
    }>();
    const result = await preview(realistic);
    expect(result.rows).toHaveLength(10);
    expectSameRows(result.rows, await warehouse.rows(sql, params));
  });

  it('validates like preview, e.g. PARTITION_FILTER_REQUIRED at "vintages"', async () => {
    expectProblem(
      await post(`${api}/query/sql`, { ...body, vintages: undefined }, { token: alice }),
      400,
      'PARTITION_FILTER_REQUIRED',
      'vintages',
    );
  });
});

describe('a vintage prunes Parquet partitions', () => {
  /** The profile of a statement: EXPLAIN ANALYZE on the same warehouse. */
  async function profile(sql: string, params: readonly (string | number)[] = []): Promise<string> {
    return (await warehouse.rows(`EXPLAIN ANALYZE ${sql}`, params)).map((row) => String(row[1])).join('\n');
  }

  it('the compiled query of one Load Type and Load ID reads 1 of the 42 Parquet files', async () => {
    // The measure of the check itself: a scan of the whole fact table reads every file.
    expect(await profile('SELECT sum(amount) FROM global_sales')).toContain('Total Files Read: 42');

    for (const vintage of [DAILY, { loadType: 'MONTHLY', loadId: '2026-03-31' }]) {
      const { sql, params } = (
        await post(
          `${api}/query/sql`,
          {
            dataset: 'global_sales',
            vintages: { global_sales: vintage },
            aggregate: {
              groupBy: ['region'],
              measures: [{ fn: 'sum', column: 'amount', as: 'total' }],
            },
          },
          { token: alice },
        )
      ).json<{ sql: string; params: (string | number)[] }>();
      const plan = await profile(sql, params);
      expect(plan).toContain('Scanning Files: 1/42');
      const filesRead = [...plan.matchAll(/Total Files Read: (\d+)/g)].map((m) => Number(m[1]));
      expect(filesRead.length).toBeGreaterThan(0);
      expect(filesRead.every((n) => n === 1)).toBe(true);
    }
  });
});

describe('POST /query/csv', () => {
  const columns = [
    'product_id',
    'sku',
    'name',
    'category',
    'subcategory',
    'list_price',
    'launched_on',
    'discontinued',
  ];

  it('is RFC 4180 CSV with a header row, as an attachment, holding exactly the rows of the query', async () => {
    const response = await post(
      `${api}/query/csv`,
      {
        dataset: 'products',
        columns,
        sort: [{ column: 'product_id', dir: 'asc' }],
        page: { number: 3, size: 5 },
      },
      { token: alice },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);

    const { header, records } = parseCsv(response.text);
    expect(header).toEqual(columns);
    // `page` is for previews: a download is the whole result.
    const expected = await warehouse.rows(`SELECT ${columns.join(', ')} FROM products ORDER BY product_id`);
    expect(records).toEqual(expected.map((row) => row.map((cell) => (cell === null ? '' : String(cell)))));
    // The awkward values survive: quotes doubled inside quoted fields.
    const quoted = expected.find((row) => String(row[2]).includes('"'));
    expect(quoted).toBeDefined();
    expect(response.text).toContain(`"${String(quoted?.[2]).replaceAll('"', '""')}"`);
  });

  it('an empty result is the header alone; a limit caps the rows', async () => {
    const none = await post(
      `${api}/query/csv`,
      {
        dataset: 'products',
        columns,
        filter: {
          kind: 'group',
          op: 'and',
          items: [{ kind: 'condition', column: 'product_id', operator: '<', value: 0 }],
        },
      },
      { token: alice },
    );
    expect(none.status).toBe(200);
    expect(none.text).toBe(`${columns.join(',')}\r\n`);

    const ten = await post(`${api}/query/csv`, { dataset: 'products', columns, limit: 10 }, { token: alice });
    expect(parseCsv(ten.text).records).toHaveLength(10);
  });
});

describe('a materialized view answers the join it holds (demo.yaml: sales_with_employee)', () => {
  const byDepartment = {
    dataset: 'global_sales',
    vintages: { global_sales: DAILY },
    joins: [
      {
        dataset: 'employee_roster',
        type: 'left',
        on: [{ left: 'global_sales.employee_id', right: 'employee_roster.employee_id' }],
      },
    ],
    filter: {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'global_sales.channel', operator: '!=', value: 'Online' }],
    },
    aggregate: {
      groupBy: ['employee_roster.department'],
      measures: [
        { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
        { fn: 'count', column: null, as: 'orders' },
      ],
    },
    sort: [{ column: 'total_amount', dir: 'desc' }],
  };

  it('routes a covered query to the view: /query/sql shows it, and the rows are the join’s', async () => {
    const carol = await stack.token('carol-cli');
    const response = await post(`${api}/query/sql`, byDepartment, { token: carol });
    const { sql } = response.json<{ sql: string }>();
    expect(sql).toContain('FROM "sales_with_employee"');
    expect(sql).not.toContain('JOIN');

    const routed = await post(`${api}/query/preview`, byDepartment, { token: carol });
    expect(routed.status).toBe(200);
    const expected = await warehouse.rows(
      `SELECT e.department, SUM(s.amount), COUNT(*)
       FROM global_sales AS s LEFT JOIN employee_roster AS e ON s.employee_id = e.employee_id
       WHERE s.load_type = 'DAILY' AND s.load_id = DATE '2026-11-20' AND s.channel <> 'Online'
       GROUP BY e.department ORDER BY 2 DESC NULLS LAST, 1 ASC NULLS LAST`,
    );
    expect(expected.length).toBeGreaterThan(3);
    expectSameRows(routed.json<Preview>().rows, expected);
  });

  it('joins the datasets itself when the view lacks a column the query reads', async () => {
    const carol = await stack.token('carol-cli');
    const uncovered = {
      ...byDepartment,
      aggregate: {
        ...byDepartment.aggregate,
        measures: [{ fn: 'max', column: 'global_sales.unit_price', as: 'top_price' }],
      },
      sort: [],
    };
    const { sql } = (await post(`${api}/query/sql`, uncovered, { token: carol })).json<{ sql: string }>();
    expect(sql).not.toContain('sales_with_employee');
    expect(sql).toContain('LEFT JOIN');
  });

  it('gives nobody a way around access: without employee_roster the query is refused as before', async () => {
    expectProblem(
      await post(`${api}/query/preview`, byDepartment, { token: await stack.token('dave-cli') }),
      400,
      'UNKNOWN_DATASET',
      'joins[0].dataset',
    );
  });

  it('is never read under a column policy (alice: employee_roster.email masked): the join is planned instead', async () => {
    const { sql } = (await post(`${api}/query/sql`, byDepartment, { token: alice })).json<{ sql: string }>();
    expect(sql).not.toContain('sales_with_employee');
    expect(sql).toContain('LEFT JOIN');
  });
});
