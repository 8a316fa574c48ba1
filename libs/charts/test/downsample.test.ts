import type { ChartSpec } from '@aurora/query-model';
import { downsample, type Cell } from '../src';
import { dimension, measure } from './fixtures';

const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

describe('downsample: series over the limit are reduced on the server', () => {
  const columns = [dimension('region'), dimension('order_day', 'date'), measure('total')];

  it('reduces each long series to the limit and keeps the short ones whole, rows in their order', () => {
    const rows: Cell[][] = [
      ...Array.from({ length: 5_000 }, (_, i): Cell[] => ['EMEA', day(i), i % 97]),
      ...Array.from({ length: 300 }, (_, i): Cell[] => ['APAC', day(i), i]),
    ];
    const spec: ChartSpec = { type: 'line', x: 'order_day', y: ['total'], series: 'region' };
    const { data, downsampledFrom } = downsample(spec, { columns, rows }, 1_000);
    expect(downsampledFrom).toBe(5_300);
    const emea = data.rows.filter((r) => r[0] === 'EMEA');
    expect(emea).toHaveLength(1_000);
    expect(emea[0]).toEqual(rows[0]);
    expect(emea.at(-1)).toEqual(rows[4_999]);
    expect(data.rows.filter((r) => r[0] === 'APAC')).toHaveLength(300);
    expect(data.rows.map((r) => rows.indexOf(r as Cell[]))).toEqual(
      [...data.rows.map((r) => rows.indexOf(r as Cell[]))].sort((a, b) => a - b),
    );
  });

  it('leaves a result within the limit, and any bar chart, as it is', () => {
    const rows: Cell[][] = Array.from({ length: 50 }, (_, i): Cell[] => ['EMEA', day(i), i]);
    expect(downsample({ type: 'line', x: 'order_day', y: ['total'] }, { columns, rows }, 100)).toEqual({
      data: { columns, rows },
    });
    expect(downsample({ type: 'bar', x: 'order_day', y: ['total'] }, { columns, rows }, 10).data.rows).toBe(
      rows,
    );
  });

  it('walks a time axis chronologically even when the rows come in another order', () => {
    const rows: Cell[][] = Array.from({ length: 1_000 }, (_, i): Cell[] => [
      'EMEA',
      day(999 - i),
      i === 500 ? 1e6 : 1,
    ]);
    const { data } = downsample({ type: 'area', x: 'order_day', y: ['total'] }, { columns, rows }, 50);
    expect(data.rows).toHaveLength(50);
    expect(data.rows).toContainEqual(rows[500]); // the spike
    expect(data.rows).toContainEqual(rows[0]); // the last day
    expect(data.rows).toContainEqual(rows[999]); // the first day
  });
});
