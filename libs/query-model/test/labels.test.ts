import { titleCase } from '../src';

describe('titleCase (the default label of a measure or column name)', () => {
  it('capitalizes each underscore-separated word and joins them with spaces', () => {
    expect(titleCase('sum_net_amount')).toBe('Sum Net Amount');
    expect(titleCase('region')).toBe('Region');
  });

  it('keeps the rest of each word as written', () => {
    expect(titleCase('avg_unitPrice')).toBe('Avg UnitPrice');
    expect(titleCase('count_SKU')).toBe('Count SKU');
  });

  it('drops empty words from leading, trailing and repeated underscores', () => {
    expect(titleCase('__count__rows_')).toBe('Count Rows');
    expect(titleCase('___')).toBe('');
    expect(titleCase('')).toBe('');
  });

  it('leaves digits and non-letters as they are', () => {
    expect(titleCase('max_2nd_value')).toBe('Max 2nd Value');
  });
});
