import { isAuroraError } from '@aurora/errors';
import { parseQuery } from '@aurora/query-model';
import { DuckDbAdapter } from '@aurora/warehouse';
import { compilePivotValues, compileQuery, type CompileOptions } from '../src';
import { DAILY, GOLDEN_MASKING_KEY, policedCatalog, SALES_CATALOG, SALES_SETUP } from './fixtures/catalog';

const options: CompileOptions = { dialect: 'duckdb', maxRowLimit: 100_000, maskingKey: GOLDEN_MASKING_KEY };
const day = (loadId: string) => ({ loadType: 'DAILY', loadId });
const byRegion = (extra: object = {}) => ({
  dataset: 'global_sales',
  compare: { base: day('2026-11-19'), target: day('2026-11-20') },
  aggregate: {
    groupBy: ['region'],
    measures: [
      { fn: 'sum', column: 'amount', as: 'amount' },
      { fn: 'count', column: null, as: 'sales' },
    ],
  },
  sort: [{ column: 'region', dir: 'asc' }],
  ...extra,
});
const pivotByEmployee = {
  dataset: 'global_sales',
  vintages: DAILY,
  aggregate: {
    groupBy: ['employee_id'],
    measures: [{ fn: 'sum', column: 'amount', as: 'amount' }],
    pivot: { column: 'region' },
  },
  sort: [{ column: 'employee_id', dir: 'asc' }],
};

let db: DuckDbAdapter;
beforeAll(async () => {
  db = await DuckDbAdapter.open({
    path: ':memory:',
    readOnly: false,
    connections: 1,
    defaultTimeoutMs: 10_000,
  });
  for (const statement of SALES_SETUP) await db.execute(statement);
});
afterAll(() => db.close());

function errorOf(run: () => unknown): { code: string; path: string | undefined; detail: string } {
  try {
    run();
  } catch (error) {
    if (isAuroraError(error)) return { code: error.code, path: error.path, detail: error.detail };
    throw error;
  }
  throw new Error('expected an error');
}

describe('vintage comparison', () => {
  it('returns one row per key with both sides, the difference, the change and the status', async () => {
    const compiled = compileQuery(parseQuery(byRegion()), SALES_CATALOG, options);
    expect(compiled.columns.map((c) => c.name)).toEqual([
      'region',
      'amount_base',
      'amount_target',
      'amount_diff',
      'amount_pct',
      'sales_base',
      'sales_target',
      'sales_diff',
      'sales_pct',
      'status',
    ]);
    const { rows } = await db.query(compiled);
    expect(rows).toEqual([
      ['AMER', 15.25, null, -15.25, -100, 1, null, -1, -100, 'removed'],
      ['APAC', null, 9000.1234, 9000.1234, null, null, 1, 1, null, 'added'],
      ['EMEA', null, 600.5, 600.5, null, null, 2, 2, null, 'added'],
    ]);
  });

  it('tells same from changed, and filters on the status', async () => {
    const same = byRegion({ compare: { base: day('2026-11-20'), target: day('2026-11-20') } });
    const { rows } = await db.query(compileQuery(parseQuery(same), SALES_CATALOG, options));
    expect(rows.map((row) => row.at(-1))).toEqual(['same', 'same']);
    const total = {
      ...byRegion({
        resultFilter: {
          kind: 'group',
          op: 'and',
          items: [{ kind: 'condition', column: 'status', operator: '=', value: 'changed' }],
        },
      }),
      aggregate: { groupBy: [], measures: [{ fn: 'count', column: null, as: 'sales' }] },
      sort: [],
    };
    const changed = await db.query(compileQuery(parseQuery(total), SALES_CATALOG, options));
    expect(changed.rows).toEqual([[1, 3, 2, 200, 'changed']]);
  });

  it('reads one partition per side: the cost guard sees the primary dataset as read by vintage', () => {
    const compiled = compileQuery(parseQuery(byRegion()), SALES_CATALOG, options);
    expect(compiled.sources[0]?.partition).toEqual({ vintage: true });
  });

  it('sorts on a difference and pages stably', async () => {
    const body = byRegion({ sort: [{ column: 'amount_diff', dir: 'desc' }], page: { number: 2, size: 1 } });
    const { rows } = await db.query(compileQuery(parseQuery(body), SALES_CATALOG, options));
    expect(rows.map((row) => row[0])).toEqual(['EMEA']);
  });

  it('applies the row policy to both sides', async () => {
    const { rows } = await db.query(compileQuery(parseQuery(byRegion()), policedCatalog(['EMEA']), options));
    expect(rows.map((row) => [row[0], row.at(-1)])).toEqual([['EMEA', 'added']]);
  });

  it.each([
    [
      'without aggregate',
      { dataset: 'global_sales', compare: byRegion().compare, columns: ['region'] },
      'compare',
    ],
    [
      'of an unpartitioned dataset',
      { ...byRegion(), dataset: 'products', aggregate: { groupBy: ['category'], measures: [] }, sort: [] },
      'compare',
    ],
    ['with a vintage of its own', { ...byRegion(), vintages: DAILY }, 'vintages.global_sales'],
    [
      'of a measure that is not a number',
      {
        ...byRegion(),
        aggregate: { groupBy: ['region'], measures: [{ fn: 'max', column: 'sold_at', as: 'm' }] },
      },
      'aggregate.measures[0]',
    ],
    [
      'together with a pivot',
      { ...byRegion(), aggregate: { ...byRegion().aggregate, pivot: { column: 'is_return' } } },
      'aggregate.pivot',
    ],
  ])('is refused %s', (_name, body, path) => {
    // The query service's order: a pivot's values first (which checks the whole query), then the rows.
    const compile = (query = parseQuery(body)) =>
      compilePivotValues(query, SALES_CATALOG, options) ?? compileQuery(query, SALES_CATALOG, options);
    expect(errorOf(() => compile())).toMatchObject({
      code: 'INVALID_QUERY',
      path,
    });
  });
});

