import type { ChartColumn } from '@aurora/charts';
import { renderSvg } from '@aurora/charts/svg';
import type { DashboardDocument, DashboardTile } from '../src';

const region: ChartColumn = { name: 'region', label: 'Region', type: 'string', role: 'dimension' };
const month: ChartColumn = { name: 'month', label: 'Month', type: 'date', role: 'dimension' };
const total: ChartColumn = {
  name: 'total',
  label: 'Total',
  type: 'number',
  format: 'money',
  role: 'measure',
};
const REGIONS = [
  ['EMEA', 1200.5],
  ['APAC', 800],
  ['Zürich', 300],
  ['Москва', 450],
];
const MONTHS = ['2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01'].map((m, i) => [m, 1000 + i * 250]);

/** The rows of the table tile: text a reader must find on the page. */
export const TABLE_ROWS = Array.from({ length: 8 }, (_, i) => [`Customer ${i + 1} Ω`, `${(i + 1) * 111}.25`]);

/** Axis labels a vector chart keeps as text (a picture of a chart would not). */
export const AXIS_LABELS = ['EMEA', 'APAC', 'Zürich', '1,200.00', '2026-08-01'];

const bar = (size: { width: number; height: number }) =>
  renderSvg({ type: 'bar', x: 'region', y: ['total'] }, { columns: [region, total], rows: REGIONS }, size);
const line = (size: { width: number; height: number }) =>
  renderSvg({ type: 'line', x: 'month', y: ['total'] }, { columns: [month, total], rows: MONTHS }, size);

/** A dashboard of every kind of tile, with non-ASCII text in its title, tiles and cells. */
export function sampleDashboard(): DashboardDocument {
  const tiles: DashboardTile[] = [
    {
      title: 'Sales by region',
      caption: 'MONTHLY 2026-10-31',
      x: 0,
      y: 0,
      w: 6,
      h: 4,
      content: { kind: 'chart', svg: bar },
    },
    {
      title: 'Top customers',
      x: 6,
      y: 0,
      w: 6,
      h: 4,
      content: {
        kind: 'table',
        columns: [{ label: 'Customer' }, { label: 'Total', numeric: true }],
        rows: TABLE_ROWS,
      },
    },
    {
      title: 'Revenue',
      x: 0,
      y: 4,
      w: 3,
      h: 3,
      content: {
        kind: 'kpi',
        label: 'Revenue',
        value: '2,750.50',
        change: { text: '▲ 4.2% vs 2026-09-30', up: true },
      },
    },
    {
      title: 'Salaries',
      x: 3,
      y: 4,
      w: 3,
      h: 3,
      content: { kind: 'message', text: 'You may not read this dataset.' },
    },
    {
      title: 'Monthly trend',
      x: 6,
      y: 4,
      w: 6,
      h: 3,
      content: () => Promise.resolve({ kind: 'chart', svg: line }),
    },
  ];
  return {
    title: 'Month-end sales — Zürich & Москва',
    filters: 'Month-end: 2026-10-31 · Region: EMEA, APAC',
    footer: 'Exported 2026-12-07 14:40 UTC by Alice Doe',
    tiles,
  };
}

/** Pie slices of the regions: ECharts labels them outside ("EMEA: 44.05%"), with a white halo behind the text. */
export function pieDashboard(): DashboardDocument {
  const pie = (donut: boolean) => (size: { width: number; height: number }) =>
    renderSvg(
      { type: 'pie', x: 'region', y: ['total'], options: { donut } },
      { columns: [region, total], rows: REGIONS },
      size,
    );
  return {
    title: 'Regional shares',
    filters: '',
    footer: 'Exported 2026-12-07 14:40 UTC by Alice Doe',
    tiles: [
      { title: 'Pie', x: 0, y: 0, w: 6, h: 6, content: { kind: 'chart', svg: pie(false) } },
      { title: 'Donut', x: 6, y: 0, w: 6, h: 6, content: { kind: 'chart', svg: pie(true) } },
    ],
  };
}
