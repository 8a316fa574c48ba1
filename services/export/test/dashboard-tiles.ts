// The 12-tile dashboard of the dashboard export test and benchmark: every kind of tile over the demo data.
import type { DashboardJobInput } from '@aurora/export-jobs';

export const ALICE = { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'] };
export const VINTAGE = { global_sales: { loadType: 'DAILY', loadId: '2026-11-20' } };
/** The daily load before VINTAGE's: what the KPI tile compares against. */
export const PREVIOUS_VINTAGE = { global_sales: { loadType: 'DAILY', loadId: '2026-11-19' } };

const count = { fn: 'count', column: null, as: 'sales' };
const amount = { fn: 'sum', column: 'global_sales.amount', as: 'amount' };
export const byRegion = {
  dataset: 'global_sales',
  vintages: VINTAGE,
  aggregate: { groupBy: ['region'], measures: [count] },
  sort: [{ column: 'region', dir: 'asc' }],
};
export const byChannel = {
  dataset: 'global_sales',
  vintages: VINTAGE,
  aggregate: { groupBy: ['channel'], measures: [amount] },
  sort: [{ column: 'channel', dir: 'asc' }],
};
const byMonth = {
  dataset: 'global_sales',
  vintages: VINTAGE,
  aggregate: {
    groupBy: [{ column: 'global_sales.order_date', bucket: 'month', as: 'order_month' }],
    measures: [amount],
  },
  sort: [{ column: 'order_month', dir: 'asc' }],
};
export const total = {
  dataset: 'global_sales',
  vintages: VINTAGE,
  aggregate: { groupBy: [], measures: [count] },
};
export const salaries = {
  dataset: 'employee_roster',
  aggregate: { groupBy: [], measures: [{ fn: 'sum', column: 'salary', as: 'salaries' }] },
};

/** Twelve tiles on a 4 × 3 grid: bars, a line, a pie, a KPI, tables, and one the owner may not read. */
export function twelveTiles(): DashboardJobInput['tiles'] {
  const at = (i: number) => ({ x: (i % 4) * 3, y: Math.floor(i / 4) * 4, w: 3, h: 4 });
  const tiles: Omit<DashboardJobInput['tiles'][number], 'x' | 'y' | 'w' | 'h'>[] = [
    {
      title: 'Amount by channel',
      view: 'chart',
      query: byChannel,
      vintages: VINTAGE,
      chart: { type: 'bar', x: 'channel', y: ['amount'] },
    },
    { title: 'Sales by region', view: 'table', query: byRegion, vintages: VINTAGE },
    {
      title: 'Monthly amount',
      view: 'chart',
      query: byMonth,
      chart: { type: 'line', x: 'order_month', y: ['amount'] },
    },
    {
      title: 'Sales (KPI)',
      view: 'chart',
      query: total,
      chart: { type: 'kpi', y: ['sales'] },
      // As the gateway signs it for a KPI without x on a vintaged dataset.
      previousVintage: { loadId: '2026-11-19', query: { ...total, vintages: PREVIOUS_VINTAGE } },
    },
    {
      title: 'Channel share',
      view: 'chart',
      query: byChannel,
      chart: { type: 'pie', x: 'channel', y: ['amount'] },
    },
    { title: 'Regions by default chart', view: 'chart', query: byRegion },
    { title: 'Amount by channel (table)', view: 'table', query: byChannel },
    { title: 'Salaries of the roster', view: 'chart', query: salaries },
    {
      title: 'Stacked by region',
      view: 'chart',
      query: byRegion,
      chart: { type: 'bar', x: 'region', y: ['sales'], options: { stacked: true } },
    },
    {
      title: 'Monthly area',
      view: 'chart',
      query: byMonth,
      chart: { type: 'area', x: 'order_month', y: ['amount'] },
    },
    { title: 'Monthly table', view: 'table', query: byMonth },
    {
      title: 'Zürich & Москва tile',
      view: 'chart',
      query: byRegion,
      chart: { type: 'bar', x: 'region', y: ['sales'] },
    },
  ];
  return tiles.map((tile, i) => ({ ...tile, ...at(i) }));
}