describe('pivot', () => {
  it('reads the column values first, then one column per value, labelled by it', async () => {
    const query = parseQuery(pivotByEmployee);
    const read = compilePivotValues(query, SALES_CATALOG, options);
    if (!read) throw new Error('a pivot has a values statement');
    const values = (await db.query(read.values)).rows.map((row) => row[0] as string);
    expect(values).toEqual(['APAC', 'EMEA']);
    const compiled = compileQuery(query, SALES_CATALOG, { ...options, pivotValues: values });
    expect(compiled.columns.map((c) => [c.name, c.label])).toEqual([
      ['employee_id', 'Employee Id'],
      ['p1_amount', 'APAC'],
      ['p2_amount', 'EMEA'],
    ]);
    expect((await db.query(compiled)).rows).toEqual([
      [1, null, 120.5],
      [2, 9000.1234, null],
      [3, null, 480],
    ]);
  });

  it('gives NULL its own column', async () => {
    const body = {
      ...pivotByEmployee,
      vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' } },
    };
    const compiled = compileQuery(parseQuery(body), SALES_CATALOG, { ...options, pivotValues: [null] });
    expect(compiled.columns.map((c) => c.label)).toEqual(['Employee Id', '(no value)']);
    expect((await db.query(compiled)).rows).toEqual([[null, null]]);
  });

  it('reads only the values the row policy lets the user see (the header is data too)', async () => {
    const read = compilePivotValues(parseQuery(pivotByEmployee), policedCatalog(['EMEA']), options);
    if (!read) throw new Error('a pivot has a values statement');
    expect((await db.query(read.values)).rows).toEqual([['EMEA']]);
    expect((await db.query(read.count)).rows).toEqual([[1]]);
  });

  it('refuses a masked column: its values are read in order', () => {
    const body = {
      ...pivotByEmployee,
      aggregate: { ...pivotByEmployee.aggregate, pivot: { column: 'sold_at' } },
    };
    expect(
      errorOf(() => compilePivotValues(parseQuery(body), policedCatalog(['EMEA']), options)),
    ).toMatchObject({
      code: 'COLUMN_MASKED',
      path: 'aggregate.pivot.column',
    });
  });

  it('refuses more than 50 values, naming the count', () => {
    const values = Array.from({ length: 51 }, (_, i) => `r${i}`);
    const error = errorOf(() =>
      compileQuery(parseQuery(pivotByEmployee), SALES_CATALOG, { ...options, pivotValues: values }),
    );
    expect(error).toMatchObject({ code: 'INVALID_QUERY', path: 'aggregate.pivot.column' });
    expect(error.detail).toContain('51 distinct values');
  });

  it.each([
    ['on a row dimension', { pivot: { column: 'employee_id' } }, 'aggregate.pivot.column'],
    ['without a measure', { measures: [] }, 'aggregate.measures'],
    ['of a bucket on text', { pivot: { column: 'region', bucket: 'month' } }, 'aggregate.pivot.column'],
  ])('is refused %s', (_name, change, path) => {
    const body = { ...pivotByEmployee, aggregate: { ...pivotByEmployee.aggregate, ...change } };
    expect(errorOf(() => compilePivotValues(parseQuery(body), SALES_CATALOG, options))).toMatchObject({
      code: 'INVALID_QUERY',
      path,
    });
  });

  it('cannot be compiled without its values', () => {
    expect(() => compileQuery(parseQuery(pivotByEmployee), SALES_CATALOG, options)).toThrow(
      /compilePivotValues/,
    );
  });
});
