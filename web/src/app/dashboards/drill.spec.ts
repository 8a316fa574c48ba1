import type { Query } from '../api';
import { drillQuery } from './drill';

const REPORT: Query = {
  dataset: 'orders',
  vintages: { orders: { loadType: 'MONTHLY', loadId: '2026-10-31' } },
  filter: {
    kind: 'group',
    op: 'and',
    items: [{ kind: 'condition', column: 'orders.status', operator: '=', value: 'F' }],
  },
  aggregate: {
    groupBy: ['orders.region', { column: 'orders.order_date', bucket: 'month', as: 'order_month' }],
    measures: [{ fn: 'sum', column: 'orders.amount', as: 'total' }],
  },
};

describe('drillQuery: a clicked bar in the explorer', () => {
  it("adds the clicked value and the tile's bound filters to the report's query", () => {
    const query = drillQuery(
      REPORT,
      { column: 'orders.region', value: 'EMEA' },
      [
        { id: 'vintage', kind: 'vintage', label: 'Month-end', loadType: 'MONTHLY' },
        { id: 'period', kind: 'dateRange', label: 'Order date', column: 'order_date' },
      ],
      { vintage: { loadId: '2026-09-30' }, period: { from: '2026-01-01', to: '2026-03-31' } },
    );
    expect(query).toEqual({
      ...REPORT,
      vintages: { orders: { loadType: 'MONTHLY', loadId: '2026-09-30' } },
      filter: {
        kind: 'group',
        op: 'and',
        items: [
          REPORT.filter,
          {
            kind: 'condition',
            column: 'orders.order_date',
            operator: 'between',
            values: ['2026-01-01', '2026-03-31'],
          },
          { kind: 'condition', column: 'orders.region', operator: '=', value: 'EMEA' },
        ],
      },
    });
  });

  it('filters an empty category as null, and refuses a category that is a time bucket', () => {
    expect(
      drillQuery(REPORT, { column: 'orders.region', value: null }, [], {})?.filter?.items.at(-1),
    ).toEqual({
      kind: 'condition',
      column: 'orders.region',
      operator: 'is_null',
    });
    expect(drillQuery(REPORT, { column: 'order_month', value: '2026-01-01' }, [], {})).toBeNull();
  });
});
