// The browser imports this entry: it holds no ECharts code (the server's renderer is `@aurora/charts/svg`).
export {
  chartBindings,
  fitsColumns,
  isMeasure,
  isTime,
  type Cell,
  type ChartColumn,
  type ChartData,
  type PreviousVintage,
  withRoles,
} from './columns';
export { defaultChart, savedOrDefault } from './default-chart';
export { retype } from './retype';
export { downsample, type Downsampled } from './downsample';
export { formatTime, formatValue } from './formats';
export { lttb } from './lttb';
export { chartOption } from './option';
export { PALETTE } from './palette';
export { kpiValue } from './text-charts';
