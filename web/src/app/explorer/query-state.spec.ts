import type { DatasetDetail } from '../api';
import {
  EMPTY_VIEW,
  countQuery,
  moveColumn,
  pageQuery,
  selectDataset,
  setSort,
  setVintage,
  toQuery,
  toggleColumn,
} from './query-state';

function dataset(overrides: Partial<DatasetDetail> = {}): DatasetDetail {
  return {
    id: 'global_sales',
    label: 'Global Sales',
    description: '',
    rowEstimate: 10,
    partition: { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: true },
    columns: [
      { name: 'region', label: 'Region', type: 'string', nullable: true },
      { name: 'amount', label: 'Amount', type: 'number', nullable: true, format: 'money' },
    ],
    joins: [],
    ...overrides,
  };
}

describe('toQuery', () => {
  it('runs nothing before a dataset is picked', () => {
    expect(toQuery(EMPTY_VIEW, null)).toEqual({ kind: 'no-dataset' });
  });

  it('runs nothing for a dataset that requires a vintage until both pickers are set', () => {
    const detail = dataset();
    const picked = selectDataset(detail);
    expect(toQuery(picked, detail).kind).toBe('needs-vintage');
    expect(toQuery(setVintage(picked, 'DAILY', null), detail).kind).toBe('needs-vintage');
  });

  it('produces exactly the query model of API.md', () => {
    const detail = dataset();
    const view = setSort(setVintage(selectDataset(detail), 'DAILY', '2026-11-20'), [
      { column: 'global_sales.amount', dir: 'desc' },
    ]);
    expect(toQuery(view, detail)).toEqual({
      kind: 'ready',
      query: {
        dataset: 'global_sales',
        vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
        columns: ['global_sales.region', 'global_sales.amount'],
        sort: [{ column: 'global_sales.amount', dir: 'desc' }],
      },
    });
  });

  it('omits vintages for a dataset without partitions', () => {
    const detail = dataset({ partition: null });
    const result = toQuery(selectDataset(detail), detail);
    expect(result).toEqual({
      kind: 'ready',
      query: { dataset: 'global_sales', columns: ['global_sales.region', 'global_sales.amount'] },
    });
  });

  it('reports when every column is hidden', () => {
    const detail = dataset({ partition: null });
    const view = toggleColumn(toggleColumn(selectDataset(detail), 'region'), 'amount');
    expect(toQuery(view, detail).kind).toBe('no-columns');
  });
});

describe('view updates', () => {
  it('never mutate the previous state', () => {
    const before = selectDataset(dataset());
    const snapshot = structuredClone(before);
    toggleColumn(before, 'region');
    moveColumn(before, 'amount', -1);
    setVintage(before, 'DAILY', '2026-11-20');
    expect(before).toEqual(snapshot);
  });

  it('hiding a column drops its sort', () => {
    const view = setSort(selectDataset(dataset()), [{ column: 'global_sales.amount', dir: 'asc' }]);
    expect(toggleColumn(view, 'amount').sort).toEqual([]);
  });

  it('reorders columns and ignores moves past the ends', () => {
    const view = selectDataset(dataset());
    expect(moveColumn(view, 'amount', -1).columns.map((c) => c.name)).toEqual(['amount', 'region']);
    expect(moveColumn(view, 'amount', 1)).toBe(view);
  });

  it('clearing the Load Type clears the Load ID', () => {
    expect(setVintage(EMPTY_VIEW, null, '2026-11-20').vintage).toEqual({ loadType: null, loadId: null });
  });
});

describe('paging and counting', () => {
  const query = { dataset: 'd', columns: ['d.a'], sort: [{ column: 'd.a', dir: 'asc' as const }] };

  it('maps grid rows to 1-based pages', () => {
    expect(pageQuery(query, 0, 50).page).toEqual({ number: 1, size: 50 });
    expect(pageQuery(query, 100, 50).page).toEqual({ number: 3, size: 50 });
  });

  it('counts without sort or page', () => {
    expect(countQuery(pageQuery(query, 50, 50))).toEqual({ dataset: 'd', columns: ['d.a'] });
  });
});
