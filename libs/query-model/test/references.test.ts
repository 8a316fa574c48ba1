import { parseQuery } from '../src';
import { aCondition, aGroup, aMeasure, aQuery, expectInvalidQuery, type Json } from './fixtures';

const LONGEST_NAME = `a${'b'.repeat(62)}`;

const VALID_REFERENCES = [
  'global_sales.region',
  'region',
  '_private._x',
  'Sales2026.Amount_EUR',
  `${LONGEST_NAME}.${LONGEST_NAME}`,
];

const INVALID_REFERENCES: [string, unknown][] = [
  ['empty', ''],
  ['a space', 'global_sales. region'],
  ['a space inside a name', 'sales region'],
  ['double quotes', '"region"'],
  ['quoted parts', '"global_sales"."region"'],
  ['backticks', '`region`'],
  ['brackets', '[region]'],
  ['a star', '*'],
  ['a dataset star', 'global_sales.*'],
  ['three parts', 'warehouse.global_sales.region'],
  ['a trailing dot', 'global_sales.'],
  ['a leading dot', '.region'],
  ['a leading digit', '1region'],
  ['a hyphen', 'global-sales.region'],
  ['a non-ASCII letter', 'région'],
  ['a trailing newline', 'region\n'],
  ['SQL after a name', 'region; DROP TABLE users'],
  ['a SQL comment', 'region--'],
  ['a function call', 'upper(region)'],
  ['an expression', '1=1'],
  ['a 64-character name', `${LONGEST_NAME}x`],
  ['a number', 42],
  ['null', null],
];

/** Every place of a query that holds a column reference, and the path an error there must carry. */
const PLACES: { name: string; body: (ref: unknown) => Json; path: string; nullable?: boolean }[] = [
  { name: 'columns', body: (ref) => aQuery({ columns: ['region', ref] }), path: 'columns[1]' },
  {
    name: 'a filter condition',
    body: (ref) => aQuery({ filter: aGroup([aCondition(), aCondition(), aCondition({ column: ref })]) }),
    path: 'filter.items[2].column',
  },
  {
    name: 'a result filter condition',
    body: (ref) => aQuery({ resultFilter: aGroup([aCondition({ column: ref })]) }),
    path: 'resultFilter.items[0].column',
  },
  {
    name: 'the left side of a join',
    body: (ref) => aQuery({ joins: [{ dataset: 'b', type: 'inner', on: [{ left: ref, right: 'b.k' }] }] }),
    path: 'joins[0].on[0].left',
  },
  {
    name: 'the right side of a join',
    body: (ref) => aQuery({ joins: [{ dataset: 'b', type: 'inner', on: [{ left: 'a.k', right: ref }] }] }),
    path: 'joins[0].on[0].right',
  },
  {
    name: 'group-by',
    body: (ref) => aQuery({ aggregate: { groupBy: [ref], measures: [] } }),
    path: 'aggregate.groupBy[0]',
  },
  {
    name: 'a measure column',
    body: (ref) => aQuery({ aggregate: { groupBy: [], measures: [aMeasure({ column: ref })] } }),
    path: 'aggregate.measures[0].column',
    nullable: true, // count(*) is written `column: null`
  },
  { name: 'sort', body: (ref) => aQuery({ sort: [{ column: ref, dir: 'asc' }] }), path: 'sort[0].column' },
];

describe.each(PLACES)('column references in $name', ({ body, path, nullable = false }) => {
  it.each(VALID_REFERENCES)('accepts %p', (ref) => {
    expect(() => parseQuery(body(ref))).not.toThrow();
  });

  it.each(INVALID_REFERENCES.filter(([, ref]) => !(nullable && ref === null)))('rejects %s', (_name, ref) => {
    expectInvalidQuery(body(ref), path);
  });
});

describe('column references', () => {
  it('keep the spelling they were given', () => {
    const query = parseQuery(aQuery({ columns: ['global_sales.region', 'amount'] }));

    expect(query.columns).toEqual(['global_sales.region', 'amount']);
  });

  it('explain the two accepted spellings when rejected', () => {
    const error = expectInvalidQuery(aQuery({ columns: ['*'] }), 'columns[0]');

    expect(error.detail).toContain('dataset.column');
  });
});
