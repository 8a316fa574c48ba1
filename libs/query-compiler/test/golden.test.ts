import { parseQuery } from '@aurora/query-model';
import type { DialectName } from '@aurora/sql-dialect';
import { DuckDbAdapter } from '@aurora/warehouse';
import { join } from 'node:path';
import { compileCount, compilePivotValues, compileQuery, type CompiledQuery } from '../src';
import {
  DAILY,
  GOLDEN_MASKING_KEY,
  policedCatalog,
  ROUTING_CATALOG,
  SALES_CATALOG,
  SALES_SETUP,
  SALES_WITH_EMPLOYEE_SETUP,
} from './fixtures/catalog';
import {
  GOLDEN_QUERIES,
  PIVOT_GOLDEN_QUERIES,
  POLICED_GOLDEN_QUERIES,
  ROUTED_GOLDEN_QUERIES,
} from './fixtures/golden-queries';
import { checkGolden, staleGoldenFiles } from './support/golden-files';

// UPDATE_GOLDEN=1 rewrites the files (and deletes those no case owns); review the diff like any other change
// to the compiler. Without it, a missing file fails.
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN_DIR = join(__dirname, 'golden');
const DIALECTS: readonly DialectName[] = ['duckdb', 'oracle'];
const COUNT_CASE = 'count-api-example';
// A fixed day and zone: relative date filters resolve against them.
const options = (dialect: DialectName) => ({
  dialect,
  maxRowLimit: 100_000,
  today: '2026-11-20',
  timeZone: 'Europe/Zurich',
});

const fileName = (name: string, dialect: DialectName): string => `${name}.${dialect}.sql`;

