import { defaultChart, retype, type ChartColumn } from '../src';
import { dimension, measure } from './fixtures';

describe('defaultChart: the chart a result shape gets', () => {
  it('a time bucket and a measure give a line along the bucket', () => {
    expect(defaultChart([dimension('order_month', 'date'), measure('total')])).toEqual({
      type: 'line',
      x: 'order_month',
      y: ['total'],
    });
  });

  it('a time bucket with a category gives a line per category value', () => {
    const columns = [dimension('global_sales.region'), dimension('order_month', 'date'), measure('total')];
    expect(defaultChart(columns)).toEqual({
      type: 'line',
      x: 'order_month',
      y: ['total'],
      series: 'global_sales.region',
    });
  });

  it('a timestamp bucket with two measures draws both lines', () => {
    expect(defaultChart([dimension('hour', 'timestamp'), measure('a'), measure('b')])).toEqual({
      type: 'line',
      x: 'hour',
      y: ['a', 'b'],
    });
  });

  it('one category and one measure give a bar', () => {
    expect(defaultChart([dimension('global_sales.region'), measure('total', 'money')])).toEqual({
      type: 'bar',
      x: 'global_sales.region',
      y: ['total'],
    });
  });

  it('a single value gives a KPI', () => {
    expect(defaultChart([measure('orders', undefined, 'integer')])).toEqual({ type: 'kpi', y: ['orders'] });
  });

  it('two measures by a category give a scatter of the first against the second', () => {
    expect(defaultChart([dimension('product'), measure('units'), measure('revenue')])).toEqual({
      type: 'scatter',
      x: 'units',
      y: ['revenue'],
    });
  });

  it.each<[string, ChartColumn[]]>([
    ['no measure', [dimension('region'), dimension('channel')]],
    ['two categories and a measure', [dimension('region'), dimension('channel'), measure('total')]],
    ['one category and three measures', [dimension('region'), measure('a'), measure('b'), measure('c')]],
    ['two measures and no dimension (one row)', [measure('a'), measure('b')]],
    ['three dimensions with a date', [dimension('d', 'date'), dimension('r'), dimension('c'), measure('t')]],
  ])('%s gives a table', (_shape, columns) => {
    expect(defaultChart(columns).type).toBe('table');
  });

  it('without roles, numeric columns count as measures (a year grouped as an integer is then a measure)', () => {
    const columns: ChartColumn[] = [
      { name: 'region', label: 'Region', type: 'string' },
      { name: 'total', label: 'Total', type: 'number' },
    ];
    expect(defaultChart(columns)).toEqual({ type: 'bar', x: 'region', y: ['total'] });
  });
});

describe('retype: another type over the same result', () => {
  const columns = [
    dimension('region'),
    dimension('order_month', 'date'),
    measure('units'),
    measure('revenue'),
  ];

  it('keeps the x and the measures from a bar to a line, and a line gets the date when it had no x', () => {
    const bar = { type: 'bar', x: 'region', y: ['revenue'] } as const;
    expect(retype({ ...bar, y: ['revenue'] }, 'line', columns)).toEqual({
      type: 'line',
      x: 'region',
      y: ['revenue'],
    });
    expect(retype({ type: 'kpi', y: ['units'] }, 'line', columns)).toEqual({
      type: 'line',
      x: 'order_month',
      y: ['units'],
    });
  });

  it('a pie takes one measure and no series', () => {
    expect(
      retype({ type: 'line', x: 'order_month', y: ['units'], series: 'region' }, 'pie', columns),
    ).toEqual({
      type: 'pie',
      x: 'order_month',
      y: ['units'],
    });
  });

  it('a scatter plots the first two measures; a KPI the first measure over the time dimension', () => {
    const line = { type: 'line' as const, x: 'order_month', y: ['units', 'revenue'] };
    expect(retype(line, 'scatter', columns)).toEqual({ type: 'scatter', x: 'units', y: ['revenue'] });
    expect(retype(line, 'kpi', columns)).toEqual({ type: 'kpi', x: 'order_month', y: ['units'] });
    expect(retype(line, 'table', columns)).toEqual({ type: 'table', y: [] });
  });

  it('a scatter back to a bar takes a dimension for x, not a measure', () => {
    expect(retype({ type: 'scatter', x: 'units', y: ['revenue'] }, 'bar', columns)).toEqual({
      type: 'bar',
      x: 'region',
      y: ['revenue'],
    });
  });
});
