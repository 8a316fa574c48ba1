import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter } from '@aurora/warehouse';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialectName } from '@aurora/sql-dialect';
import { compileCount, compileQuery, type CompiledQuery } from '../src';
import { ROUTING_CATALOG, SALES_CATALOG, SALES_SETUP, SALES_WITH_EMPLOYEE_SETUP } from './fixtures/catalog';
import { GOLDEN_QUERIES, ROUTED_GOLDEN_QUERIES } from './fixtures/golden-queries';

// UPDATE_GOLDEN=1 rewrites the files; review the diff like any other change to the compiler.
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const DIALECTS: readonly DialectName[] = ['duckdb', 'oracle'];
const options = (dialect: DialectName) => ({ dialect, maxRowLimit: 100_000 });

function render(compiled: CompiledQuery): string {
  const params = JSON.stringify(compiled.params, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value.toString()}n` : value,
  );
  return `-- params: ${params}\n${compiled.sql}\n`;
}

function expectGolden(name: string, compiled: CompiledQuery): void {
  const file = join(__dirname, 'golden', `${name}.${compiled.dialect}.sql`);
  if (UPDATE || !existsSync(file)) writeFileSync(file, render(compiled));
  expect(render(compiled)).toBe(readFileSync(file, 'utf8'));
}

const cases = Object.entries(GOLDEN_QUERIES).flatMap(([name, body]) =>
  DIALECTS.map((dialect) => [name, dialect, body] as const),
);

describe('golden SQL per dialect', () => {
  it.each(cases)('%s (%s)', (name, dialect, body) => {
    expectGolden(name, compileQuery(parseQuery(body), SALES_CATALOG, options(dialect)));
  });

  const routed = Object.entries(ROUTED_GOLDEN_QUERIES).flatMap(([name, body]) =>
    DIALECTS.map((dialect) => [name, dialect, body] as const),
  );
  it.each(routed)('%s (%s) reads the materialized view, never the join', (name, dialect, body) => {
    const compiled = compileQuery(parseQuery(body), ROUTING_CATALOG, options(dialect));
    expect(compiled.sql).toContain('FROM "sales_with_employee"');
    expect(compiled.sql).not.toContain('JOIN');
    expectGolden(name, compiled);
  });

  it.each(DIALECTS)('count of the API example (%s)', (dialect) => {
    const body = GOLDEN_QUERIES['api-example-aggregate-having-sort-page'];
    expectGolden('count-api-example', compileCount(parseQuery(body), SALES_CATALOG, options(dialect)));
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
