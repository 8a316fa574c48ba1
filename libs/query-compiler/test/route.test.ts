import { AuroraError } from '@aurora/errors';
import { parseQuery } from '@aurora/query-model';
import { catalogOf, compileCount, compileQuery, type CatalogMaterializedView } from '../src';
import { DAILY, ROUTING_CATALOG, SALES_DATASETS, SALES_WITH_EMPLOYEE } from './fixtures/catalog';

const options = { dialect: 'duckdb' as const, maxRowLimit: 10_000 };
const condition = (column: string, operator: string, extra: object = {}) => ({
  kind: 'condition',
  column,
  operator,
  ...extra,
});
const where = (...items: object[]) => ({ kind: 'group', op: 'and', items });
const rosterJoin = (extra: object = {}) => ({
  dataset: 'employee_roster',
  type: 'left',
  on: [{ left: 'global_sales.employee_id', right: 'employee_roster.employee_id' }],
  ...extra,
});
/** A query the view covers; each test changes one thing. */
const covered = (extra: object = {}) => ({
  dataset: 'global_sales',
  vintages: DAILY,
  joins: [rosterJoin()],
  columns: ['global_sales.region', 'employee_roster.department'],
  page: { number: 1, size: 50 },
  ...extra,
});

function routed(body: unknown, catalog = ROUTING_CATALOG): boolean {
  const { sql } = compileQuery(parseQuery(body), catalog, options);
  return catalog.materializedViews.some((view) => sql.includes(`FROM "${view.table.name}"`));
}

describe('a query is routed to a materialized view that covers it', () => {
  it('reads the view (rows and count) when join, columns, filters, sort and vintage are all covered', () => {
    const body = covered({
      filter: where(condition('employee_roster.name', 'contains', { value: 'o' })),
      sort: [{ column: 'global_sales.amount', dir: 'desc' }],
    });
    expect(routed(body)).toBe(true);
    expect(compileCount(parseQuery(body), ROUTING_CATALOG, options).sql).toContain(
      'FROM "sales_with_employee"',
    );
  });

  it('reads the view for an aggregate over covered columns, with a result filter', () => {
    const body = covered({
      aggregate: {
        groupBy: ['global_sales.region'],
        measures: [{ fn: 'max', column: 'employee_roster.name', as: 'last_name' }],
      },
      resultFilter: where(condition('last_name', 'is_null', { not: true })),
    });
    expect(routed(body)).toBe(true);
  });

  it('still reports the datasets the user asked for, not the view', () => {
    const compiled = compileQuery(parseQuery(covered()), ROUTING_CATALOG, options);
    expect(compiled.sources.map((source) => source.dataset)).toEqual(['global_sales', 'employee_roster']);
  });
});

