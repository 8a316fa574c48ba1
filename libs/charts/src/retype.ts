import type { ChartSpec, ChartType } from '@aurora/query-model';
import { columnIndex, isMeasure, isTime, type ChartColumn } from './columns';

/**
 * The chart of another type over the same result, keeping what still fits: the x dimension and the measures of
 * a bar, line, area or pie, the split into series where the type has series. What the new type needs and the
 * old spec lacks is taken from the result's shape (a date first along a line, the first two measures of a
 * scatter), so the person only picks a type.
 */
export function retype(spec: ChartSpec, type: ChartType, columns: readonly ChartColumn[]): ChartSpec {
  const measures = columns.filter(isMeasure).map((c) => c.name);
  const dimensions = columns.filter((c) => !isMeasure(c));
  const named = (name: string | undefined) => columns[columnIndex(columns, name)];
  const keptY = spec.y.filter((name) => measures.includes(name));
  const y = keptY.length > 0 ? keptY : measures.slice(0, 1);
  const xDimension = named(spec.x) && !isMeasure(named(spec.x) as ChartColumn) ? spec.x : undefined;
  const time = dimensions.find(isTime)?.name;
  const firstDimension = dimensions[0]?.name;
  const series = spec.series !== undefined && named(spec.series) ? spec.series : undefined;
  const options = spec.options;
  const base = (x: string | undefined, withSeries: boolean): ChartSpec => ({
    type,
    ...(x === undefined ? {} : { x }),
    y: withSeries && series !== undefined && series !== x ? y.slice(0, 1) : y,
    ...(withSeries && series !== undefined && series !== x ? { series } : {}),
    ...(options ? { options } : {}),
  });
  switch (type) {
    case 'bar':
      return base(xDimension ?? firstDimension, true);
    case 'line':
    case 'area':
      return base(xDimension ?? time ?? firstDimension, true);
    case 'pie':
      return { ...base(xDimension ?? firstDimension, false), y: y.slice(0, 1) };
    case 'scatter': {
      const [first, second] = measures;
      if (first === undefined) return { type, y: [] };
      return {
        type,
        x: first,
        y: [second ?? first],
        ...(series ? { series } : {}),
        ...(options ? { options } : {}),
      };
    }
    case 'kpi':
      return {
        type,
        ...(time === undefined ? {} : { x: time }),
        y: y.slice(0, 1),
        ...(options ? { options } : {}),
      };
    case 'table':
      return { type, y: [], ...(options ? { options } : {}) };
  }
}
