import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ExplorerStore } from './explorer.store';
import {
  fromQuery,
  resultColumns,
  selectDataset,
  setAggregation,
  setCompare,
  setVintage,
  toQuery,
  type AggregationState,
  type ViewState,
} from './query-state';
import { products, sales } from '../testing';

const DETAILS = [sales(), products()];
const TOTAL = { id: 'm', fn: 'sum' as const, column: 'global_sales.amount', as: 'total' };

function pivoted(aggregate: Partial<AggregationState> = {}): ViewState {
  return setAggregation(
    setVintage(selectDataset(sales()), 'DAILY', '2026-11-20'),
    {
      groupBy: ['global_sales.quantity'],
      measures: [TOTAL],
      pivot: { column: 'global_sales.region' },
      ...aggregate,
    },
    DETAILS,
  );
}

function issuePaths(view: ViewState): string[] {
  const readiness = toQuery(view, DETAILS);
  return readiness.kind === 'invalid' ? readiness.issues.map((issue) => issue.path) : [];
}

describe('Pivot', () => {
  it('sends aggregate.pivot; the view knows the row dimensions, the answer brings the value columns', () => {
    const readiness = toQuery(pivoted(), DETAILS);

    expect(readiness.kind === 'ready' && readiness.query.aggregate).toEqual({
      groupBy: ['global_sales.quantity'],
      measures: [{ fn: 'sum', column: 'global_sales.amount', as: 'total' }],
      pivot: { column: 'global_sales.region' },
    });
    expect(resultColumns(pivoted(), DETAILS).map((c) => c.ref)).toEqual(['global_sales.quantity']);
  });

  it('refuses a grouped column, a summary without measures, and a comparison at the same time', () => {
    expect(issuePaths(pivoted({ groupBy: ['global_sales.region'] }))).toEqual(['aggregate.pivot.column']);
    expect(issuePaths(pivoted({ measures: [] }))).toEqual(['aggregate.measures']);
    const comparing = setCompare(pivoted(), { loadType: 'DAILY', loadId: '2026-11-19' }, DETAILS);
    expect(issuePaths(comparing)).toEqual(['aggregate.pivot']);
  });

  it('is restored from a bookmarked query', () => {
    const readiness = toQuery(pivoted(), DETAILS);
    if (readiness.kind !== 'ready') throw new Error('the pivot is ready');

    expect(toQuery(fromQuery(readiness.query, DETAILS), DETAILS)).toEqual(readiness);
  });

  it("shows the answer's value columns for that query only, unsortable and labelled by value", () => {
    TestBed.configureTestingModule({
      providers: [ExplorerStore, provideHttpClient(), provideHttpClientTesting()],
    });
    const store = TestBed.inject(ExplorerStore);
    store.detail.set(sales());
    store.view.set(pivoted());
    const query = store.query();
    if (!query) throw new Error('the pivot is ready');

    store.answered(query, [
      { name: 'global_sales.quantity', label: 'Quantity', type: 'integer' },
      { name: 'p1_total', label: 'APAC', type: 'number' },
      { name: 'p2_total', label: 'EMEA', type: 'number' },
    ]);

    expect(store.resultColumns().map((c) => [c.ref, c.label, c.pivot])).toEqual([
      ['global_sales.quantity', 'Quantity', undefined],
      ['p1_total', 'APAC', true],
      ['p2_total', 'EMEA', true],
    ]);
    // What a saved report compares against stays the view's own columns: an answer is not an edit.
    expect(store.viewColumns().map((c) => c.ref)).toEqual(['global_sales.quantity']);
    store.view.set(pivoted({ measures: [{ ...TOTAL, fn: 'max' }] }));
    expect(store.resultColumns().map((c) => c.ref)).toEqual(['global_sales.quantity']);
  });
});
