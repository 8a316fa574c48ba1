import { parseQuery, QUERY_LIMITS } from '../src';
import {
  aConditionOf,
  aGroup,
  aJoin,
  aMeasure,
  aQuery,
  aQueryFiltering,
  aQueryWithCondition,
  conditions,
  expectInvalidQuery,
  innermostGroupPath,
  nestedGroups,
} from './fixtures';

describe('the bounds of docs/API.md', () => {
  it('are the numbers the contract states', () => {
    expect(QUERY_LIMITS).toMatchObject({
      maxFilterDepth: 8,
      maxConditions: 200,
      maxJoins: 8,
      maxColumns: 200,
      maxInValues: 10_000,
      maxPageSize: 500,
      defaultPageSize: 50,
      maxPivotValues: 50,
    });
  });
});

describe('filter depth (at most 8 nested groups)', () => {
  it.each(['filter', 'resultFilter'])('accepts 8 nested groups in %s', (field) => {
    const query = parseQuery(aQuery({ [field]: nestedGroups(8) }));

    expect(query[field as 'filter']).toEqual(nestedGroups(8));
  });

  it.each(['filter', 'resultFilter'])('rejects 9 nested groups in %s at the ninth group', (field) => {
    const error = expectInvalidQuery(aQuery({ [field]: nestedGroups(9) }), innermostGroupPath(field, 9));

    expect(error.detail).toMatch(/8/);
  });

  it('counts depth by nesting, not by the number of sibling groups', () => {
    const wide = aGroup(Array.from({ length: 20 }, () => nestedGroups(7)));

    expect(parseQuery(aQuery({ filter: wide })).filter?.items).toHaveLength(20);
  });

  it('accepts the deepest filter even when its innermost condition carries a list of values', () => {
    let group = aGroup([aConditionOf('in', { values: ['a', 'b'] })]);
    for (let level = 1; level < 8; level += 1) group = aGroup([group]);

    expect(() => parseQuery(aQuery({ filter: group }))).not.toThrow();
  });
});

describe('conditions (at most 200, counted across filter and resultFilter)', () => {
  it('accepts 200 conditions in one group', () => {
    expect(parseQuery(aQueryFiltering(conditions(200))).filter?.items).toHaveLength(200);
  });

  it('rejects 201 items in one group at its items', () => {
    const error = expectInvalidQuery(aQueryFiltering(conditions(201)), 'filter.items');

    expect(error.detail).toMatch(/200/);
  });

  it('rejects the 201st condition spread over nested groups, pointing at it', () => {
    const filter = aGroup([aGroup(conditions(100)), aGroup(conditions(100)), aGroup(conditions(1))]);

    expectInvalidQuery(aQuery({ filter }), 'filter.items[2].items[0]');
  });

  it('accepts 200 conditions split between filter and resultFilter', () => {
    const body = aQuery({ filter: aGroup(conditions(120)), resultFilter: aGroup(conditions(80)) });

    expect(() => parseQuery(body)).not.toThrow();
  });

  it('rejects 201 conditions split between filter and resultFilter, at the first one over', () => {
    const body = aQuery({ filter: aGroup(conditions(120)), resultFilter: aGroup(conditions(81)) });

    const error = expectInvalidQuery(body, 'resultFilter.items[80]');

    expect(error.detail).toMatch(/200/);
  });

  it('does not count groups as conditions', () => {
    const filter = aGroup([aGroup(conditions(100)), aGroup([aGroup(conditions(100))])]);

    expect(() => parseQuery(aQuery({ filter }))).not.toThrow();
  });
});

describe('joins (at most 8)', () => {
  const joins = (count: number): unknown[] => Array.from({ length: count }, (_, i) => aJoin(`roster_${i}`));

  it('accepts 8 joins', () => {
    expect(parseQuery(aQuery({ joins: joins(8) })).joins).toHaveLength(8);
  });

  it('rejects 9 joins at joins', () => {
    expectInvalidQuery(aQuery({ joins: joins(9) }), 'joins');
  });

  it('accepts no joins', () => {
    expect(parseQuery(aQuery({ joins: [] })).joins).toEqual([]);
  });
});

