import { DuckDbAdapter, type Cell } from '@aurora/warehouse';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  generateDemoWarehouse,
  MATERIALIZED_VIEWS,
  openDemoWarehouse,
  SALES_COLUMNS,
  SALES_WITH_EMPLOYEE_COLUMNS,
  SALES_DIR,
  TABLES,
  WAREHOUSE_FILE,
  type GenerateSummary,
} from '../src';

const SALES_ROWS = 20_000;
const EXPECTED_ROWS = { employee_roster: 5_000, products: 500, customers: 20_000, global_sales: SALES_ROWS };
const CATALOG = join(__dirname, '..', '..', '..', 'services', 'metadata', 'catalog', 'demo.yaml');

const DAILY_IDS = Array.from({ length: 30 }, (_, i) => isoDay(Date.UTC(2026, 10, 20 - i)));
/** Day 0 of the next month is the last day of this one. */
const MONTHLY_IDS = Array.from({ length: 12 }, (_, i) => isoDay(Date.UTC(2026, 10 - i, 0)));

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

let root: string;
let first: GenerateSummary;
let second: GenerateSummary;
let warehouse: DuckDbAdapter;

async function rows(sql: string, params: (string | number)[] = []): Promise<Cell[][]> {
  return (await warehouse.query({ sql, params })).rows;
}

async function one(sql: string, params: (string | number)[] = []): Promise<Cell> {
  return (await rows(sql, params))[0]?.[0] ?? null;
}

async function plan(sql: string, params: (string | number)[] = []): Promise<string> {
  return (await rows(sql, params)).map((row) => String(row[1])).join('\n');
}

/** Order-independent content checksum of every table, through a given adapter. */
async function checksums(adapter: DuckDbAdapter): Promise<Cell[][]> {
  const sql = [...TABLES, ...MATERIALIZED_VIEWS]
    .map(
      (table) => `SELECT '${table}', count(*), bit_xor(hash(t)), sum(hash(t) % 1000003) FROM ${table} AS t`,
    )
    .join(' UNION ALL ');
  return (await adapter.query({ sql: `${sql} ORDER BY 1`, params: [] })).rows;
}

function parquetDigests(dir: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const file of readdirSync(join(dir, SALES_DIR), { recursive: true, encoding: 'utf8' }).sort()) {
    if (!file.endsWith('.parquet')) continue;
    digests.set(
      file,
      createHash('sha256')
        .update(readFileSync(join(dir, SALES_DIR, file)))
        .digest('hex'),
    );
  }
  return digests;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aurora-demo-data-'));
  // Side by side: also shows that two generations do not disturb each other.
  const generate = (name: string) =>
    generateDemoWarehouse({ dir: join(root, name), salesRows: SALES_ROWS, threads: 2 });
  [first, second] = await Promise.all([generate('a'), generate('b')]);
  warehouse = await openDemoWarehouse(first.dir, { threads: 2 });
});

afterAll(async () => {
  await warehouse.close();
  rmSync(root, { recursive: true, force: true });
});

