import { products, sales } from '../testing';
import { applyLayout, applyOrder, captureLayout } from './layout-state';
import {
  fromQuery,
  resultColumns,
  selectDataset,
  setAggregation,
  setSort,
  toQuery,
  toggleColumn,
} from './query-state';

const details = [sales(), products()];
const view = (): ReturnType<typeof selectDataset> => selectDataset(sales());

describe('captureLayout', () => {
  it('lists the shown columns in order with the widths set, the hidden ones and the sort', () => {
    const state = setSort(toggleColumn(view(), 'global_sales.quantity'), [
      { column: 'global_sales.amount', dir: 'desc' },
    ]);
    const layout = captureLayout(state, resultColumns(state, details), { 'global_sales.amount': 151.6 });

    expect(layout.columns.slice(0, 2)).toEqual([
      { name: 'global_sales.region' },
      { name: 'global_sales.amount', width: 152 },
    ]);
    expect(layout.columns.map((c) => c.name)).not.toContain('global_sales.quantity');
    expect(layout.hidden).toEqual(['global_sales.quantity']);
    expect(layout.sort).toEqual([{ column: 'global_sales.amount', dir: 'desc' }]);
  });

  it('keeps the chart chosen for a summary, and none for rows that are no summary', () => {
    const spec = { type: 'pie' as const, x: 'global_sales.region', y: ['total'] };
    const summary = setAggregation(
      view(),
      {
        groupBy: ['global_sales.region'],
        measures: [{ id: 'm1', fn: 'sum', column: 'global_sales.amount', as: 'total' }],
      },
      details,
    );
    expect(captureLayout(summary, resultColumns(summary, details), {}, spec).chart).toEqual(spec);
    expect(captureLayout(view(), resultColumns(view(), details), {}, spec).chart).toBeUndefined();
    expect(captureLayout(summary, resultColumns(summary, details), {}).chart).toBeUndefined();
  });

  it('keeps widths within what a report accepts', () => {
    const layout = captureLayout(view(), resultColumns(view(), details), { 'global_sales.region': 9000 });
    expect(layout.columns[0]).toEqual({ name: 'global_sales.region', width: 4000 });
  });
});

describe('applyLayout', () => {
  it('gives back the captured view: order, hidden columns, sort and widths', () => {
    const before = setSort(applyOrder(toggleColumn(view(), 'global_sales.region'), ['global_sales.amount']), [
      { column: 'global_sales.quantity', dir: 'asc' },
    ]);
    const layout = captureLayout(before, resultColumns(before, details), { 'global_sales.amount': 200 });
    const ready = toQuery(before, details);
    if (ready.kind !== 'needs-vintage') throw new Error(ready.kind);

    const restored = applyLayout(
      fromQuery({ dataset: 'global_sales', columns: ['global_sales.quantity'] }, details),
      layout,
    );

    expect(restored.view.columns.filter((c) => c.visible)).toEqual(before.columns.filter((c) => c.visible));
    expect(restored.view.columns.find((c) => c.ref === 'global_sales.region')?.visible).toBe(false);
    expect(restored.view.sort).toEqual([{ column: 'global_sales.quantity', dir: 'asc' }]);
    expect(restored.widths).toEqual({ 'global_sales.amount': 200 });
  });

  it('skips columns a stale layout names that the view no longer has', () => {
    const { view: restored } = applyLayout(view(), {
      columns: [{ name: 'global_sales.gone', width: 90 }, { name: 'global_sales.amount' }],
      hidden: ['global_sales.gone'],
      sort: [{ column: 'global_sales.gone', dir: 'asc' }],
    });
    expect(restored.columns[0]).toEqual({ ref: 'global_sales.amount', visible: true });
    expect(restored.columns.map((c) => c.ref)).not.toContain('global_sales.gone');
    expect(restored.sort).toEqual([]);
  });
});

describe('applyOrder', () => {
  it('reorders the visible columns as the grid shows them; hidden ones keep their places', () => {
    const state = toggleColumn(view(), 'global_sales.amount');
    const moved = applyOrder(state, ['global_sales.quantity', 'global_sales.region']);
    expect(moved.columns.slice(0, 3)).toEqual([
      { ref: 'global_sales.quantity', visible: true },
      { ref: 'global_sales.amount', visible: false },
      { ref: 'global_sales.region', visible: true },
    ]);
  });

  it('returns the same view when nothing moved', () => {
    const state = view();
    expect(
      applyOrder(
        state,
        state.columns.map((c) => c.ref),
      ),
    ).toBe(state);
  });
});
