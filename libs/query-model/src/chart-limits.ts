// Imports nothing: the web app bundles it alone, as `@aurora/query-model/chart-limits`, without zod.

/** The kinds of chart (docs/API.md, "Charts"). Bars are grouped or stacked, a pie may be a donut. */
export const CHART_TYPES = ['bar', 'line', 'area', 'pie', 'scatter', 'kpi', 'table'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** The bounds of a chart and of the data `POST /reports/{id}/chart` sends. */
export const CHART_LIMITS = {
  /** Measures drawn at once (each a series, or the bars of a group). */
  maxY: 12,
  maxTitle: 200,
  /** Rows a chart reads from its summary: more is ROW_LIMIT_EXCEEDED (a chart of more is not a summary). */
  maxRows: 50_000,
  /** Points per series sent to the browser: a longer line or area is downsampled (LTTB) to this many. */
  maxPointsPerSeries: 10_000,
  /** Distinct values of the `series` column: beyond it the legend and the palette mean nothing. */
  maxSeries: 50,
} as const;
