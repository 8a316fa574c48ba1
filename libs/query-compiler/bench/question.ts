import type { BindValue } from '../src';
import { VINTAGE } from './star-schema';

/**
 * The business question, asked twice: as an API query body and as SQL an analyst would write by hand. Both
 * take their values from here, so they bind the same values.
 *
 * "Among this vintage's non-returned 2025-2026 sales in the main regions and channels, with a few ticket and
 * comment rules, by the selling department, product category and customer segment: revenue, average
 * discount, orders, distinct buyers and units, for the combinations with enough orders and revenue; the
 * second page of 25, largest revenue first."
 */
export const VALUES = {
  regions: ['EMEA', 'AMER', 'APAC'],
  channels: ['Online', 'Retail', 'Partner'],
  saleDates: ['2025-01-01', '2026-09-30'],
  amounts: [25, 7500],
  bulkQuantity: 15,
  commentPrefix: 'Promo',
  commentWord: 'urgent',
  departments: ['Sales', 'Retail', 'Partners', 'Marketing', 'Support'],
  hiredBefore: '2026-01-01',
  categories: [
    'Hardware',
    'Software',
    'Services',
    'Accessories',
    'Networking',
    'Storage',
    'Audio',
    'Printing',
  ],
  excludedBrand: 'Generic',
  listPrices: [5, 2500],
  segments: ['Enterprise', 'SMB', 'Consumer'],
  countries: ['DE', 'FR', 'GB', 'US', 'JP', 'IN', 'BR'],
  maxDiscount: 0.2,
  serviceCategories: ['Software', 'Services'],
  bigTicket: 500,
  minOrders: 20,
  minRevenue: 10_000,
  page: { number: 2, size: 25 },
} as const;

const V = VALUES;

/** The API query body (docs/API.md, "The query"): 3 inner joins, 20 conditions nested 3 deep, 5 measures. */
export const QUERY_BODY = {
  dataset: 'sales',
  vintages: { sales: { loadType: VINTAGE.loadType, loadId: VINTAGE.loadId } },
  joins: [
    {
      dataset: 'employees',
      type: 'inner',
      on: [{ left: 'sales.employee_id', right: 'employees.employee_id' }],
    },
    { dataset: 'products', type: 'inner', on: [{ left: 'sales.product_id', right: 'products.product_id' }] },
    {
      dataset: 'customers',
      type: 'inner',
      on: [{ left: 'sales.customer_id', right: 'customers.customer_id' }],
    },
  ],
  filter: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'condition', column: 'sales.region', operator: 'in', values: V.regions },
      { kind: 'condition', column: 'sales.channel', operator: 'in', values: V.channels },
      { kind: 'condition', column: 'sales.sale_date', operator: 'between', values: V.saleDates },
      { kind: 'condition', column: 'sales.is_return', operator: '=', value: false },
      {
        kind: 'group',
        op: 'or',
        items: [
          { kind: 'condition', column: 'sales.amount', operator: 'between', values: V.amounts },
          { kind: 'condition', column: 'sales.quantity', operator: '>=', value: V.bulkQuantity },
        ],
      },
      {
        kind: 'group',
        op: 'or',
        items: [
          { kind: 'condition', column: 'sales.comment', operator: 'is_null' },
          { kind: 'condition', column: 'sales.comment', operator: 'starts_with', value: V.commentPrefix },
          {
            kind: 'condition',
            column: 'sales.comment',
            operator: 'contains',
            value: V.commentWord,
            caseSensitive: false,
          },
        ],
      },
      { kind: 'condition', column: 'employees.department', operator: 'in', values: V.departments },
      { kind: 'condition', column: 'employees.hire_date', operator: '<', value: V.hiredBefore },
      { kind: 'condition', column: 'products.category', operator: 'in', values: V.categories },
      { kind: 'condition', column: 'products.brand', operator: '=', not: true, value: V.excludedBrand },
      { kind: 'condition', column: 'products.list_price', operator: 'between', values: V.listPrices },
      { kind: 'condition', column: 'customers.segment', operator: 'in', values: V.segments },
      { kind: 'condition', column: 'customers.country', operator: 'is_null', not: true },
      {
        kind: 'group',
        op: 'or',
        items: [
          {
            kind: 'group',
            op: 'and',
            items: [
              { kind: 'condition', column: 'customers.country', operator: 'in', values: V.countries },
              { kind: 'condition', column: 'sales.discount', operator: '<=', value: V.maxDiscount },
            ],
          },
          {
            kind: 'group',
            op: 'and',
            items: [
              { kind: 'condition', column: 'products.category', operator: 'in', values: V.serviceCategories },
              { kind: 'condition', column: 'sales.amount', operator: '>=', value: V.bigTicket },
            ],
          },
        ],
      },
    ],
  },
  aggregate: {
    groupBy: ['employees.department', 'products.category', 'customers.segment'],
    measures: [
      { fn: 'sum', column: 'sales.amount', as: 'total_amount' },
      { fn: 'avg', column: 'sales.discount', as: 'avg_discount' },
      { fn: 'count', column: null, as: 'orders' },
      { fn: 'count_distinct', column: 'sales.customer_id', as: 'buyers' },
      { fn: 'sum', column: 'sales.quantity', as: 'units' },
    ],
  },
  resultFilter: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'condition', column: 'orders', operator: '>=', value: V.minOrders },
      { kind: 'condition', column: 'total_amount', operator: '>', value: V.minRevenue },
    ],
  },
  sort: [{ column: 'total_amount', dir: 'desc' }],
  page: V.page,
} as const;

