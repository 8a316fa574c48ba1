import { parseQuery } from '../src';
import {
  aCondition,
  aGroup,
  aMeasure,
  aQuery,
  AuroraError,
  ErrorCode,
  expectInvalidQuery,
  thrownBy,
  type Json,
} from './fixtures';

/** The example body of docs/API.md, "The query", verbatim. */
function apiExampleQuery(): Json {
  return {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
    joins: [
      {
        dataset: 'employee_roster',
        type: 'left',
        on: [{ left: 'global_sales.employee_id', right: 'employee_roster.employee_id' }],
      },
    ],
    columns: ['global_sales.region', 'employee_roster.department', 'global_sales.amount'],
    filter: {
      kind: 'group',
      op: 'and',
      items: [
        { kind: 'condition', column: 'global_sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
        {
          kind: 'group',
          op: 'or',
          items: [
            { kind: 'condition', column: 'global_sales.amount', operator: 'between', values: [100, 500] },
            {
              kind: 'condition',
              column: 'employee_roster.department',
              operator: 'starts_with',
              value: 'Sal',
            },
          ],
        },
      ],
    },
    aggregate: {
      groupBy: ['global_sales.region', 'employee_roster.department'],
      measures: [
        { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
        { fn: 'count', column: null, as: 'orders' },
      ],
    },
    resultFilter: {
      kind: 'group',
      op: 'and',
      items: [{ kind: 'condition', column: 'total_amount', operator: '>', value: 10000 }],
    },
    sort: [{ column: 'total_amount', dir: 'desc' }],
    limit: 1000,
    page: { number: 1, size: 50 },
  };
}

describe('parseQuery: valid bodies', () => {
  it('accepts the example query of docs/API.md and returns it unchanged', () => {
    const body = apiExampleQuery();

    const query = parseQuery(body);

    expect(query).toEqual(apiExampleQuery());
  });

  it('accepts the smallest query: a dataset and one column', () => {
    const query = parseQuery({ dataset: 'global_sales', columns: ['region'] });

    expect(query).toEqual({ dataset: 'global_sales', columns: ['region'] });
  });

  it('does not modify the body it was given', () => {
    const body = aQuery({ page: { number: 3 } });

    parseQuery(body);

    expect(body).toEqual(aQuery({ page: { number: 3 } }));
  });

  it('accepts every join type', () => {
    for (const type of ['inner', 'left', 'right', 'full']) {
      const body = aQuery({
        joins: [{ dataset: 'b', type, on: [{ left: 'global_sales.k', right: 'b.k' }] }],
      });

      expect(parseQuery(body).joins?.[0]?.type).toBe(type);
    }
  });

  it('accepts every measure function, and count over all rows with a null column', () => {
    const fns = ['sum', 'avg', 'min', 'max', 'count', 'count_distinct'];
    const measures = fns.map((fn) => aMeasure({ fn, as: `m_${fn}` }));

    const query = parseQuery(aQuery({ aggregate: { groupBy: [], measures: [...measures] } }));

    expect(query.aggregate?.measures.map((m) => m.fn)).toEqual(fns);
  });

  it('accepts a numeric Load ID as well as a textual one', () => {
    const body = aQuery({ vintages: { global_sales: { loadType: 'MONTHLY', loadId: 202611 } } });

    expect(parseQuery(body).vintages).toEqual({ global_sales: { loadType: 'MONTHLY', loadId: 202611 } });
  });

  it('accepts a negated group and a negated condition', () => {
    const body = aQuery({ filter: aGroup([aCondition({ not: true })], { not: true, op: 'or' }) });

    expect(parseQuery(body).filter).toEqual(aGroup([aCondition({ not: true })], { not: true, op: 'or' }));
  });
});

describe('parseQuery: columns and aggregate', () => {
  it('rejects a query with neither columns nor aggregate, pointing at columns', () => {
    const error = expectInvalidQuery({ dataset: 'global_sales' }, 'columns');

    expect(error.detail).toMatch(/column/);
  });

  it('accepts a query without columns when it aggregates', () => {
    const body = { dataset: 'global_sales', aggregate: { groupBy: ['region'], measures: [aMeasure()] } };

    expect(parseQuery(body).columns).toBeUndefined();
  });

  it('accepts columns together with an aggregate', () => {
    const body = aQuery({ aggregate: { groupBy: ['global_sales.region'], measures: [] } });

    expect(parseQuery(body).columns).toEqual(['global_sales.region']);
  });

  it('rejects an empty column list even when aggregating', () => {
    expectInvalidQuery(aQuery({ columns: [], aggregate: { groupBy: ['region'], measures: [] } }), 'columns');
  });

  it('requires both groupBy and measures inside aggregate', () => {
    expectInvalidQuery(aQuery({ aggregate: { groupBy: ['region'] } }), 'aggregate.measures');
    expectInvalidQuery(aQuery({ aggregate: { measures: [aMeasure()] } }), 'aggregate.groupBy');
  });

  it('rejects an unknown measure function', () => {
    const body = aQuery({ aggregate: { groupBy: [], measures: [aMeasure({ fn: 'median' })] } });

    expectInvalidQuery(body, 'aggregate.measures[0].fn');
  });

  it('rejects a measure without a column field (null must be explicit)', () => {
    const measure = { fn: 'count', as: 'orders' };

    expectInvalidQuery(
      aQuery({ aggregate: { groupBy: [], measures: [measure] } }),
      'aggregate.measures[0].column',
    );
  });
});

describe('parseQuery: errors', () => {
  it('throws an AuroraError with code, business-readable detail and path', () => {
    const body = aQuery({ filter: aGroup([aCondition(), aCondition(), aCondition({ column: 42 })]) });

    const error = thrownBy(() => parseQuery(body));

    expect(error).toBeInstanceOf(AuroraError);
    expect(error).toMatchObject({
      name: 'AuroraError',
      code: ErrorCode.INVALID_QUERY,
      path: 'filter.items[2].column',
    });
    expect((error as AuroraError).detail).not.toBe('');
    expect((error as AuroraError).message).toContain('filter.items[2].column');
  });

  it('points into nested groups', () => {
    const body = aQuery({ filter: aGroup([aCondition(), aGroup([aCondition({ operator: 'like' })])]) });

    expectInvalidQuery(body, 'filter.items[1].items[0].operator');
  });

  it('points into arrays of the query', () => {
    expectInvalidQuery(aQuery({ columns: ['a', 'b', 7] }), 'columns[2]');
    expectInvalidQuery(
      aQuery({
        sort: [
          { column: 'a', dir: 'asc' },
          { column: 'b', dir: 'up' },
        ],
      }),
      'sort[1].dir',
    );
    expectInvalidQuery(
      aQuery({ joins: [{ dataset: 'b', type: 'left', on: [{ left: 'a.k', right: 3 }] }] }),
      'joins[0].on[0].right',
    );
  });

  it('points at the vintage of the dataset concerned', () => {
    const body = aQuery({ vintages: { global_sales: { loadType: '', loadId: 'x' } } });

    expectInvalidQuery(body, 'vintages.global_sales.loadType');
  });

  it.each([
    ['null', null],
    ['an array', [aQuery()]],
    ['a string', '{"dataset":"global_sales"}'],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects a body that is %s, without a path', (_name, body) => {
    expectInvalidQuery(body, undefined);
  });

  it('rejects a missing or malformed dataset at dataset', () => {
    expectInvalidQuery({ columns: ['region'] }, 'dataset');
    expectInvalidQuery(aQuery({ dataset: 'global_sales.region' }), 'dataset');
    expectInvalidQuery(aQuery({ dataset: 'global sales' }), 'dataset');
  });

  it('rejects a join without on pairs or with a malformed dataset', () => {
    expectInvalidQuery(aQuery({ joins: [{ dataset: 'b', type: 'left', on: [] }] }), 'joins[0].on');
    expectInvalidQuery(
      aQuery({ joins: [{ dataset: 'b;drop', type: 'left', on: [{ left: 'a', right: 'b' }] }] }),
      'joins[0].dataset',
    );
    expectInvalidQuery(
      aQuery({ joins: [{ dataset: 'b', type: 'cross', on: [{ left: 'a', right: 'b' }] }] }),
      'joins[0].type',
    );
  });

  it('rejects a limit below one or not whole', () => {
    expect(parseQuery(aQuery({ limit: 1 })).limit).toBe(1);
    expectInvalidQuery(aQuery({ limit: 0 }), 'limit');
    expectInvalidQuery(aQuery({ limit: 10.5 }), 'limit');
    expectInvalidQuery(aQuery({ limit: '10' }), 'limit');
  });
});
