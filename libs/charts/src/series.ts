import type { ChartSpec } from '@aurora/query-model';
import { CHART_LIMITS } from '@aurora/query-model/chart-limits';
import { columnIndex, type Cell, type ChartData, type ChartColumn } from './columns';
import { formatValue } from './formats';

/** One drawn series: its name and the rows that feed it, with the column its values come from. */
export interface SeriesRows {
  readonly name: string;
  readonly measure: ChartColumn;
  readonly valueIndex: number;
  readonly rows: readonly (readonly Cell[])[];
}

/**
 * The series of a chart: with a `series` column, one per distinct value of it (at most CHART_LIMITS.maxSeries,
 * in order of first appearance) over the first measure; without, one per measure over every row.
 */
export function seriesOf(spec: ChartSpec, data: ChartData): SeriesRows[] {
  const split = columnIndex(data.columns, spec.series);
  const splitColumn = data.columns[split];
  const measures = spec.y.flatMap((name) => {
    const index = columnIndex(data.columns, name);
    const column = data.columns[index];
    return column ? [{ column, index }] : [];
  });
  const [first] = measures;
  if (!first) return [];
  if (!splitColumn)
    return measures.map(({ column, index }) => ({
      name: column.label,
      measure: column,
      valueIndex: index,
      rows: data.rows,
    }));
  const groups = new Map<Cell, (readonly Cell[])[]>();
  for (const row of data.rows) {
    const key = row[split] ?? null;
    const group = groups.get(key);
    if (group) group.push(row);
    else if (groups.size < CHART_LIMITS.maxSeries) groups.set(key, [row]);
  }
  return [...groups].map(([key, rows]) => ({
    name: key === null ? '(none)' : formatValue(key, splitColumn),
    measure: first.column,
    valueIndex: first.index,
    rows,
  }));
}

/**
 * A tooltip drawn by the chart's own renderer (rich text), not as HTML: ECharts' HTML tooltip writes its colour
 * markers as inline `style` attributes, which the portal's Content-Security-Policy refuses.
 */
export function tooltip(trigger: 'axis' | 'item', valueFormatter?: (value: unknown) => string) {
  return { trigger, renderMode: 'richText', ...(valueFormatter ? { valueFormatter } : {}) };
}

/** Whether the legend is drawn: asked for, or by default when there is more than one series to tell apart. */
export function legendShown(spec: ChartSpec, seriesCount: number): boolean {
  return spec.options?.legend ?? seriesCount > 1;
}