describe('never routed when something is not covered', () => {
  it.each([
    ['a result column the view lacks', covered({ columns: ['global_sales.quantity'] })],
    [
      'a filter on a column the view lacks',
      covered({ filter: where(condition('global_sales.comment', 'is_null')) }),
    ],
    [
      'a measure over a column the view lacks',
      covered({
        aggregate: { groupBy: [], measures: [{ fn: 'sum', column: 'global_sales.quantity', as: 'q' }] },
      }),
    ],
    [
      'a sort on a column the view lacks',
      covered({ sort: [{ column: 'global_sales.quantity', dir: 'asc' }] }),
    ],
    ['another join type (inner)', covered({ joins: [rosterJoin({ type: 'inner' })] })],
    ['another join type (full)', covered({ joins: [rosterJoin({ type: 'full' })] })],
    [
      'other join keys',
      covered({
        joins: [
          rosterJoin({ on: [{ left: 'global_sales.product_id', right: 'employee_roster.employee_id' }] }),
        ],
      }),
    ],
    [
      'an extra join key',
      covered({
        joins: [
          rosterJoin({
            on: [
              { left: 'global_sales.employee_id', right: 'employee_roster.employee_id' },
              { left: 'global_sales.region', right: 'employee_roster.name' },
            ],
          }),
        ],
      }),
    ],
    [
      'the same join written the other way round',
      {
        dataset: 'employee_roster',
        joins: [
          {
            dataset: 'global_sales',
            type: 'right',
            on: [{ left: 'employee_roster.employee_id', right: 'global_sales.employee_id' }],
          },
        ],
        vintages: DAILY,
        columns: ['global_sales.region'],
      },
    ],
    ['one dataset of the view alone', { dataset: 'global_sales', vintages: DAILY, columns: ['region'] }],
    [
      'a third dataset joined',
      covered({
        joins: [
          rosterJoin(),
          {
            dataset: 'products',
            type: 'left',
            on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
          },
        ],
      }),
    ],
  ])('%s', (_name, body) => {
    expect(routed(body)).toBe(false);
  });

  it('with a calculated column, even one over covered columns (the planner writes it over the scans)', () => {
    expect(routed(covered())).toBe(true);
    const computed = [{ as: 'doubled', expr: 'global_sales.amount * 2' }];
    expect(routed(covered({ computed, columns: ['global_sales.region', 'doubled'] }))).toBe(false);
    expect(routed(covered({ computed, filter: where(condition('doubled', '>', { value: 1 })) }))).toBe(false);
  });

  it('without the unique key of a covered dataset (pages would not be ordered the same)', () => {
    const columns = new Map(SALES_WITH_EMPLOYEE.columns);
    columns.delete('global_sales.sale_id');
    expect(routed(covered(), catalogOf(SALES_DATASETS, [{ ...SALES_WITH_EMPLOYEE, columns }]))).toBe(false);
  });

  it('without the partition columns of a vintage', () => {
    const columns = new Map(SALES_WITH_EMPLOYEE.columns);
    columns.delete('global_sales.load_id');
    expect(routed(covered(), catalogOf(SALES_DATASETS, [{ ...SALES_WITH_EMPLOYEE, columns }]))).toBe(false);
  });

  it('with a vintage on the null-supplying side of an outer join', () => {
    // employee_roster LEFT JOIN global_sales: the query keeps employees whose sales are all in other vintages.
    const view: CatalogMaterializedView = {
      ...SALES_WITH_EMPLOYEE,
      id: 'employee_with_sales',
      table: { name: 'employee_with_sales' },
      dataset: 'employee_roster',
      joins: [
        {
          dataset: 'global_sales',
          type: 'left',
          on: [{ left: 'employee_roster.employee_id', right: 'global_sales.employee_id' }],
        },
      ],
    };
    const body = {
      dataset: 'employee_roster',
      vintages: DAILY,
      joins: [
        {
          dataset: 'global_sales',
          type: 'left',
          on: [{ left: 'employee_roster.employee_id', right: 'global_sales.employee_id' }],
        },
      ],
      columns: ['employee_roster.name', 'global_sales.region'],
    };
    const catalog = catalogOf(SALES_DATASETS, [view]);
    expect(routed(body, catalog)).toBe(false);
    // The same view answers the query without that vintage (the partition is optional here).
    const optional = SALES_DATASETS.map((d) =>
      d.partition ? { ...d, partition: { ...d.partition, required: false } } : d,
    );
    expect(routed({ ...body, vintages: undefined }, catalogOf(optional, [view]))).toBe(true);
  });

  it('never lets a user reach a dataset they cannot read: the query is refused before any routing', () => {
    const salesOnly = catalogOf(
      SALES_DATASETS.filter((d) => d.id === 'global_sales'),
      [SALES_WITH_EMPLOYEE],
    );
    expect(() => compileQuery(parseQuery(covered()), salesOnly, options)).toThrow(AuroraError);
    expect(routed({ dataset: 'global_sales', vintages: DAILY, columns: ['region'] }, salesOnly)).toBe(false);
  });
});
