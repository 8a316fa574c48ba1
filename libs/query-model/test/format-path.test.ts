import { formatPath } from '../src';

describe('formatPath', () => {
  it.each<[readonly PropertyKey[], string]>([
    [[], ''],
    [['dataset'], 'dataset'],
    [['page', 'size'], 'page.size'],
    [['columns', 0], 'columns[0]'],
    [['filter', 'items', 2, 'column'], 'filter.items[2].column'],
    [['filter', 'items', 0, 'items', 11, 'values', 3], 'filter.items[0].items[11].values[3]'],
    [['vintages', 'global_sales', 'loadId'], 'vintages.global_sales.loadId'],
    [[0], '[0]'],
    [[0, 'dataset'], '[0].dataset'],
    [['matrix', 1, 2], 'matrix[1][2]'],
  ])('formats %p as %p', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });

  it('writes a symbol by its description', () => {
    expect(formatPath(['filter', Symbol('items')])).toBe('filter.Symbol(items)');
  });

  it('treats a numeric string as a field name, not an index', () => {
    expect(formatPath(['vintages', '2026'])).toBe('vintages.2026');
  });
});
