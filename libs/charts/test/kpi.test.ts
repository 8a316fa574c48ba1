import type { ChartSpec } from '@aurora/query-model';
import { chartOption, kpiValue, type Cell, type ChartData, type PreviousVintage } from '../src';
import { dimension, measure } from './fixtures';

/** The KPI's lines as drawn: each graphic text with its colour. */
function lines(spec: ChartSpec, data: ChartData): { text: string; fill: string }[] {
  const option = chartOption(spec, data) as {
    graphic: { elements: { style: { text: string; fill: string } }[] };
  };
  return option.graphic.elements.map(({ style }) => ({ text: style.text, fill: style.fill }));
}

const total = measure('total', 'money');
const single: ChartSpec = { type: 'kpi', y: ['total'] };
const valueOf = (value: Cell, previousVintage?: PreviousVintage): ChartData => ({
  columns: [total],
  rows: [[value]],
  ...(previousVintage ? { previousVintage } : {}),
});

describe('a KPI without x against the previous vintage', () => {
  it('shows its value and a rise against the previous Load ID, in green', () => {
    expect(lines(single, valueOf(1032, { loadId: '2026-09-30', value: 1000 }))).toEqual([
      { text: 'total', fill: '#6b7280' },
      { text: '1,032.00', fill: '#1f2937' },
      { text: '▲ 3.2% vs 2026-09-30', fill: '#009E73' },
    ]);
  });

  it('shows a fall in vermilion, as a positive percentage after ▼', () => {
    const [, , change] = lines(single, valueOf(750, { loadId: '2026-09-30', value: 1000 }));
    expect(change).toEqual({ text: '▼ 25.0% vs 2026-09-30', fill: '#D55E00' });
  });

  it('reads big numbers sent as text, and compares against a negative value by its size', () => {
    const [, , change] = lines(single, valueOf('-50', { loadId: '2026-08-31', value: '-100' }));
    expect(change?.text).toBe('▲ 50.0% vs 2026-08-31');
  });

  it('shows no change without a previous vintage, or when its value is NULL or 0', () => {
    for (const previousVintage of [
      undefined,
      { loadId: '2026-09-30', value: null },
      { loadId: '2026-09-30', value: 0 },
    ])
      expect(lines(single, valueOf(1032, previousVintage)).map((l) => l.text)).toEqual(['total', '1,032.00']);
  });

  it('shows a dash and no change when its own value is NULL', () => {
    expect(lines(single, valueOf(null, { loadId: '2026-09-30', value: 1000 })).map((l) => l.text)).toEqual([
      'total',
      '–',
    ]);
  });
});

describe('a KPI along x', () => {
  const monthly: ChartData = {
    columns: [dimension('order_month', 'date'), total],
    rows: [
      ['2026-09-01', 1000],
      ['2026-10-01', 1250],
    ],
    // A KPI along x compares its rows: a previous vintage, if any came, is not what it shows.
    previousVintage: { loadId: '2026-09-30', value: 5000 },
  };

  it('compares the last row with the row before it', () => {
    const [, value, change] = lines({ type: 'kpi', x: 'order_month', y: ['total'] }, monthly);
    expect(value?.text).toBe('1,250.00');
    expect(change).toEqual({ text: '▲ 25.0% vs 2026-09-01', fill: '#009E73' });
  });

  it('has no change with a single row', () => {
    const first: ChartData = { columns: monthly.columns, rows: monthly.rows.slice(0, 1) };
    expect(lines({ type: 'kpi', x: 'order_month', y: ['total'] }, first)).toHaveLength(2);
  });
});

describe('kpiValue', () => {
  it('is the first measure of the last row, and null without rows', () => {
    const data: ChartData = {
      columns: [dimension('region'), total],
      rows: [
        ['EMEA', 1],
        ['APAC', 2],
      ],
    };
    expect(kpiValue({ type: 'kpi', y: ['total'] }, data)).toBe(2);
    expect(kpiValue({ type: 'kpi', y: ['total'] }, { columns: data.columns, rows: [] })).toBeNull();
  });
});
