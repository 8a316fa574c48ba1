import type { DashboardFilter } from './dashboard.types';
import {
  PendingFilters,
  changedFilters,
  fromParams,
  relativeDates,
  tileFilters,
  tilesBoundTo,
  toParams,
  type Selections,
} from './filter-state';

const FILTERS: readonly DashboardFilter[] = [
  { id: 'vintage', kind: 'vintage', label: 'Month-end', loadType: 'MONTHLY' },
  { id: 'period', kind: 'dateRange', label: 'Order date', column: 'order_date' },
  { id: 'region', kind: 'values', label: 'Region', column: 'region' },
];
const BINDINGS = { vintage: ['t1', 't3'], period: ['t2'], region: ['t1', 't2'] };

/** The query string as Angular's ParamMap reads it. */
function params(query: string): { getAll(name: string): string[] } {
  const search = new URLSearchParams(query);
  return { getAll: (name) => search.getAll(name) };
}

describe('dashboard filters in the URL', () => {
  it('writes each selection under f.<id>, and removes the ones that are off', () => {
    const selections: Selections = {
      vintage: { kind: 'vintage', loadId: '2026-10-31' },
      period: { kind: 'dateRange', from: '2026-01-01', to: '2026-03-31' },
      region: { kind: 'values', values: ['EMEA', 'APAC'] },
    };
    expect(toParams(FILTERS, selections)).toEqual({
      'f.vintage': '2026-10-31',
      'f.period': '2026-01-01..2026-03-31',
      'f.region': ['EMEA', 'APAC'],
    });
    expect(
      toParams(FILTERS, { period: { kind: 'relative', range: { kind: 'last', n: 30, unit: 'day' } } }),
    ).toEqual({
      'f.vintage': null,
      'f.period': 'last-30-day',
      'f.region': null,
    });
  });

  it('opens a URL with the values it names, and reads back what it wrote', () => {
    const selections: Selections = {
      vintage: { kind: 'vintage', loadId: '2026-10-31' },
      period: { kind: 'relative', range: { kind: 'to_date', unit: 'year' } },
      region: { kind: 'values', values: ['EMEA', 'APAC'] },
    };
    const written = toParams(FILTERS, selections);
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(written))
      for (const v of value === null ? [] : typeof value === 'string' ? [value] : value)
        search.append(name, v);
    expect(fromParams(FILTERS, params(search.toString()))).toEqual(selections);
    expect(fromParams(FILTERS, params('f.period=..2026-02-28'))).toEqual({
      period: { kind: 'dateRange', to: '2026-02-28' },
    });
  });

  it('drops what does not fit its filter, and parameters of no filter of this dashboard', () => {
    expect(
      fromParams(FILTERS, params('f.period=2026-02-30..&f.vintage=&f.other=x&f.region=' + 'x'.repeat(1001))),
    ).toEqual({});
    expect(fromParams(FILTERS, params('f.period=last-0-day'))).toEqual({});
    expect(fromParams(FILTERS, params('f.period=..'))).toEqual({});
    const many = Array.from({ length: 150 }, (_, i) => `f.region=v${i}`).join('&');
    const region = fromParams(FILTERS, params(many))['region'];
    expect(region?.kind === 'values' && region.values.length).toBe(100);
  });
});

