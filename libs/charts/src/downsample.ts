import type { ChartSpec } from '@aurora/query-model';
import { CHART_LIMITS } from '@aurora/query-model/chart-limits';
import { columnIndex, isTime, numberOf, timeOf, type Cell, type ChartData } from './columns';
import { lttb } from './lttb';

export interface Downsampled {
  readonly data: ChartData;
  /** The rows before downsampling, when some series was longer than the limit. */
  readonly downsampledFrom?: number;
}

/**
 * The rows of a line or area chart with every series over `maxPoints` points reduced by LTTB on its first
 * measure (rows whose x or measure is null drop out of a reduced series: they cannot be placed). Other charts,
 * and series within the limit, keep every row, in their order.
 */
export function downsample(
  spec: ChartSpec,
  data: ChartData,
  maxPoints: number = CHART_LIMITS.maxPointsPerSeries,
): Downsampled {
  if (spec.type !== 'line' && spec.type !== 'area') return { data };
  const x = columnIndex(data.columns, spec.x);
  const y = columnIndex(data.columns, spec.y[0]);
  const series = columnIndex(data.columns, spec.series);
  const xColumn = data.columns[x];
  if (!xColumn || y < 0) return { data };
  const xValue = (row: readonly Cell[], i: number): number | null =>
    isTime(xColumn) ? timeOf(row[x]) : (numberOf(row[x]) ?? i);
  const groups = new Map<Cell, number[]>();
  data.rows.forEach((row, i) => {
    const key = series < 0 ? null : (row[series] ?? null);
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  });
  if (![...groups.values()].some((g) => g.length > maxPoints)) return { data };
  const kept: number[] = [];
  for (const group of groups.values()) {
    if (group.length <= maxPoints) {
      kept.push(...group);
      continue;
    }
    const points = group.flatMap((i) => {
      const row = data.rows[i] ?? [];
      const px = xValue(row, i);
      const py = numberOf(row[y]);
      return px === null || py === null ? [] : [{ i, x: px, y: py }];
    });
    points.sort((p, q) => p.x - q.x); // LTTB walks along x
    const picked = lttb(
      points.map((p) => p.x),
      points.map((p) => p.y),
      maxPoints,
    );
    for (const j of picked) kept.push(points[j]?.i ?? 0);
  }
  kept.sort((p, q) => p - q);
  return {
    data: { columns: data.columns, rows: kept.map((i) => data.rows[i] ?? []) },
    downsampledFrom: data.rows.length,
  };
}