describe('tables', () => {
  it('has the three dimension tables and the fact view with the expected row counts', async () => {
    expect(first.rows).toEqual(EXPECTED_ROWS);
    const kinds = await rows(
      `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`,
    );
    expect(kinds).toEqual([
      ['customers', 'BASE TABLE'],
      ['employee_roster', 'BASE TABLE'],
      ['global_sales', 'VIEW'],
      ['products', 'BASE TABLE'],
      ['sales_with_employee', 'BASE TABLE'],
    ]);
    for (const [table, count] of Object.entries(EXPECTED_ROWS)) {
      expect(await one(`SELECT count(*) FROM ${table}`)).toBe(count);
    }
  });

  it('types the fact table for the query path', async () => {
    const described = await rows('SELECT column_name, column_type FROM (DESCRIBE global_sales)');
    expect(described.map((row) => row[0])).toEqual([...SALES_COLUMNS]);
    expect(Object.fromEntries(described.map((row) => [row[0], row[1]]))).toMatchObject({
      sale_id: 'BIGINT',
      load_type: 'VARCHAR',
      load_id: 'DATE',
      customer_id: 'BIGINT',
      ordered_at: 'TIMESTAMP',
      unit_price: 'DECIMAL(18,4)',
      amount: 'DECIMAL(18,4)',
      is_return: 'BOOLEAN',
    });
    expect(await one('SELECT count(DISTINCT sale_id) FROM global_sales')).toBe(SALES_ROWS);
  });

  it('stores a relative Parquet path, so the folder can move', async () => {
    const sql = String(await one(`SELECT sql FROM duckdb_views() WHERE view_name = 'global_sales'`));
    expect(sql).toContain(`'global_sales/*/*/*.parquet'`);
    expect(sql).not.toContain(root);

    // Move the second warehouse away and back: it must still read through a file_search_path set to its new home.
    const moved = join(root, 'moved');
    renameSync(second.dir, moved);
    try {
      // Two connections: the setting is made GLOBAL, so every connection of the pool sees it.
      const reader = await openDemoWarehouse(moved, { connections: 2 });
      try {
        const counts = await Promise.all(
          [1, 2].map(() => reader.query({ sql: 'SELECT count(*) FROM global_sales', params: [] })),
        );
        expect(counts.map((result) => result.rows)).toEqual([[[SALES_ROWS]], [[SALES_ROWS]]]);
      } finally {
        await reader.close();
      }
      // Without file_search_path the relative path resolves against the working directory, and finds nothing.
      const bare = await DuckDbAdapter.open({
        path: join(moved, WAREHOUSE_FILE),
        readOnly: true,
        connections: 1,
        defaultTimeoutMs: 10_000,
      });
      try {
        await expect(bare.query({ sql: 'SELECT count(*) FROM global_sales', params: [] })).rejects.toThrow(
          /No files found/,
        );
      } finally {
        await bare.close();
      }
    } finally {
      renameSync(moved, second.dir);
    }
  });
});