describe('which tiles a filter change asks again', () => {
  it('names the filters whose selection changed', () => {
    expect(
      changedFilters(
        { vintage: { kind: 'vintage', loadId: 'a' }, region: { kind: 'values', values: ['x'] } },
        {
          vintage: { kind: 'vintage', loadId: 'b' },
          region: { kind: 'values', values: ['x'] },
          period: { kind: 'dateRange', from: '2026-01-01' },
        },
      ),
    ).toEqual(['period', 'vintage']);
    expect(changedFilters({ region: { kind: 'values', values: ['x'] } }, {})).toEqual(['region']);
  });

  it('asks only the tiles bound to the changed filters', () => {
    expect([...tilesBoundTo(['vintage'], BINDINGS)].sort()).toEqual(['t1', 't3']);
    expect([...tilesBoundTo(['period', 'region'], BINDINGS)].sort()).toEqual(['t1', 't2']);
    expect(tilesBoundTo(['unknown'], BINDINGS).size).toBe(0);
  });

  it("sends each tile only its own filters' values, relative dates as inclusive dates", () => {
    const selections: Selections = {
      vintage: { kind: 'vintage', loadId: '2026-10-31' },
      period: { kind: 'relative', range: { kind: 'previous', unit: 'month' } },
      region: { kind: 'values', values: ['EMEA'] },
    };
    expect(tileFilters('t1', selections, BINDINGS, '2026-12-07')).toEqual({
      vintage: { loadId: '2026-10-31' },
      region: { values: ['EMEA'] },
    });
    expect(tileFilters('t2', selections, BINDINGS, '2026-12-07')).toEqual({
      period: { from: '2026-11-01', to: '2026-11-30' },
      region: { values: ['EMEA'] },
    });
    expect(tileFilters('t4', selections, BINDINGS, '2026-12-07')).toEqual({});
  });

  it('resolves relative ranges as the explorer does (weeks from Monday, last n days ending yesterday)', () => {
    expect(relativeDates({ kind: 'last', n: 7, unit: 'day' }, '2026-12-07')).toEqual({
      start: '2026-11-30',
      end: '2026-12-07',
    });
    expect(relativeDates({ kind: 'this', unit: 'week' }, '2026-12-10')).toEqual({
      start: '2026-12-07',
      end: '2026-12-14',
    });
    expect(relativeDates({ kind: 'this', unit: 'quarter' }, '2026-12-07')).toEqual({
      start: '2026-10-01',
      end: '2027-01-01',
    });
    expect(relativeDates({ kind: 'to_date', unit: 'year' }, '2026-12-07')).toEqual({
      start: '2026-01-01',
      end: '2026-12-08',
    });
  });
});

describe('PendingFilters: changes debounced', () => {
  afterEach(() => vi.useRealTimers());

  it('applies 300 ms after the last change, once, with the filters that changed', () => {
    vi.useFakeTimers();
    const applied: { selections: Selections; changed: readonly string[] }[] = [];
    const pending = new PendingFilters((selections, changed) => applied.push({ selections, changed }));
    pending.reset({ vintage: { kind: 'vintage', loadId: '2026-09-30' } });

    pending.set('region', { kind: 'values', values: ['EMEA'] });
    vi.advanceTimersByTime(200);
    pending.set('region', { kind: 'values', values: ['EMEA', 'APAC'] });
    vi.advanceTimersByTime(299);
    expect(applied).toEqual([]);
    expect(pending.current()['region']).toEqual({ kind: 'values', values: ['EMEA', 'APAC'] });

    vi.advanceTimersByTime(1);
    expect(applied).toEqual([
      {
        selections: {
          vintage: { kind: 'vintage', loadId: '2026-09-30' },
          region: { kind: 'values', values: ['EMEA', 'APAC'] },
        },
        changed: ['region'],
      },
    ]);
  });

  it('applies nothing when the changes come back to what was applied', () => {
    vi.useFakeTimers();
    const apply = vi.fn();
    const pending = new PendingFilters(apply);
    pending.reset({ vintage: { kind: 'vintage', loadId: 'a' } });
    pending.set('vintage', { kind: 'vintage', loadId: 'b' });
    pending.set('vintage', { kind: 'vintage', loadId: 'a' });
    vi.advanceTimersByTime(1000);
    expect(apply).not.toHaveBeenCalled();
    pending.set('vintage', null);
    vi.advanceTimersByTime(300);
    expect(apply).toHaveBeenCalledWith({}, ['vintage']);
  });
});
