import { catalogReferences, parseQuery, QUERY_LIMITS } from '../src';
import { aQuery, expectInvalidQuery } from './fixtures';

const aComputed = (i: number, expr = 'amount * 2') => ({ as: `c${i}`, expr });

describe('calculated columns (computed)', () => {
  it('accepts a list of named expressions and keeps it', () => {
    const computed = [{ as: 'margin', expr: 'amount - quantity * unit_price' }];

    expect(parseQuery(aQuery({ computed })).computed).toEqual(computed);
  });

  it(`accepts ${QUERY_LIMITS.maxComputed} and rejects one more`, () => {
    const most = Array.from({ length: QUERY_LIMITS.maxComputed }, (_, i) => aComputed(i));
    expect(parseQuery(aQuery({ computed: most })).computed).toHaveLength(QUERY_LIMITS.maxComputed);

    const error = expectInvalidQuery(aQuery({ computed: [...most, aComputed(99)] }), 'computed');
    expect(error.detail).toMatch(String(QUERY_LIMITS.maxComputed));
  });

  it(`bounds an expression at ${QUERY_LIMITS.maxExpressionLength} characters`, () => {
    const longest = '1' + ' '.repeat(QUERY_LIMITS.maxExpressionLength - 1);
    expect(parseQuery(aQuery({ computed: [aComputed(0, longest)] })).computed).toHaveLength(1);

    expectInvalidQuery(aQuery({ computed: [aComputed(0, longest + ' ')] }), 'computed[0].expr');
  });

  it.each([
    [{ as: 'margin' }, 'computed[0].expr'],
    [{ as: 'margin', expr: '' }, 'computed[0].expr'],
    [{ as: 'bad name', expr: '1' }, 'computed[0].as'],
    [{ as: 'margin', expr: '1', sql: 'DROP TABLE x' }, 'computed[0].sql'],
  ])('rejects the malformed item %j at %s', (item, path) => {
    expectInvalidQuery(aQuery({ computed: [item] }), path);
  });
});

describe("a report's catalog references", () => {
  it('leave calculated names out, as they do measure names: the query names them itself', () => {
    const query = parseQuery({
      dataset: 'global_sales',
      computed: [{ as: 'margin', expr: 'amount - cost' }],
      columns: ['region', 'margin'],
      sort: [{ column: 'margin', dir: 'desc' }],
    });

    expect(catalogReferences(query)).toEqual([{ path: 'query.columns[0]', reference: 'region' }]);
  });
});
