import { AuroraError } from '@aurora/errors';
import { parseQuery } from '@aurora/query-model';
import { catalogOf, compileQuery } from '../src';
import { DAILY, SALES_CATALOG, SALES_DATASETS } from './fixtures/catalog';

const options = { dialect: 'duckdb' as const, maxRowLimit: 10_000 };
const condition = (column: string, operator: string, extra: object = {}) => ({
  kind: 'condition',
  column,
  operator,
  ...extra,
});
const where = (...items: object[]) => ({ kind: 'group', op: 'and', items });
const sales = (extra: object = {}) => ({
  dataset: 'global_sales',
  vintages: DAILY,
  columns: ['region'],
  ...extra,
});

function errorOf(body: unknown, catalog = SALES_CATALOG): Pick<AuroraError, 'code' | 'path'> {
  try {
    compileQuery(parseQuery(body), catalog, options);
  } catch (error) {
    if (error instanceof AuroraError) return { code: error.code, path: error.path };
    throw error;
  }
  throw new Error('expected the query to be refused');
}

describe('names are bound to the user’s catalog view', () => {
  it('refuses a dataset the view does not expose, without telling whether it exists', () => {
    const hrOnly = catalogOf(SALES_DATASETS.filter((d) => d.id === 'employee_roster'));
    expect(errorOf(sales(), hrOnly)).toEqual({ code: 'UNKNOWN_DATASET', path: 'dataset' });
    expect(errorOf({ dataset: 'nope', columns: ['x'] }, hrOnly)).toEqual({
      code: 'UNKNOWN_DATASET',
      path: 'dataset',
    });
  });

  it('refuses an unknown column wherever it is named', () => {
    expect(errorOf(sales({ columns: ['region', 'margin'] }))).toEqual({
      code: 'UNKNOWN_COLUMN',
      path: 'columns[1]',
    });
    expect(errorOf(sales({ filter: where(condition('margin', 'is_null')) }))).toEqual({
      code: 'UNKNOWN_COLUMN',
      path: 'filter.items[0].column',
    });
    expect(errorOf(sales({ sort: [{ column: 'products.category', dir: 'asc' }] }))).toEqual({
      code: 'UNKNOWN_COLUMN',
      path: 'sort[0].column',
    });
  });

  it('needs dataset.column once the query has joins', () => {
    const body = sales({
      joins: [
        {
          dataset: 'products',
          type: 'inner',
          on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
        },
      ],
    });
    expect(errorOf(body)).toEqual({ code: 'INVALID_QUERY', path: 'columns[0]' });
  });

  it('refuses a join whose keys name the wrong datasets, or the same dataset twice', () => {
    const join = (left: string, right: string, dataset = 'products') => ({
      dataset,
      type: 'inner',
      on: [{ left, right }],
    });
    const columns = ['global_sales.region'];
    expect(
      errorOf(sales({ columns, joins: [join('products.product_id', 'global_sales.product_id')] })),
    ).toEqual({
      code: 'INVALID_QUERY',
      path: 'joins[0].on[0].left',
    });
    expect(
      errorOf(sales({ columns, joins: [join('global_sales.product_id', 'products.category')] })),
    ).toEqual({
      code: 'INVALID_QUERY',
      path: 'joins[0].on[0]',
    });
    const twice = [
      join('global_sales.product_id', 'products.product_id'),
      join('global_sales.product_id', 'products.product_id'),
    ];
    expect(errorOf(sales({ columns, joins: twice }))).toEqual({
      code: 'INVALID_QUERY',
      path: 'joins[1].dataset',
    });
  });
});

describe('vintages', () => {
  it('are required where the catalog says so', () => {
    expect(errorOf({ dataset: 'global_sales', columns: ['region'] })).toEqual({
      code: 'PARTITION_FILTER_REQUIRED',
      path: 'vintages',
    });
  });

  it('are cast to the partition column type', () => {
    const body = sales({ vintages: { global_sales: { loadType: 'DAILY', loadId: '20-11-2026' } } });
    expect(errorOf(body)).toEqual({ code: 'INVALID_VALUE', path: 'vintages.global_sales.loadId' });
  });

  it('only name partitioned datasets of the query', () => {
    expect(errorOf(sales({ vintages: { ...DAILY, products: { loadType: 'X', loadId: 1 } } }))).toEqual({
      code: 'INVALID_QUERY',
      path: 'vintages.products',
    });
  });
});

describe('operators and values follow the column type', () => {
  it.each([
    ['is_return', '<', { value: true }],
    ['is_return', 'between', { values: [false, true] }],
    ['amount', 'contains', { value: '1' }],
    ['load_id', 'starts_with', { value: '2026' }],
  ])('%s %s is refused', (column, operator, operand) => {
    expect(errorOf(sales({ filter: where(condition(column, operator, operand)) }))).toEqual({
      code: 'INVALID_QUERY',
      path: 'filter.items[0].operator',
    });
  });

  it('points at the value that cannot be cast', () => {
    const body = sales({ filter: where(condition('quantity', 'in', { values: [1, 'abc'] })) });
    expect(errorOf(body)).toEqual({ code: 'INVALID_VALUE', path: 'filter.items[0].values[1]' });
  });
});

