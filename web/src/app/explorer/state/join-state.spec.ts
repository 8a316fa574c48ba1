import { newJoin, suggestedOn } from './join-state';
import { products, sales } from '../testing';

describe('suggested joins', () => {
  it('pre-fills the ON pairs from the catalog of an earlier dataset', () => {
    expect(suggestedOn([sales()], products()).map(({ left, right }) => [left, right])).toEqual([
      ['global_sales.product_id', 'products.product_id'],
    ]);
  });

  it('finds the suggestion in the other direction too', () => {
    expect(suggestedOn([products()], sales()).map(({ left, right }) => [left, right])).toEqual([
      ['products.product_id', 'global_sales.product_id'],
    ]);
  });

  it('offers one empty pair when the catalog suggests nothing; joins start as LEFT', () => {
    const join = newJoin([{ ...products(), id: 'other' }], products());
    expect(join.type).toBe('left');
    expect(join.on.map(({ left, right }) => [left, right])).toEqual([[null, null]]);
  });
});
