import type { ChartSpec } from '@aurora/query-model';
import type { EChartsCoreOption } from 'echarts/core';
import { columnIndex, numberOf, type Cell, type ChartData } from './columns';
import { formatValue } from './formats';
import { legendShown, seriesOf, tooltip } from './series';

/** Slices of the first measure by `x` (a donut when asked); slices keep the result's order. */
export function pieOption(spec: ChartSpec, data: ChartData, top: number): EChartsCoreOption {
  const x = columnIndex(data.columns, spec.x);
  const y = columnIndex(data.columns, spec.y[0]);
  const xColumn = data.columns[x];
  const measure = data.columns[y];
  const slices = data.rows.map((row) => ({
    name: formatValue(row[x], xColumn) || '(none)',
    value: numberOf(row[y]),
  }));
  const legend = legendShown(spec, slices.length);
  return {
    ...(legend ? { legend: { top, type: 'scroll' } } : {}),
    tooltip: tooltip('item', (value) => formatValue(value as Cell, measure)),
    series: [
      {
        type: 'pie',
        name: measure?.label ?? '',
        radius: spec.options?.donut ? ['42%', '68%'] : '68%',
        center: ['50%', legend ? '56%' : '52%'],
        data: slices,
        label: { formatter: '{b}: {d}%' },
      },
    ],
  };
}

/** One point per row: the first measure along x, the second up; a `series` column colours the points. */
export function scatterOption(spec: ChartSpec, data: ChartData, top: number): EChartsCoreOption {
  const x = columnIndex(data.columns, spec.x);
  const xColumn = data.columns[x];
  const series = seriesOf(spec, data);
  const measure = series[0]?.measure;
  const legend = legendShown(spec, series.length);
  return {
    grid: { left: 16, right: 24, top: top + (legend ? 28 : 0), bottom: 16, containLabel: true },
    ...(legend ? { legend: { top, type: 'scroll' } } : {}),
    tooltip: tooltip('item'),
    xAxis: {
      type: 'value',
      scale: true,
      name: xColumn?.label ?? '',
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { formatter: (value: number) => formatValue(value, xColumn) },
    },
    yAxis: {
      type: 'value',
      scale: true,
      name: measure?.label ?? '',
      axisLabel: { formatter: (value: number) => formatValue(value, measure) },
    },
    series: series.map((s) => ({
      type: 'scatter',
      name: s.name,
      symbolSize: 8,
      data: s.rows.flatMap((row) => {
        const px = numberOf(row[x]);
        const py = numberOf(row[s.valueIndex]);
        return px === null || py === null ? [] : [[px, py]];
      }),
    })),
  };
}