function render(compiled: CompiledQuery): string {
  const shown = compiled.params.map((value, i) => (compiled.secretParams.includes(i) ? '[secret]' : value));
  const params = JSON.stringify(shown, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value.toString()}n` : value,
  );
  return `-- params: ${params}\n${compiled.sql}\n`;
}

function expectGolden(name: string, compiled: CompiledQuery): void {
  checkGolden(GOLDEN_DIR, fileName(name, compiled.dialect), render(compiled), UPDATE);
}

const perDialect = (queries: Readonly<Record<string, unknown>>) =>
  Object.entries(queries).flatMap(([name, body]) =>
    DIALECTS.map((dialect) => [name, dialect, body] as const),
  );
const cases = perDialect(GOLDEN_QUERIES);
const routed = perDialect(ROUTED_GOLDEN_QUERIES);
const policed = Object.entries(POLICED_GOLDEN_QUERIES).flatMap(([name, { body, regions }]) =>
  DIALECTS.map((dialect) => [name, dialect, body, regions] as const),
);
const pivots = Object.entries(PIVOT_GOLDEN_QUERIES).flatMap(([name, { body, values }]) =>
  DIALECTS.map((dialect) => [name, dialect, body, values] as const),
);
const PIVOT_VALUES_CASE = 'pivot-values-read-under-the-row-policy';
const policedOptions = (dialect: DialectName) => ({ ...options(dialect), maskingKey: GOLDEN_MASKING_KEY });

describe('golden SQL per dialect', () => {
  it.each(cases)('%s (%s)', (name, dialect, body) => {
    expectGolden(name, compileQuery(parseQuery(body), SALES_CATALOG, options(dialect)));
  });

  it.each(routed)('%s (%s) reads the materialized view, never the join', (name, dialect, body) => {
    const compiled = compileQuery(parseQuery(body), ROUTING_CATALOG, options(dialect));
    expect(compiled.sql).toContain('FROM "sales_with_employee"');
    expect(compiled.sql).not.toContain('JOIN');
    expectGolden(name, compiled);
  });

  it.each(policed)('%s (%s): policies on the scans, never the view', (name, dialect, body, regions) => {
    const compiled = compileQuery(parseQuery(body), policedCatalog(regions), policedOptions(dialect));
    expect(compiled.sql).not.toContain('sales_with_employee');
    expect(compiled.secretParams.map((i) => compiled.params[i])).toEqual(
      compiled.sql.includes('HASH') || compiled.sql.includes('SHA256') ? [GOLDEN_MASKING_KEY] : [],
    );
    expectGolden(name, compiled);
  });

  it.each(DIALECTS)('count of the API example (%s)', (dialect) => {
    const body = GOLDEN_QUERIES['api-example-aggregate-having-sort-page'];
    expectGolden(COUNT_CASE, compileCount(parseQuery(body), SALES_CATALOG, options(dialect)));
  });

  it.each(pivots)('%s (%s): the values are bound, never written', (name, dialect, body, values) => {
    const compiled = compileQuery(parseQuery(body), SALES_CATALOG, {
      ...options(dialect),
      pivotValues: values,
    });
    for (const value of values) if (value !== null) expect(compiled.sql).not.toContain(String(value));
    expectGolden(name, compiled);
  });

  it.each(DIALECTS)('the pivot values are read with the row policy (%s)', (dialect) => {
    const body = {
      dataset: 'global_sales',
      vintages: DAILY,
      aggregate: {
        groupBy: ['employee_id'],
        measures: [{ fn: 'sum', column: 'amount', as: 'amount' }],
        pivot: { column: 'region' },
      },
    };
    const read = compilePivotValues(parseQuery(body), policedCatalog(['EMEA']), policedOptions(dialect));
    if (!read) throw new Error('a pivot has a values statement');
    expectGolden(PIVOT_VALUES_CASE, read.values);
  });

  it('every golden file belongs to a case (UPDATE_GOLDEN=1 deletes the others)', () => {
    const owned = new Set([
      ...[...cases, ...routed, ...policed, ...pivots].map(([name, dialect]) => fileName(name, dialect)),
      ...DIALECTS.map((dialect) => fileName(COUNT_CASE, dialect)),
      ...DIALECTS.map((dialect) => fileName(PIVOT_VALUES_CASE, dialect)),
    ]);
    expect(staleGoldenFiles(GOLDEN_DIR, owned, UPDATE)).toEqual([]);
  });
});

describe('every golden DuckDB statement runs', () => {
  let db: DuckDbAdapter;
  beforeAll(async () => {
    db = await DuckDbAdapter.open({
      path: ':memory:',
      readOnly: false,
      connections: 1,
      defaultTimeoutMs: 10_000,
    });
    for (const statement of SALES_SETUP) await db.execute(statement);
    await db.execute(SALES_WITH_EMPLOYEE_SETUP);
  });
  afterAll(() => db.close());

  it.each(Object.entries(GOLDEN_QUERIES))('%s', async (_name, body) => {
    const compiled = compileQuery(parseQuery(body), SALES_CATALOG, options('duckdb'));
    const result = await db.query(compiled);
    expect(result.columns).toEqual(compiled.columns.map((column) => column.name));
  });

  it.each(Object.entries(ROUTED_GOLDEN_QUERIES))(
    '%s: the view returns exactly what the join returns',
    async (_name, body) => {
      const query = parseQuery(body);
      const routed = await db.query(compileQuery(query, ROUTING_CATALOG, options('duckdb')));
      const joined = await db.query(
        compileQuery(query, ROUTING_CATALOG, { ...options('duckdb'), materializedViews: [] }),
      );
      expect(joined.rows.length).toBeGreaterThan(0);
      expect(routed).toEqual(joined);
    },
  );

  it.each(Object.entries(POLICED_GOLDEN_QUERIES))('%s', async (_name, { body, regions }) => {
    const compiled = compileQuery(parseQuery(body), policedCatalog(regions), policedOptions('duckdb'));
    const result = await db.query(compiled);
    expect(result.columns).toEqual(compiled.columns.map((column) => column.name));
    if (regions.length === 0) expect(result.rows).toEqual([[0]]);
  });

  it('finds the rows the API example asks for', async () => {
    const compiled = compileQuery(
      parseQuery(GOLDEN_QUERIES['api-example-aggregate-having-sort-page']),
      SALES_CATALOG,
      options('duckdb'),
    );
    expect((await db.query(compiled)).rows).toEqual([
      ['APAC', 'Sales Ops', 9000.1234, 1, 1, 7],
      ['EMEA', null, 480, 1, 1, 1],
      ['EMEA', 'Sales', 120.5, 1, 1, 2],
    ]);
  });
});
