import type { ChartSpec } from '@aurora/query-model';
import { fitsColumns, isMeasure, isTime, type ChartColumn } from './columns';

/**
 * The chart a summary gets until someone picks another (docs/API.md, "Charts"): a time bucket or date gives a
 * line, one category and one measure a bar, a single value a KPI, two measures a scatter; anything else a table.
 */
export function defaultChart(columns: readonly ChartColumn[]): ChartSpec {
  const measures = columns.filter(isMeasure).map((c) => c.name);
  const dimensions = columns.filter((c) => !isMeasure(c));
  const [time] = dimensions.filter(isTime);
  const [first, second] = measures;
  if (first === undefined) return { type: 'table', y: [] };
  if (dimensions.length === 0 && measures.length === 1) return { type: 'kpi', y: [first] };
  if (time && dimensions.length <= 2) {
    const other = dimensions.find((d) => d !== time);
    return other
      ? { type: 'line', x: time.name, y: [first], series: other.name }
      : { type: 'line', x: time.name, y: measures };
  }
  const [category] = dimensions;
  if (category && dimensions.length === 1 && measures.length === 1)
    return { type: 'bar', x: category.name, y: [first] };
  // One point per row: a scatter of the lone row of a summary without dimensions would say nothing.
  if (second !== undefined && measures.length === 2 && dimensions.length === 1)
    return { type: 'scatter', x: first, y: [second] };
  return { type: 'table', y: [] };
}

/** A saved chart while it still fits the result (its query may have changed since), else the default. */
export function savedOrDefault(saved: ChartSpec | undefined, columns: readonly ChartColumn[]): ChartSpec {
  return saved && fitsColumns(saved, columns) ? saved : defaultChart(columns);
}
