import type { BindValue } from '../src';
import { VINTAGE } from './star-schema';

/**
 * The second question (issue 16): a calculated column, a time bucket and a pivot in one query, asked as an API
 * body and as SQL an analyst would write by hand, with the same values.
 *
 * "This vintage's net revenue (the amount less its discount) of 2025-2026 orders netting more than 20, by month
 * and product category down, sales channel across."
 */
export const CROSS_TAB_VALUES = {
  saleDates: ['2025-01-01', '2026-09-30'],
  minNet: 20,
  /** What the pivot's first step reads, in its order (ascending): checked against it before timing. */
  channels: ['Online', 'Partner', 'Phone', 'Retail'],
} as const;

const V = CROSS_TAB_VALUES;

export const CROSS_TAB_BODY = {
  dataset: 'sales',
  vintages: { sales: { loadType: VINTAGE.loadType, loadId: VINTAGE.loadId } },
  joins: [
    { dataset: 'products', type: 'inner', on: [{ left: 'sales.product_id', right: 'products.product_id' }] },
  ],
  computed: [{ as: 'net', expr: 'sales.amount * (1 - sales.discount)' }],
  filter: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'condition', column: 'sales.sale_date', operator: 'between', values: V.saleDates },
      { kind: 'condition', column: 'net', operator: '>', value: V.minNet },
    ],
  },
  aggregate: {
    groupBy: [{ column: 'sales.sale_date', bucket: 'month', as: 'sale_month' }, 'products.category'],
    measures: [
      { fn: 'sum', column: 'net', as: 'revenue' },
      { fn: 'count', column: null, as: 'orders' },
    ],
    pivot: { column: 'sales.channel' },
  },
  sort: [
    { column: 'sale_month', dir: 'asc' },
    { column: 'products.category', dir: 'asc' },
  ],
} as const;

/** The same cross-tab by hand: conditional aggregation, one pair of columns per channel. */
export function crossTabSql(): { sql: string; params: BindValue[] } {
  const params: BindValue[] = [];
  const $ = (value: BindValue): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const net = 's.amount * (1 - s.discount)';
  const columns = V.channels.map((channel) => {
    const value = $(channel);
    return `SUM(CASE WHEN s.channel = ${value} THEN ${net} END), COUNT(CASE WHEN s.channel = ${value} THEN 1 END)`;
  });
  const sql = `
SELECT DATE_TRUNC('month', s.sale_date)::DATE AS sale_month, p.category,
       ${columns.join(',\n       ')}
FROM sales AS s
JOIN products AS p ON p.product_id = s.product_id
WHERE s.load_type = ${$(VINTAGE.loadType)} AND s.load_id = ${$(VINTAGE.loadId)}::DATE
  AND s.sale_date BETWEEN ${$(V.saleDates[0])}::DATE AND ${$(V.saleDates[1])}::DATE
  AND ${net} > ${$(V.minNet)}
GROUP BY 1, 2
ORDER BY 1, 2`;
  return { sql: sql.trim(), params };
}