describe('aggregation', () => {
  const aggregate = (measures: object[], groupBy: string[] = ['region']) =>
    sales({ columns: undefined, aggregate: { groupBy, measures } });

  it('needs numbers to sum or average, and a column for all but count', () => {
    expect(errorOf(aggregate([{ fn: 'sum', column: 'region', as: 'x' }]))).toEqual({
      code: 'INVALID_QUERY',
      path: 'aggregate.measures[0].column',
    });
    expect(errorOf(aggregate([{ fn: 'max', column: null, as: 'x' }]))).toEqual({
      code: 'INVALID_QUERY',
      path: 'aggregate.measures[0].column',
    });
  });

  it('refuses result names used twice', () => {
    expect(errorOf(aggregate([{ fn: 'count', column: null, as: 'region' }]))).toEqual({
      code: 'INVALID_QUERY',
      path: 'aggregate.measures[0].as',
    });
  });

  it('lets the result filter and sort name only result columns', () => {
    const body = {
      ...aggregate([{ fn: 'count', column: null, as: 'orders' }]),
      sort: [{ column: 'amount', dir: 'asc' }],
    };
    expect(errorOf(body)).toEqual({ code: 'UNKNOWN_COLUMN', path: 'sort[0].column' });
    const filtered = {
      ...aggregate([{ fn: 'count', column: null, as: 'orders' }]),
      resultFilter: where(condition('orders', '>', { value: 'many' })),
    };
    expect(errorOf(filtered)).toEqual({ code: 'INVALID_VALUE', path: 'resultFilter.items[0].value' });
  });
});

describe('time buckets', () => {
  const byBucket = (column: string, bucket: string, extra: object = {}) => ({
    dataset: 'global_sales',
    vintages: DAILY,
    aggregate: {
      groupBy: [{ column, bucket, as: 'period' }],
      measures: [{ fn: 'count', column: null, as: 'sales' }],
    },
    ...extra,
  });

  it('are results named by `as`, a date (an hour: a timestamp)', () => {
    const month = compileQuery(parseQuery(byBucket('sold_at', 'month')), SALES_CATALOG, options);
    expect(month.columns[0]).toMatchObject({ name: 'period', label: 'Period', type: 'date' });
    const hour = compileQuery(parseQuery(byBucket('sold_at', 'hour')), SALES_CATALOG, options);
    expect(hour.columns[0]).toMatchObject({ name: 'period', type: 'timestamp' });
  });

  it('need a date or timestamp column, and hours a timestamp', () => {
    expect(errorOf(byBucket('region', 'month'))).toEqual({
      code: 'INVALID_QUERY',
      path: 'aggregate.groupBy[0].column',
    });
    expect(errorOf(byBucket('load_id', 'hour'))).toEqual({
      code: 'INVALID_QUERY',
      path: 'aggregate.groupBy[0].bucket',
    });
    expect(errorOf(byBucket('nope', 'day'))).toEqual({
      code: 'UNKNOWN_COLUMN',
      path: 'aggregate.groupBy[0].column',
    });
  });

  it('sort and filter by their name; the bucketed column itself is not in the result', () => {
    expect(errorOf(byBucket('sold_at', 'week', { sort: [{ column: 'sold_at', dir: 'asc' }] }))).toEqual({
      code: 'UNKNOWN_COLUMN',
      path: 'sort[0].column',
    });
    const named = byBucket('sold_at', 'week', {
      sort: [{ column: 'period', dir: 'desc' }],
      resultFilter: where(condition('period', '>=', { value: 'soon' })),
    });
    expect(errorOf(named)).toEqual({ code: 'INVALID_VALUE', path: 'resultFilter.items[0].value' });
  });

  it('may not take a name another result column has', () => {
    const twice = {
      ...byBucket('sold_at', 'day'),
      aggregate: {
        groupBy: [{ column: 'sold_at', bucket: 'day', as: 'sales' }],
        measures: [{ fn: 'count', column: null, as: 'sales' }],
      },
    };
    expect(errorOf(twice)).toEqual({ code: 'INVALID_QUERY', path: 'aggregate.measures[0].as' });
  });
});

describe('row limits', () => {
  it('refuse a limit or a page beyond MAX_ROW_LIMIT', () => {
    expect(errorOf(sales({ limit: 10_001 }))).toEqual({ code: 'ROW_LIMIT_EXCEEDED', path: 'limit' });
    expect(errorOf(sales({ page: { number: 201, size: 50 } }))).toEqual({
      code: 'ROW_LIMIT_EXCEEDED',
      path: 'page.number',
    });
  });

  it('allow the last page that starts within the limit', () => {
    expect(() =>
      compileQuery(parseQuery(sales({ page: { number: 200, size: 50 } })), SALES_CATALOG, options),
    ).not.toThrow();
  });
});