describe('determinism', () => {
  it('produces the same content in every table, and byte-identical Parquet, twice', async () => {
    const other = await openDemoWarehouse(second.dir);
    try {
      expect(await checksums(other)).toEqual(await checksums(warehouse));
    } finally {
      await other.close();
    }
    expect(parquetDigests(second.dir)).toEqual(parquetDigests(first.dir));
  });

  it('replaces an existing warehouse whole, leaving no staging directories behind', async () => {
    const dir = join(root, 'replaced');
    const sums: Cell[][][] = [];
    for (const salesRows of [200, 100]) {
      const summary = await generateDemoWarehouse({ dir, salesRows, threads: 2 });
      expect(summary.rows.global_sales).toBe(salesRows);
      const reader = await openDemoWarehouse(dir);
      try {
        sums.push(await checksums(reader));
        expect(await reader.query({ sql: 'SELECT count(*) FROM global_sales', params: [] })).toMatchObject({
          rows: [[salesRows]],
        });
      } finally {
        await reader.close();
      }
    }
    expect(sums[1]).not.toEqual(sums[0]);
    expect(readdirSync(root).filter((name) => name.includes('staging') || name.endsWith('.old'))).toEqual([]);
  });

  it('refuses fewer sales rows than partitions, before touching the disk', async () => {
    const dir = join(root, 'tiny');
    await expect(generateDemoWarehouse({ dir, salesRows: 41 })).rejects.toThrow(/at least 42/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('awkward data', () => {
  it('has customer ids above 2^53, also on sales, returned exactly', async () => {
    expect(await one('SELECT count(*) FROM customers WHERE customer_id > 9007199254740992')).toBeGreaterThan(
      100,
    );
    expect(await one('SELECT customer_id FROM customers WHERE customer_id = 9007199254740993')).toBe(
      '9007199254740993',
    );
    expect(
      await one('SELECT count(*) FROM global_sales WHERE customer_id > 9007199254740992'),
    ).toBeGreaterThan(0);
    expect(
      await one('SELECT count(*) FROM global_sales s ANTI JOIN customers c ON c.customer_id = s.customer_id'),
    ).toBe(0);
  });

  it('has NULLs and empty strings', async () => {
    const counts = await rows(`
      SELECT
        (SELECT count(*) FILTER (WHERE email IS NULL) FROM employee_roster),
        (SELECT count(*) FILTER (WHERE email = '') FROM employee_roster),
        (SELECT count(*) FILTER (WHERE title = '') FROM employee_roster),
        (SELECT count(*) FILTER (WHERE manager_id IS NULL) FROM employee_roster),
        (SELECT count(*) FILTER (WHERE notes IS NULL) FROM customers),
        (SELECT count(*) FILTER (WHERE notes = '') FROM customers),
        (SELECT count(*) FILTER (WHERE credit_limit IS NULL) FROM customers),
        (SELECT count(*) FILTER (WHERE subcategory IS NULL) FROM products),
        (SELECT count(*) FILTER (WHERE comment IS NULL) FROM global_sales),
        (SELECT count(*) FILTER (WHERE comment = '') FROM global_sales),
        (SELECT count(*) FILTER (WHERE region IS NULL) FROM global_sales)`);
    for (const count of counts[0] ?? []) expect(count).toBeGreaterThan(0);
  });

  it('has LIKE wildcards and quotes inside values', async () => {
    for (const needle of ['%', '_', "''", '"']) {
      expect(await one(`SELECT count(*) FROM products WHERE contains(name, '${needle}')`)).toBeGreaterThan(0);
      expect(
        await one(`SELECT count(*) FROM global_sales WHERE contains(comment, '${needle}')`),
      ).toBeGreaterThan(0);
    }
    expect(await one(`SELECT count(*) FROM customers WHERE contains(name, '%')`)).toBeGreaterThan(0);
    expect(await one(`SELECT count(*) FROM products WHERE contains(sku, '_')`)).toBeGreaterThan(0);
  });

  it('has non-ASCII text', async () => {
    for (const name of ['Zoë', 'José', 'Łukasz']) {
      expect(await one('SELECT count(*) FROM employee_roster WHERE first_name = $1', [name])).toBeGreaterThan(
        0,
      );
    }
    expect(await one(`SELECT count(*) FROM employee_roster WHERE last_name = '山田'`)).toBeGreaterThan(0);
    expect(
      await one(`SELECT count(*) FROM global_sales WHERE regexp_matches(comment, '[^\\x00-\\x7F]')`),
    ).toBeGreaterThan(0);
    expect(await one(`SELECT count(*) FROM customers WHERE city = 'São Paulo'`)).toBeGreaterThan(0);
  });

  it('has sales by employees missing from the roster, and by none', async () => {
    const [unmatched, missing, matched] =
      (
        await rows(`
      SELECT
        count(*) FILTER (WHERE s.employee_id IS NOT NULL AND e.employee_id IS NULL),
        count(*) FILTER (WHERE s.employee_id IS NULL),
        count(*) FILTER (WHERE e.employee_id IS NOT NULL)
      FROM global_sales s LEFT JOIN employee_roster e ON e.employee_id = s.employee_id`)
      )[0] ?? [];
    expect(unmatched).toBeGreaterThan(SALES_ROWS * 0.02);
    expect(missing).toBeGreaterThan(SALES_ROWS * 0.01);
    expect(matched).toBeGreaterThan(SALES_ROWS * 0.8);
  });

  it('has money with many decimals, and returns as negative amounts', async () => {
    expect(
      await one('SELECT count(*) FROM global_sales WHERE amount * 100 <> round(amount * 100)'),
    ).toBeGreaterThan(SALES_ROWS / 2);
    expect(
      await one('SELECT count(*) FROM products WHERE list_price * 10000 <> round(list_price * 10000)'),
    ).toBeGreaterThan(400);
    expect(await one('SELECT bool_and(amount < 0) FROM global_sales WHERE is_return')).toBe(true);
    expect(await one('SELECT count(*) FROM global_sales WHERE is_return')).toBeGreaterThan(0);
  });
});

describe('partitions', () => {
  it('lays out 30 DAILY and 12 MONTHLY Hive partitions, without the keys inside the files', async () => {
    const sales = join(first.dir, SALES_DIR);
    expect(readdirSync(sales).sort()).toEqual(['load_type=DAILY', 'load_type=MONTHLY']);
    const ids = (type: string): string[] => readdirSync(join(sales, `load_type=${type}`)).sort();
    expect(ids('DAILY')).toEqual(DAILY_IDS.map((id) => `load_id=${id}`).sort());
    expect(ids('MONTHLY')).toEqual(MONTHLY_IDS.map((id) => `load_id=${id}`).sort());
    expect(first.partitions).toBe(42);
    for (const type of ['DAILY', 'MONTHLY']) {
      for (const id of ids(type)) {
        expect(readdirSync(join(sales, `load_type=${type}`, id)).some((f) => f.endsWith('.parquet'))).toBe(
          true,
        );
      }
    }
    const inFile = await rows(`SELECT name FROM parquet_schema($1) WHERE name IN ('load_type', 'load_id')`, [
      join(sales, 'load_type=DAILY', `load_id=${DAILY_IDS[0] ?? ''}`, '*.parquet'),
    ]);
    expect(inFile).toEqual([]);

    const vintages = await rows(
      'SELECT load_type, load_id, bool_and(order_date <= load_id) FROM global_sales GROUP BY ALL',
    );
    expect(vintages).toHaveLength(42);
    expect(vintages.every((row) => row[2] === true)).toBe(true);
    expect(new Set(vintages.map((row) => `${String(row[0])}/${String(row[1])}`))).toEqual(
      new Set([...DAILY_IDS.map((id) => `DAILY/${id}`), ...MONTHLY_IDS.map((id) => `MONTHLY/${id}`)]),
    );
  });

  it('prunes to one file on a load_type and load_id filter, also with bind parameters', async () => {
    const all = await plan('EXPLAIN ANALYZE SELECT count(*) FROM global_sales');
    expect(all).toContain('Total Files Read: 42');

    const literal = await plan(
      `EXPLAIN ANALYZE SELECT count(*) FROM global_sales WHERE load_type = 'DAILY' AND load_id = DATE '2026-11-20'`,
    );
    expect(literal).toContain('Scanning Files: 1/42');
    expect(literal).toContain('Total Files Read: 1');

    // As the compiler emits it: values bound, cast to the partition column's type.
    const bound = await plan(
      'EXPLAIN ANALYZE SELECT sum(amount) FROM global_sales WHERE load_type = $1 AND load_id = CAST($2 AS DATE)',
      ['MONTHLY', '2026-10-31'],
    );
    expect(bound).toContain('Scanning Files: 1/42');
    expect(bound).toContain('Total Files Read: 1');

    const daily = await plan(`EXPLAIN SELECT count(*) FROM global_sales WHERE load_type = $1`, ['DAILY']);
    expect(daily).toContain('Scanning Files: 30/42');
  });
});

describe('materialized view', () => {
  it('holds exactly global_sales LEFT JOIN employee_roster, every row once', async () => {
    const { global_sales: sales, employee_roster: roster } = SALES_WITH_EMPLOYEE_COLUMNS;
    const join = `SELECT ${[...sales.map((c) => `s.${c}`), ...roster.map((c) => `e.${c}`)].join(', ')}
      FROM global_sales AS s LEFT JOIN employee_roster AS e ON s.employee_id = e.employee_id`;
    expect(MATERIALIZED_VIEWS).toEqual(['sales_with_employee']);
    expect(await one('SELECT count(*) FROM sales_with_employee')).toBe(SALES_ROWS);
    expect(await one(`SELECT count(*) FROM (${join} EXCEPT ALL FROM sales_with_employee)`)).toBe(0);
    expect(await one(`SELECT count(*) FROM (FROM sales_with_employee EXCEPT ALL ${join})`)).toBe(0);
    // Sales by departed or no employees keep their row, with NULLs for the employee.
    expect(
      await one('SELECT count(*) FROM sales_with_employee WHERE employee_employee_id IS NULL'),
    ).toBeGreaterThan(SALES_ROWS * 0.02);
  });
});

describe('catalog services/metadata/catalog/demo.yaml', () => {
  interface CatalogDataset {
    id: string;
    table: string;
    grants: { groups: string[]; actions: string[] }[];
    uniqueKey: string[];
    partition?: { loadTypeColumn: string; loadIdColumn: string; required: boolean };
    columns: { name: string; label: string; format?: string }[];
    joins?: { dataset: string; on: { left: string; right: string }[] }[];
  }
  interface CatalogView {
    id: string;
    table: string;
    columns: Record<string, string>;
  }
  const catalog = parse(readFileSync(CATALOG, 'utf8')) as {
    datasets: CatalogDataset[];
    materializedViews: CatalogView[];
  };
  const datasets = catalog.datasets;
  const byId = new Map(datasets.map((dataset) => [dataset.id, dataset]));

  async function columnTypes(table: string): Promise<Map<string, string>> {
    const described = await rows(`SELECT column_name, column_type FROM (DESCRIBE ${table})`);
    return new Map(described.map((row) => [String(row[0]), String(row[1])]));
  }

  it('describes every table with who may do what (docs/API.md, "The catalog file")', () => {
    expect(datasets.map((d) => d.id).sort()).toEqual([...TABLES].sort());
    const grants = (id: string) => byId.get(id)?.grants.map((g) => [g.groups.join(), g.actions.join()]);
    expect(grants('employee_roster')).toEqual([
      ['hr', 'view,export'],
      ['admins', 'view,export,admin'],
      ['analysts', 'view'],
    ]);
    for (const id of ['global_sales', 'products', 'customers']) {
      expect(grants(id)).toEqual([
        ['analysts', 'view,export'],
        ['admins', 'view,export,admin'],
        ['sales-emea', 'view'],
      ]);
    }
    expect(byId.get('global_sales')?.partition).toEqual({
      loadTypeColumn: 'load_type',
      loadIdColumn: 'load_id',
      required: true,
    });
  });

  it('exposes exactly the warehouse columns, labelled, with money formatted', async () => {
    for (const dataset of datasets) {
      const types = await columnTypes(dataset.table);
      expect(dataset.columns.map((c) => c.name)).toEqual([...types.keys()]);
      for (const key of dataset.uniqueKey) expect(types.has(key)).toBe(true);
      for (const column of dataset.columns) {
        expect(column.label.length).toBeGreaterThan(0);
        if (column.format === 'money') expect(types.get(column.name)).toMatch(/^DECIMAL/);
      }
    }
    const money = datasets.flatMap((d) => d.columns.filter((c) => c.format === 'money').map((c) => c.name));
    expect(money.sort()).toEqual(['amount', 'credit_limit', 'list_price', 'salary', 'unit_price']);
  });

  it('suggests joins from global_sales to each dimension on columns that exist', async () => {
    const sales = byId.get('global_sales');
    expect(sales?.joins?.map((j) => j.dataset).sort()).toEqual(['customers', 'employee_roster', 'products']);
    const salesTypes = await columnTypes('global_sales');
    for (const join of sales?.joins ?? []) {
      const otherTypes = await columnTypes(byId.get(join.dataset)?.table ?? '');
      for (const { left, right } of join.on) {
        expect(salesTypes.has(left)).toBe(true);
        expect(otherTypes.get(right)).toBe(salesTypes.get(left));
      }
    }
  });

  it('maps every column of the materialized view to a dataset column of the same type', async () => {
    expect(catalog.materializedViews.map((view) => view.table)).toEqual([...MATERIALIZED_VIEWS]);
    for (const view of catalog.materializedViews) {
      const types = await columnTypes(view.table);
      const mapped = Object.entries(view.columns);
      expect(mapped.map(([, column]) => column).sort()).toEqual([...types.keys()].sort());
      for (const [ref, column] of mapped) {
        const [dataset = '', name = ''] = ref.split('.');
        expect(types.get(column)).toBe((await columnTypes(byId.get(dataset)?.table ?? '')).get(name));
      }
    }
  });
});
