import { parseQuery } from '../src';
import {
  aCondition,
  aConditionOf,
  aGroup,
  aJoin,
  aMeasure,
  aQuery,
  expectInvalidQuery,
  type Json,
} from './fixtures';

/** Every object of the query, with an extra field, and the path of that field. */
const OBJECTS_WITH_EXTRA_FIELD: { name: string; body: Json; path: string }[] = [
  { name: 'the query', body: aQuery({ sql: 'SELECT 1' }), path: 'sql' },
  {
    name: 'a vintage',
    body: aQuery({ vintages: { global_sales: { loadType: 'DAILY', loadId: '1', asOf: 'x' } } }),
    path: 'vintages.global_sales.asOf',
  },
  { name: 'a join', body: aQuery({ joins: [aJoin('b', { where: '1=1' })] }), path: 'joins[0].where' },
  {
    name: 'a join key pair',
    body: aQuery({ joins: [aJoin('b', { on: [{ left: 'a.k', right: 'b.k', op: '<' }] })] }),
    path: 'joins[0].on[0].op',
  },
  {
    name: 'a condition',
    body: aQuery({ filter: aGroup([aCondition(), aCondition(), aCondition({ colour: 'red' })]) }),
    path: 'filter.items[2].colour',
  },
  {
    name: 'a nested condition',
    body: aQuery({ filter: aGroup([aGroup([aConditionOf('is_null', { raw: true })])]) }),
    path: 'filter.items[0].items[0].raw',
  },
  { name: 'a group', body: aQuery({ filter: aGroup([], { limit: 1 }) }), path: 'filter.limit' },
  {
    name: 'a result filter group',
    body: aQuery({ resultFilter: aGroup([], { having: 'x' }) }),
    path: 'resultFilter.having',
  },
  {
    name: 'aggregate',
    body: aQuery({ aggregate: { groupBy: [], measures: [], having: [] } }),
    path: 'aggregate.having',
  },
  {
    name: 'a measure',
    body: aQuery({ aggregate: { groupBy: [], measures: [aMeasure({ distinct: true })] } }),
    path: 'aggregate.measures[0].distinct',
  },
  {
    name: 'a sort item',
    body: aQuery({ sort: [{ column: 'a', dir: 'asc', nulls: 'first' }] }),
    path: 'sort[0].nulls',
  },
  { name: 'page', body: aQuery({ page: { number: 1, size: 5, offset: 10 } }), path: 'page.offset' },
];

describe.each(OBJECTS_WITH_EXTRA_FIELD)('an unknown field in $name', ({ body, path }) => {
  it('is rejected as INVALID_QUERY pointing at the field, and named in the detail', () => {
    const field = path.slice(path.lastIndexOf('.') + 1);

    const error = expectInvalidQuery(body, path);

    expect(error.detail).toContain(`"${field}"`);
  });
});

describe('unknown fields', () => {
  it('are rejected even when their value is undefined or null', () => {
    expectInvalidQuery(aQuery({ extra: null }), 'extra');
    expectInvalidQuery(aQuery({ extra: undefined }), 'extra');
  });

  it('are rejected when spelled like a known field in another case', () => {
    expectInvalidQuery(aQuery({ Columns: ['region'] }), 'Columns');
  });

  it('are all named in the detail when there are several', () => {
    const error = expectInvalidQuery(aQuery({ alpha: 1, beta: 2 }), 'alpha');

    expect(error.detail).toContain('"alpha"');
    expect(error.detail).toContain('"beta"');
  });

  it('keep the detail short when a hostile body sends a huge field name', () => {
    const error = expectInvalidQuery(aQuery({ ['x'.repeat(100_000)]: 1 }), 'x'.repeat(100_000));

    expect(error.detail.length).toBeLessThan(200);
  });

  it('keep the detail short when a hostile body sends thousands of fields', () => {
    const extra = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, i]));

    const error = expectInvalidQuery(aQuery(extra), 'f0');

    expect(error.detail.length).toBeLessThan(200);
  });

  it('do not include an inherited prototype: a parsed "__proto__" key is an unknown own field', () => {
    const body: unknown = JSON.parse(
      '{"dataset":"global_sales","columns":["region"],"__proto__":{"sql":"x"}}',
    );

    expectInvalidQuery(body, '__proto__');
  });

  it('leave known optional fields alone', () => {
    expect(() => parseQuery(aQuery({ joins: [aJoin()], sort: [], limit: 5 }))).not.toThrow();
  });
});
