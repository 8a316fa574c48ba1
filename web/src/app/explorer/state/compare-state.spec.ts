import {
  fromQuery,
  resultColumns,
  selectDataset,
  setAggregation,
  setCompare,
  setSort,
  setVintage,
  toQuery,
  type ViewState,
} from './query-state';
import { products, sales } from '../testing';

const DETAILS = [sales(), products()];
const TARGET = { loadType: 'DAILY', loadId: '2026-11-20' };

function byRegion(measure: 'amount' | 'order_date' = 'amount'): ViewState {
  const view = setVintage(selectDataset(sales()), 'DAILY', '2026-11-19');
  return setAggregation(
    view,
    {
      groupBy: ['global_sales.region'],
      measures: [
        { id: 'm', fn: measure === 'amount' ? 'sum' : 'max', column: `global_sales.${measure}`, as: 'total' },
      ],
    },
    DETAILS,
  );
}

describe('Compare vintages', () => {
  it('compares the chosen Load ID (the base) with the target, key by key', () => {
    const view = setCompare(byRegion(), TARGET, DETAILS);

    expect(toQuery(view, DETAILS)).toEqual({
      kind: 'ready',
      query: {
        dataset: 'global_sales',
        compare: { base: { loadType: 'DAILY', loadId: '2026-11-19' }, target: TARGET },
        aggregate: {
          groupBy: ['global_sales.region'],
          measures: [{ fn: 'sum', column: 'global_sales.amount', as: 'total' }],
        },
      },
    });
  });

  it("shows each measure's base, target, difference and change, then the status", () => {
    const view = setCompare(byRegion(), TARGET, DETAILS);

    expect(resultColumns(view, DETAILS).map((c) => [c.ref, c.label, c.type])).toEqual([
      ['global_sales.region', 'Region', 'string'],
      ['total_base', 'Total (base)', 'number'],
      ['total_target', 'Total (target)', 'number'],
      ['total_diff', 'Total (difference)', 'number'],
      ['total_pct', 'Total (% change)', 'number'],
      ['status', 'Status', 'string'],
    ]);
  });

  it('needs a summary of numbers and a target Load ID before it runs', () => {
    const paths = (view: ViewState) => {
      const readiness = toQuery(view, DETAILS);
      return readiness.kind === 'invalid' ? readiness.issues.map((issue) => issue.path) : [];
    };

    expect(paths(setCompare(setVintage(selectDataset(sales()), 'DAILY', '1'), TARGET, DETAILS))).toEqual([
      'compare',
    ]);
    expect(paths(setCompare(byRegion(), { loadType: 'DAILY', loadId: null }, DETAILS))).toEqual([
      'compare.target',
    ]);
    expect(paths(setCompare(byRegion('order_date'), TARGET, DETAILS))).toEqual(['aggregate.measures[0]']);
  });

  it('turned off, drops the sort on a compared column and queries the one vintage again', () => {
    const comparing = setSort(setCompare(byRegion(), TARGET, DETAILS), [
      { column: 'total_diff', dir: 'desc' },
    ]);
    const off = setCompare(comparing, null, DETAILS);

    expect(comparing.sort).toEqual([{ column: 'total_diff', dir: 'desc' }]);
    expect(off.sort).toEqual([]);
    const readiness = toQuery(off, DETAILS);
    expect(readiness.kind === 'ready' && readiness.query.vintages).toEqual({
      global_sales: { loadType: 'DAILY', loadId: '2026-11-19' },
    });
  });

  it('is restored from a bookmarked query, compared columns and all', () => {
    const view = setSort(setCompare(byRegion(), TARGET, DETAILS), [{ column: 'status', dir: 'asc' }]);
    const readiness = toQuery(view, DETAILS);
    if (readiness.kind !== 'ready') throw new Error('the comparison is ready');

    expect(toQuery(fromQuery(readiness.query, DETAILS), DETAILS)).toEqual(readiness);
  });
});
