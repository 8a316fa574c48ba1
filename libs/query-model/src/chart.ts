import { z } from 'zod';
import { CHART_LIMITS, CHART_TYPES } from './chart-limits';
import { parseBody } from './validate';

/** A title is one line, as a report's name (no control character). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a title may not hold
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** A result column's name as preview answers it: a reference (`global_sales.region`) or a measure's `as`. */
const columnName = z.string().min(1).max(130);

export const ChartSpecSchema = z.strictObject({
  type: z.enum(CHART_TYPES),
  /** The category, date or (scatter) first measure along the x axis; a pie's slices; a KPI's period. */
  x: columnName.optional(),
  /** The measures drawn: bars, lines, areas, slices (the first), a scatter's y (the first), a KPI's value. */
  y: z.array(columnName).max(CHART_LIMITS.maxY),
  /** A dimension whose values split the first measure into series (bars side by side or stacked, lines). */
  series: columnName.optional(),
  options: z
    .strictObject({
      stacked: z.boolean().optional(),
      donut: z.boolean().optional(),
      legend: z.boolean().optional(),
      title: z.string().max(CHART_LIMITS.maxTitle).regex(ONE_LINE, 'must be one line of text').optional(),
    })
    .optional(),
});
export type ChartSpec = z.infer<typeof ChartSpecSchema>;

/** Validates a chart specification (a request's `chart`); INVALID_QUERY at the first problem's path. */
export function parseChartSpec(input: unknown): ChartSpec {
  return parseBody(ChartSpecSchema, input, 'a valid chart');
}