describe('columns (1 to 200)', () => {
  const columns = (count: number): string[] => Array.from({ length: count }, (_, i) => `global_sales.c${i}`);

  it('accepts 1 and 200 columns', () => {
    expect(parseQuery(aQuery({ columns: columns(1) })).columns).toHaveLength(1);
    expect(parseQuery(aQuery({ columns: columns(200) })).columns).toHaveLength(200);
  });

  it('rejects 201 columns at columns', () => {
    const error = expectInvalidQuery(aQuery({ columns: columns(201) }), 'columns');

    expect(error.detail).toMatch(/200/);
  });

  it('rejects an empty column list at columns', () => {
    expectInvalidQuery(aQuery({ columns: [] }), 'columns');
  });

  it('bounds group-by references the same way', () => {
    const body = (count: number): unknown => aQuery({ aggregate: { groupBy: columns(count), measures: [] } });

    expect(() => parseQuery(body(200))).not.toThrow();
    expectInvalidQuery(body(201), 'aggregate.groupBy');
  });
});

describe('in (1 to 10,000 values)', () => {
  const values = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

  it('accepts 1 and 10,000 values', () => {
    for (const count of [1, 10_000]) {
      const query = parseQuery(aQueryWithCondition(aConditionOf('in', { values: values(count) })));

      expect(query.filter?.items[0]).toMatchObject({ operator: 'in', values: values(count) });
    }
  });

  it('rejects an empty list at its values', () => {
    expectInvalidQuery(aQueryWithCondition(aConditionOf('in', { values: [] })), 'filter.items[0].values');
  });

  it('rejects 10,001 values at its values', () => {
    const body = aQueryWithCondition(aConditionOf('in', { values: values(10_001) }));

    const error = expectInvalidQuery(body, 'filter.items[0].values');

    expect(error.detail).toMatch(/10000/);
  });
});

describe('page (number >= 1, size 1..500, default 50)', () => {
  it('defaults the page size to 50', () => {
    expect(parseQuery(aQuery({ page: { number: 2 } })).page).toEqual({ number: 2, size: 50 });
  });

  it('leaves page absent when not asked for', () => {
    expect(parseQuery(aQuery()).page).toBeUndefined();
  });

  it.each([1, 50, 500])('accepts a page size of %i', (size) => {
    expect(parseQuery(aQuery({ page: { number: 1, size } })).page?.size).toBe(size);
  });

  it.each([0, -1, 501, 2.5, '50', null])('rejects a page size of %p at page.size', (size) => {
    expectInvalidQuery(aQuery({ page: { number: 1, size } }), 'page.size');
  });

  it.each([1, 2, 1_000_000])('accepts page number %i', (number) => {
    expect(parseQuery(aQuery({ page: { number } })).page?.number).toBe(number);
  });

  it.each([0, -1, 1.5, '1'])('rejects page number %p at page.number', (number) => {
    expectInvalidQuery(aQuery({ page: { number } }), 'page.number');
  });

  it('requires a page number', () => {
    expectInvalidQuery(aQuery({ page: { size: 50 } }), 'page.number');
  });
});

describe('measure names (as: [A-Za-z_][A-Za-z0-9_]{0,62})', () => {
  const bodyWithName = (as: unknown): unknown =>
    aQuery({ aggregate: { groupBy: [], measures: [aMeasure({ as })] } });

  it.each(['total_amount', 'orders', '_hidden', 'A1', 'x', `a${'b'.repeat(62)}`])('accepts %p', (as) => {
    expect(parseQuery(bodyWithName(as)).aggregate?.measures[0]?.as).toBe(as);
  });

  it.each([
    ['empty', ''],
    ['a leading digit', '1st'],
    ['a hyphen', 'total-amount'],
    ['a space', 'total amount'],
    ['a dot', 'sales.total'],
    ['a quote', 'total"'],
    ['a non-ASCII letter', 'montant_dû'],
    ['64 characters', `a${'b'.repeat(63)}`],
    ['SQL', 'x; DROP TABLE users'],
    ['a number', 7],
    ['null', null],
  ])('rejects %s at aggregate.measures[0].as', (_name, as) => {
    expectInvalidQuery(bodyWithName(as), 'aggregate.measures[0].as');
  });
});

describe('between (exactly two values)', () => {
  const between = (values: unknown[]): unknown => aQueryWithCondition(aConditionOf('between', { values }));

  it('accepts a low and a high value', () => {
    expect(parseQuery(between([100, 500])).filter?.items[0]).toMatchObject({ values: [100, 500] });
  });

  it.each([[[]], [[1]], [[1, 2, 3]]])('rejects %p at its values', (values) => {
    expectInvalidQuery(between(values), 'filter.items[0].values');
  });
});
