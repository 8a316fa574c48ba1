import type { ChartSpec } from '@aurora/query-model';
import type { EChartsCoreOption } from 'echarts/core';
import { columnIndex, isTime, numberOf, timeOf, type Cell, type ChartData } from './columns';
import { formatTime, formatValue } from './formats';
import { legendShown, seriesOf, tooltip } from './series';

/** Bars (grouped, or stacked), lines and areas along a category axis, or a time axis for dates. */
export function cartesianOption(spec: ChartSpec, data: ChartData, top: number): EChartsCoreOption {
  const x = columnIndex(data.columns, spec.x);
  const xColumn = data.columns[x];
  const series = seriesOf(spec, data);
  const measure = series[0]?.measure;
  const onTime = spec.type !== 'bar' && xColumn !== undefined && isTime(xColumn);
  const categories = onTime ? [] : distinct(data.rows.map((row) => formatValue(row[x], xColumn)));
  const legend = legendShown(spec, series.length);
  const stacked = spec.options?.stacked === true;
  return {
    grid: { left: 16, right: 24, top: top + (legend ? 28 : 0), bottom: 16, containLabel: true },
    ...(legend ? { legend: { top, type: 'scroll' } } : {}),
    tooltip: tooltip('axis', (value) => formatValue(value as Cell, measure)),
    xAxis: onTime
      ? { type: 'time', axisLabel: { hideOverlap: true, formatter: (ms: number) => formatTime(ms, xColumn) } }
      : { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', axisLabel: { formatter: (value: number) => formatValue(value, measure) } },
    series: series.map((s) => {
      const byCategory = new Map<string, number | null>();
      const points: [number, number | null][] = [];
      for (const row of s.rows) {
        const value = numberOf(row[s.valueIndex]);
        if (onTime) {
          const ms = timeOf(row[x]);
          if (ms !== null) points.push([ms, value]);
        } else byCategory.set(formatValue(row[x], xColumn), value);
      }
      return {
        type: spec.type === 'bar' ? 'bar' : 'line',
        name: s.name,
        // A line joins its points in order: along time, whatever order the query sorted the rows in.
        data: onTime ? points.sort((p, q) => p[0] - q[0]) : categories.map((c) => byCategory.get(c) ?? null),
        ...(stacked ? { stack: 'total' } : {}),
        ...(spec.type === 'area' ? { areaStyle: { opacity: stacked ? 0.7 : 0.25 } } : {}),
        ...(spec.type === 'bar' ? {} : { showSymbol: s.rows.length <= 60 }),
      };
    }),
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
