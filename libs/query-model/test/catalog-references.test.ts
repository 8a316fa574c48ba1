import { catalogReferences, parseQuery } from '../src';

const refs = (body: unknown) => catalogReferences(parseQuery(body)).map((r) => [r.path, r.reference]);
const amount = { fn: 'sum', column: 'amount', as: 'total' };

describe('catalogReferences: what a saved report needs of the catalog', () => {
  it("skips a comparison's result columns but keeps its keys", () => {
    const body = {
      dataset: 'global_sales',
      compare: { base: { loadType: 'DAILY', loadId: '1' }, target: { loadType: 'DAILY', loadId: '2' } },
      aggregate: { groupBy: ['region'], measures: [amount] },
      sort: [
        { column: 'total_diff', dir: 'desc' },
        { column: 'status', dir: 'asc' },
        { column: 'region', dir: 'asc' },
      ],
    };
    expect(refs(body)).toEqual([
      ['query.aggregate.groupBy[0]', 'region'],
      ['query.aggregate.measures[0].column', 'amount'],
      ['query.sort[2].column', 'region'],
    ]);
  });

  it("names a pivot's column and skips its generated result columns", () => {
    const body = {
      dataset: 'global_sales',
      aggregate: { groupBy: ['channel'], measures: [amount], pivot: { column: 'region' } },
      sort: [{ column: 'p2_total', dir: 'desc' }],
    };
    expect(refs(body)).toEqual([
      ['query.aggregate.groupBy[0]', 'channel'],
      ['query.aggregate.measures[0].column', 'amount'],
      ['query.aggregate.pivot.column', 'region'],
    ]);
  });

  it('keeps a name that only looks like a result column when there is no comparison or pivot', () => {
    const body = { dataset: 'global_sales', columns: ['status', 'p1_amount'] };
    expect(refs(body)).toEqual([
      ['query.columns[0]', 'status'],
      ['query.columns[1]', 'p1_amount'],
    ]);
  });
});
