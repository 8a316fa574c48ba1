import { pageQuery } from '../../api';
import { newCondition, type GroupState } from './filter-state';
import {
  EMPTY_VIEW,
  countQuery,
  fromQuery,
  moveColumn,
  resultColumns,
  selectDataset,
  setAggregation,
  setFilter,
  setJoins,
  setSort,
  setVintage,
  toQuery,
  toggleColumn,
  type JoinState,
  type ViewState,
} from './query-state';
import { products, sales } from '../testing';

const DETAILS = [sales(), products()];

function ready(view: ViewState): ViewState {
  return setVintage(view, 'DAILY', '2026-11-20');
}

function productsJoin(): JoinState {
  return {
    id: 'j1',
    dataset: 'products',
    type: 'left',
    on: [{ id: 'p1', left: 'global_sales.product_id', right: 'products.product_id' }],
    vintage: { loadType: null, loadId: null },
  };
}

function filterOn(ref: string, operator: 'in' | '>', text: string, view: ViewState): GroupState {
  return { ...view.filter, items: [{ ...newCondition(), column: ref, operator, text }] };
}

describe('toQuery', () => {
  it('runs nothing before a dataset is picked', () => {
    expect(toQuery(EMPTY_VIEW, [])).toEqual({ kind: 'no-dataset' });
  });

  it('runs nothing for a dataset that requires a vintage until both pickers are set', () => {
    const picked = selectDataset(sales());
    expect(toQuery(picked, DETAILS).kind).toBe('needs-vintage');
    expect(toQuery(setVintage(picked, 'DAILY', null), DETAILS).kind).toBe('needs-vintage');
  });

  it('produces exactly the query model of docs/API.md', () => {
    const view = setSort(ready(selectDataset(sales())), [{ column: 'global_sales.amount', dir: 'desc' }]);
    expect(toQuery(view, DETAILS)).toEqual({
      kind: 'ready',
      query: {
        dataset: 'global_sales',
        vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
        columns: sales().columns.map((c) => `global_sales.${c.name}`),
        sort: [{ column: 'global_sales.amount', dir: 'desc' }],
      },
    });
  });

  it('omits vintages for a dataset without partitions', () => {
    const result = toQuery(selectDataset(products()), DETAILS);
    expect(result).toEqual({
      kind: 'ready',
      query: {
        dataset: 'products',
        columns: ['products.product_id', 'products.category', 'products.list_price'],
      },
    });
  });

  it('reports when every column is hidden', () => {
    let view = selectDataset(products());
    for (const column of view.columns) view = toggleColumn(view, column.ref);
    expect(toQuery(view, DETAILS).kind).toBe('no-columns');
  });

  it('builds joins, filter, aggregation, result filter and sort together', () => {
    let view = setJoins(ready(selectDataset(sales())), [productsJoin()], DETAILS);
    view = setFilter(view, filterOn('global_sales.region', 'in', 'EMEA, "APAC"', view));
    view = setAggregation(
      view,
      {
        groupBy: ['products.category'],
        measures: [
          { id: 'm1', fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
          { id: 'm2', fn: 'count', column: null, as: 'orders' },
        ],
      },
      DETAILS,
    );
    const having = newCondition();
    view = {
      ...view,
      resultFilter: {
        ...view.resultFilter,
        items: [{ ...having, column: 'total_amount', operator: '>', text: '10000' }],
      },
      sort: [{ column: 'total_amount', dir: 'desc' }],
    };
    expect(toQuery(view, DETAILS)).toEqual({
      kind: 'ready',
      query: {
        dataset: 'global_sales',
        vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
        joins: [
          {
            dataset: 'products',
            type: 'left',
            on: [{ left: 'global_sales.product_id', right: 'products.product_id' }],
          },
        ],
        filter: {
          kind: 'group',
          op: 'and',
          items: [
            { kind: 'condition', column: 'global_sales.region', operator: 'in', values: ['EMEA', 'APAC'] },
          ],
        },
        aggregate: {
          groupBy: ['products.category'],
          measures: [
            { fn: 'sum', column: 'global_sales.amount', as: 'total_amount' },
            { fn: 'count', column: null, as: 'orders' },
          ],
        },
        resultFilter: {
          kind: 'group',
          op: 'and',
          items: [{ kind: 'condition', column: 'total_amount', operator: '>', value: 10000 }],
        },
        sort: [{ column: 'total_amount', dir: 'desc' }],
      },
    });
  });

  it('rejects incomplete joins and aggregations with messages pointing at the query', () => {
    const join: JoinState = {
      ...productsJoin(),
      on: [{ id: 'p1', left: 'global_sales.region', right: 'products.product_id' }],
    };
    let view = setJoins(ready(selectDataset(sales())), [join], DETAILS);
    view = setAggregation(
      view,
      {
        groupBy: [],
        measures: [
          { id: 'm1', fn: 'avg', column: 'global_sales.region', as: 'x' },
          { id: 'm2', fn: 'count', column: null, as: 'x' },
          { id: 'm3', fn: 'max', column: null, as: '1bad' },
        ],
      },
      DETAILS,
    );
    const result = toQuery(view, DETAILS);
    expect(result.kind === 'invalid' && result.issues.map((i) => [i.path, i.nodeId])).toEqual([
      ['joins[0].on[0]', 'p1'],
      ['aggregate.measures[0].column', 'm1'],
      ['aggregate.measures[1].as', 'm2'],
      ['aggregate.measures[2].column', 'm3'],
      ['aggregate.measures[2].as', 'm3'],
    ]);
  });

  it('asks for the vintage of a joined dataset that requires one', () => {
    const other = { ...products(), partition: { loadTypeColumn: 't', loadIdColumn: 'i', required: true } };
    const view = setJoins(ready(selectDataset(sales())), [productsJoin()], [sales(), other]);
    const result = toQuery(view, [sales(), other]);
    expect(result.kind === 'invalid' && result.issues[0]?.path).toBe('vintages.products');
    const chosen = setJoins(
      view,
      [{ ...productsJoin(), vintage: { loadType: 'FULL', loadId: '7' } }],
      [sales(), other],
    );
    const query = toQuery(chosen, [sales(), other]);
    expect(query.kind === 'ready' && query.query.vintages).toEqual({
      global_sales: { loadType: 'DAILY', loadId: '2026-11-20' },
      products: { loadType: 'FULL', loadId: '7' },
    });
  });
});

describe('schema changes', () => {
  it('a join adds its columns; removing it drops them from columns, filters, grouping and sort', () => {
    const joined = setJoins(ready(selectDataset(sales())), [productsJoin()], DETAILS);
    expect(joined.columns.map((c) => c.ref)).toContain('products.category');
    let view = setFilter(joined, filterOn('products.category', 'in', 'Toys', joined));
    view = setAggregation(
      view,
      { groupBy: ['products.category', 'global_sales.region'], measures: [] },
      DETAILS,
    );
    view = setSort(view, [{ column: 'products.category', dir: 'asc' }]);
    const removed = setJoins(view, [], DETAILS);
    expect(removed.columns.some((c) => c.ref.startsWith('products.'))).toBe(false);
    expect(removed.filter.items).toEqual([]);
    expect(removed.aggregate?.groupBy).toEqual(['global_sales.region']);
    expect(removed.sort).toEqual([]);
  });

  it('aggregating morphs the result columns; sort keeps only what the result still has', () => {
    const view = setSort(ready(selectDataset(sales())), [
      { column: 'global_sales.region', dir: 'asc' },
      { column: 'global_sales.amount', dir: 'desc' },
    ]);
    const grouped = setAggregation(
      view,
      {
        groupBy: ['global_sales.region'],
        measures: [{ id: 'm', fn: 'sum', column: 'global_sales.amount', as: 'total' }],
      },
      DETAILS,
    );
    expect(resultColumns(grouped, DETAILS).map((c) => [c.ref, c.label, c.type, c.format])).toEqual([
      ['global_sales.region', 'Region', 'string', undefined],
      ['total', 'Total', 'number', 'money'],
    ]);
    expect(grouped.sort).toEqual([{ column: 'global_sales.region', dir: 'asc' }]);
    expect(setAggregation(grouped, null, DETAILS).columns).toEqual(view.columns);
  });
});

describe('view updates', () => {
  it('never mutate the previous state', () => {
    const before = ready(selectDataset(sales()));
    const snapshot = structuredClone(before);
    toggleColumn(before, 'global_sales.region');
    moveColumn(before, 'global_sales.amount', -1);
    setVintage(before, 'WEEKLY', null);
    setJoins(before, [productsJoin()], DETAILS);
    setAggregation(before, { groupBy: ['global_sales.region'], measures: [] }, DETAILS);
    setFilter(before, filterOn('global_sales.region', 'in', 'EMEA', before));
    expect(before).toEqual(snapshot);
  });

  it('hiding a column drops its sort', () => {
    const view = setSort(selectDataset(sales()), [{ column: 'global_sales.amount', dir: 'asc' }]);
    expect(toggleColumn(view, 'global_sales.amount').sort).toEqual([]);
  });

  it('reorders columns and ignores moves past the ends', () => {
    const view = selectDataset(products());
    expect(moveColumn(view, 'products.category', -1).columns.map((c) => c.ref)).toEqual([
      'products.category',
      'products.product_id',
      'products.list_price',
    ]);
    expect(moveColumn(view, 'products.list_price', 1)).toBe(view);
  });

  it('clearing the Load Type clears the Load ID', () => {
    expect(setVintage(EMPTY_VIEW, null, '2026-11-20').vintage).toEqual({ loadType: null, loadId: null });
  });
});

describe('fromQuery', () => {
  it('restores hidden columns after the visible ones and qualifies bare references', () => {
    const view = fromQuery(
      { dataset: 'products', columns: ['category'], sort: [{ column: 'category', dir: 'asc' }] },
      DETAILS,
    );
    expect(view.columns).toEqual([
      { ref: 'products.category', visible: true },
      { ref: 'products.product_id', visible: false },
      { ref: 'products.list_price', visible: false },
    ]);
    expect(toQuery(view, DETAILS)).toEqual({
      kind: 'ready',
      query: {
        dataset: 'products',
        columns: ['products.category'],
        sort: [{ column: 'products.category', dir: 'asc' }],
      },
    });
  });
});

describe('time buckets', () => {
  const byMonth = {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } },
    aggregate: {
      groupBy: [
        { column: 'global_sales.order_date', bucket: 'month' as const, as: 'order_month' },
        'global_sales.region',
      ],
      measures: [{ fn: 'count' as const, column: null, as: 'orders' }],
    },
    sort: [{ column: 'order_month', dir: 'asc' as const }],
  };

  it('round-trip through the view: the bucket, its name and a sort by it', () => {
    const view = fromQuery(byMonth, DETAILS);
    expect(view.aggregate?.buckets).toEqual({
      'global_sales.order_date': { unit: 'month', as: 'order_month' },
    });
    expect(resultColumns(view, DETAILS)[0]).toMatchObject({
      ref: 'order_month',
      label: 'Order Date (Month)',
      type: 'date',
      bucket: 'month',
    });
    expect(toQuery(view, DETAILS)).toEqual({ kind: 'ready', query: byMonth });
  });

  it('refuses a bucket the column does not have, and a name used twice', () => {
    const view = fromQuery(byMonth, DETAILS);
    const aggregate = view.aggregate;
    if (!aggregate) throw new Error('aggregated');
    const hourly = {
      ...view,
      aggregate: { ...aggregate, buckets: { 'global_sales.order_date': { unit: 'hour' as const, as: 'h' } } },
    };
    const readiness = toQuery(hourly, DETAILS);
    expect(readiness.kind === 'invalid' && readiness.issues.map((i) => i.message)).toContain(
      'Order Date has no hours',
    );
    const clash = {
      ...view,
      aggregate: {
        ...aggregate,
        buckets: { 'global_sales.order_date': { unit: 'month' as const, as: 'orders' } },
      },
    };
    const twice = toQuery(clash, DETAILS);
    expect(twice.kind === 'invalid' && twice.issues.map((i) => i.message)).toContain('orders is used twice');
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
