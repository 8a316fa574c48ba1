import { ChartSpecSchema } from '@aurora/query-model';
import { z } from 'zod';

export { DASHBOARD_FORMATS, type DashboardFormat } from '@aurora/query-model';

/** The bounds of a dashboard job: the dashboards contract's grid, and how much a tile may read. */
export const DASHBOARD_JOB_LIMITS = {
  maxTiles: 24,
  columns: 12,
  maxRow: 200,
  maxTileHeight: 12,
  /** A chart tile reads at most this many summary rows (CHART_LIMITS.maxRows: a chart of more is refused). */
  maxChartRows: 50_000,
  /** A table tile shows its first rows, as text. */
  maxTableRows: 50,
  maxText: 2_000,
} as const;

// eslint-disable-next-line no-control-regex -- control characters are exactly what one line may not hold
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const line = (max: number) => z.string().max(max).regex(ONE_LINE, 'must be one line of text');
const cell = (max: number) => z.number().int().min(0).max(max);

/**
 * A vintage a tile reads, as a query's `vintages` names it; a policy without a Load ID (`latest`) is shown as such.
 * Other keys (a report's `policy`) are dropped.
 */
const VintageSchema = z.object({
  loadType: z.string().min(1).max(100),
  loadId: z.string().min(1).max(100).optional(),
});

/**
 * The tile's query pinned to the Load ID before the one it reads, for a tile the gateway found may draw a KPI
 * without `x`: signed with the rest of the job, so the worker runs exactly this query for the comparison.
 */
const PreviousVintageSchema = z.strictObject({
  loadId: z.string().min(1).max(100),
  query: z.record(z.string(), z.unknown()),
});

/**
 * One tile, resolved for the viewer by the gateway: the report's query (vintages and dashboard filters applied),
 * the vintages it reads, its saved chart (if any), its previous vintage's query (a KPI's comparison) and its
 * place on the 12-column grid; or, for a tile the viewer cannot run (a report not shared with them, on a dataset
 * they may not read), the problem it shows instead.
 */
export const DashboardJobTileSchema = z
  .strictObject({
    title: line(200).default(''),
    view: z.enum(['chart', 'table']),
    x: cell(DASHBOARD_JOB_LIMITS.columns - 1),
    y: cell(DASHBOARD_JOB_LIMITS.maxRow),
    w: z.number().int().min(1).max(DASHBOARD_JOB_LIMITS.columns),
    h: z.number().int().min(1).max(DASHBOARD_JOB_LIMITS.maxTileHeight),
    query: z.record(z.string(), z.unknown()).default({}),
    problem: z
      .strictObject({ code: z.string().max(64), detail: line(DASHBOARD_JOB_LIMITS.maxText) })
      .optional(),
    vintages: z.record(z.string().max(130), VintageSchema).default({}),
    chart: ChartSpecSchema.nullish(),
    previousVintage: PreviousVintageSchema.optional(),
  })
  .refine((t) => t.x + t.w <= DASHBOARD_JOB_LIMITS.columns, {
    error: 'x + w must be at most 12',
    path: ['w'],
  });
export type DashboardJobTile = z.infer<typeof DashboardJobTileSchema>;

/** What a dashboard job draws: its name, the filter values line and the tiles. */
export const DashboardJobSchema = z.strictObject({
  name: line(200).min(1),
  filters: line(DASHBOARD_JOB_LIMITS.maxText),
  tiles: z.array(DashboardJobTileSchema).max(DASHBOARD_JOB_LIMITS.maxTiles),
});
export type DashboardJob = z.infer<typeof DashboardJobSchema>;
export type DashboardJobInput = z.input<typeof DashboardJobSchema>;
