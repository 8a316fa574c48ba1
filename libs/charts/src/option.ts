import type { ChartSpec } from '@aurora/query-model';
import type { EChartsCoreOption } from 'echarts/core';
import { cartesianOption } from './cartesian';
import type { ChartData } from './columns';
import { kpiOption, tableOption } from './text-charts';
import { PALETTE } from './palette';
import { pieOption, scatterOption } from './round-charts';

/**
 * The ECharts option of a chart: one function for the browser and for the server's SVG, so both draw the same
 * chart. No animation (a server render has no time to animate, and the browser's PNG must be the final frame).
 */
export function chartOption(spec: ChartSpec, data: ChartData): EChartsCoreOption {
  const title = spec.options?.title;
  return {
    animation: false,
    useUTC: true, // dates are UTC calendar days, as the warehouse writes them
    color: [...PALETTE],
    backgroundColor: '#ffffff',
    // Single quotes only: ECharts writes the family into a double-quoted SVG attribute as it is.
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
    ...(title ? { title: { text: title, left: 'center', textStyle: { fontSize: 14 } } } : {}),
    ...body(spec, data, title ? 36 : 12),
  };
}

function body(spec: ChartSpec, data: ChartData, top: number): EChartsCoreOption {
  switch (spec.type) {
    case 'bar':
    case 'line':
    case 'area':
      return cartesianOption(spec, data, top);
    case 'scatter':
      return scatterOption(spec, data, top);
    case 'pie':
      return pieOption(spec, data, top);
    case 'kpi':
      return kpiOption(spec, data);
    case 'table':
      return tableOption(data, top);
  }
}