/** Counts the conditions of a filter body, to keep the benchmark honest about what it claims. */
export function countConditions(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  if ((node as { kind?: unknown }).kind === 'condition') return 1;
  const items = (node as { items?: unknown }).items;
  return Array.isArray(items) ? items.reduce((sum: number, item) => sum + countConditions(item), 0) : 0;
}

/** The same question as a competent analyst writes it: plain joins, WHERE, GROUP BY, HAVING, ORDER BY, paging. */
export function handWrittenSql(): { sql: string; params: BindValue[] } {
  const params: BindValue[] = [];
  const $ = (value: BindValue): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const list = (values: readonly BindValue[]): string => values.map($).join(', ');
  const offset = (V.page.number - 1) * V.page.size;
  const sql = `
SELECT e.department, p.category, c.segment,
       SUM(s.amount) AS total_amount,
       AVG(s.discount) AS avg_discount,
       COUNT(*) AS orders,
       COUNT(DISTINCT s.customer_id) AS buyers,
       SUM(s.quantity) AS units
FROM sales AS s
JOIN employees AS e ON e.employee_id = s.employee_id
JOIN products AS p ON p.product_id = s.product_id
JOIN customers AS c ON c.customer_id = s.customer_id
WHERE s.load_type = ${$(VINTAGE.loadType)} AND s.load_id = ${$(VINTAGE.loadId)}::DATE
  AND s.region IN (${list(V.regions)})
  AND s.channel IN (${list(V.channels)})
  AND s.sale_date BETWEEN ${$(V.saleDates[0])}::DATE AND ${$(V.saleDates[1])}::DATE
  AND s.is_return = ${$(false)}
  AND (s.amount BETWEEN ${$(V.amounts[0])} AND ${$(V.amounts[1])} OR s.quantity >= ${$(V.bulkQuantity)})
  AND (s.comment IS NULL OR s.comment LIKE ${$(`${V.commentPrefix}%`)} OR s.comment ILIKE ${$(`%${V.commentWord}%`)})
  AND e.department IN (${list(V.departments)})
  AND e.hire_date < ${$(V.hiredBefore)}::DATE
  AND p.category IN (${list(V.categories)})
  AND p.brand <> ${$(V.excludedBrand)}
  AND p.list_price BETWEEN ${$(V.listPrices[0])} AND ${$(V.listPrices[1])}
  AND c.segment IN (${list(V.segments)})
  AND c.country IS NOT NULL
  AND ((c.country IN (${list(V.countries)}) AND s.discount <= ${$(V.maxDiscount)})
       OR (p.category IN (${list(V.serviceCategories)}) AND s.amount >= ${$(V.bigTicket)}))
GROUP BY e.department, p.category, c.segment
HAVING COUNT(*) >= ${$(V.minOrders)} AND SUM(s.amount) > ${$(V.minRevenue)}
ORDER BY total_amount DESC, e.department, p.category, c.segment
LIMIT ${V.page.size} OFFSET ${offset}`;
  return { sql: sql.trim(), params };
}
