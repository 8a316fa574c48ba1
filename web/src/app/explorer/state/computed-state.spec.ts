import { completions } from './computed-state';
import { fromFilter } from './filter-state';
import {
  addComputed,
  removeComputed,
  fromQuery,
  selectDataset,
  setAggregation,
  setJoins,
  setVintage,
  sourceSchema,
  toQuery,
  typeComputed,
} from './query-state';
import { products, sales } from '../testing';

const DETAILS = [sales(), products()];
const view = () => setVintage(selectDataset(sales()), 'DAILY', '2026-11-20');

describe('calculated columns in the view', () => {
  it("are added with the server's type, shown last, and sent as computed with their bare name", () => {
    const state = addComputed(view(), { as: 'margin', expr: 'global_sales.amount * 2', type: 'number' });

    expect(sourceSchema(state, DETAILS).at(-1)).toEqual({
      ref: 'margin',
      label: 'Margin',
      type: 'number',
      dataset: null,
    });
    const readiness = toQuery(state, DETAILS);
    expect(readiness.kind === 'ready' && readiness.query.computed).toEqual([
      { as: 'margin', expr: 'global_sales.amount * 2' },
    ]);
    expect(readiness.kind === 'ready' && readiness.query.columns?.at(-1)).toBe('margin');
  });

  it('come back from a query without a type, still runnable, until the server gives it', () => {
    const state = addComputed(view(), { as: 'margin', expr: 'global_sales.amount * 2', type: 'number' });
    const readiness = toQuery(state, DETAILS);
    if (readiness.kind !== 'ready') throw new Error('not ready');

    const restored = fromQuery(readiness.query, DETAILS);
    expect(restored.computed).toEqual([{ as: 'margin', expr: 'global_sales.amount * 2', type: null }]);
    expect(sourceSchema(restored, DETAILS).some((c) => c.ref === 'margin')).toBe(false);
    const again = toQuery(restored, DETAILS);
    expect(again.kind === 'ready' && again.query).toEqual(readiness.query);

    const typed = typeComputed(restored, { margin: 'number' });
    expect(sourceSchema(typed, DETAILS).at(-1)?.type).toBe('number');
  });

  it('stay when the joins change (the server reports an expression naming a dataset no longer joined)', () => {
    const state = addComputed(view(), { as: 'margin', expr: 'global_sales.amount * 2', type: 'number' });
    expect(setJoins(state, [], DETAILS).columns.at(-1)).toEqual({ ref: 'margin', visible: true });
  });
});

describe('removing a calculated column', () => {
  it('drops what used it: its column, conditions, grouping, measures and sort', () => {
    const added = addComputed(view(), { as: 'margin', expr: 'global_sales.amount * 2', type: 'number' });
    const used = setAggregation(
      {
        ...added,
        filter: fromFilter({
          kind: 'group',
          op: 'and',
          items: [{ kind: 'condition', column: 'margin', operator: '>', value: 1 }],
        }),
      },
      {
        groupBy: ['global_sales.region', 'margin'],
        measures: [{ id: 'm1', fn: 'sum', column: 'margin', as: 'total' }],
      },
      DETAILS,
    );
    const removed = removeComputed({ ...used, sort: [{ column: 'margin', dir: 'asc' }] }, 'margin', DETAILS);

    expect(removed.computed).toEqual([]);
    expect(removed.columns.some((c) => c.ref === 'margin')).toBe(false);
    expect(removed.filter.items).toEqual([]);
    expect(removed.aggregate).toMatchObject({ groupBy: ['global_sales.region'], measures: [] });
    expect(removed.sort).toEqual([]);
    const readiness = toQuery(removed, DETAILS);
    expect(readiness.kind === 'ready' && readiness.query.computed).toBeUndefined();
  });
});

describe('column completions while typing an expression', () => {
  const columns = sourceSchema(view(), DETAILS);

  it('offers the references starting with the word before the cursor, or whose column does', () => {
    expect(completions('round(amo', 9, columns)).toEqual({ start: 6, refs: ['global_sales.amount'] });
    expect(completions('global_sales.qu', 15, columns).refs).toEqual(['global_sales.quantity']);
  });

  it('offers nothing for an empty word or inside a text literal', () => {
    expect(completions('amount + ', 9, columns).refs).toEqual([]);
    expect(completions("concat('reg", 11, columns).refs).toEqual([]);
  });
});
