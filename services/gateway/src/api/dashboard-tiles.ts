import { AuroraError, ErrorCode } from '@aurora/errors';
import type { DashboardJobInput, ExportJob, ScheduleLink } from '@aurora/export-jobs';
import type { CallContext, Dashboard } from '@aurora/proto';
import {
  checkFilterValues,
  describeFilterValues,
  QuerySchema,
  type DashboardFormat,
  type ChartSpec,
  type DashboardDefinition,
  type DashboardFilter,
  type DashboardFilterValues,
  type DashboardTile,
} from '@aurora/query-model';
import type { GrpcClients } from '../http/grpc-clients';
import type { ExportsService } from './exports.service';
import { runnableReport } from './report-runs';
import { earlierLoadIds, pinned } from './vintage-history';

/** A dashboard's definition as the metadata service keeps it (validated when it was saved). */
export function definitionOf(content: Dashboard['content']): DashboardDefinition {
  return JSON.parse(content?.definitionJson || '{"tiles":[],"filters":[]}') as DashboardDefinition;
}

/** A tile's report as a query the viewer may run now, with the dashboard's filter values applied. */
export interface TileRun {
  readonly tile: DashboardTile;
  readonly query: Record<string, unknown>;
  readonly chart: ChartSpec | undefined;
}

/**
 * One tile of a dashboard the viewer may open, run through the report-run path of /reports/{id}/… (the viewer's
 * rights: DATASET_FORBIDDEN for a report on a dataset they may not read, NOT_FOUND for one not shared with them),
 * its dashboard's filter values applied where they bind. Values for a filter the dashboard lacks are refused.
 */
export async function tileRun(
  clients: GrpcClients,
  dashboardId: string,
  tileId: string,
  values: DashboardFilterValues,
  context: CallContext,
): Promise<TileRun> {
  const definition = await openDefinition(clients, dashboardId, values, context);
  const tile = definition.tiles.find((t) => t.id === tileId);
  if (!tile) throw new AuroraError(ErrorCode.NOT_FOUND, `This dashboard has no tile "${tileId}".`);
  const { query, chart } = await runnableReport(clients, tile.reportId, context, {
    filters: definition.filters,
    values,
  });
  return { tile, query, chart };
}

/** The same query pinned to the previous Load ID of its primary dataset: what a KPI tile compares against. */
export interface PreviousVintageQuery {
  readonly loadId: string;
  readonly query: Record<string, unknown>;
}

/** A tile as an export draws it: where it stands, and its query to run, or why it cannot run for this viewer. */
export type ResolvedTile = Omit<DashboardTile, 'reportId'> & {
  readonly reportId: string;
  readonly title: string;
} & (
    | {
        readonly query: Record<string, unknown>;
        readonly chart: ChartSpec | undefined;
        readonly previousVintage?: PreviousVintageQuery;
      }
    | { readonly problem: { readonly code: string; readonly detail: string } }
  );

/**
 * Every tile of a dashboard for this viewer and these filter values (POST /dashboards/{id}/export): each tile's
 * report's query with its vintages resolved and the filters applied, its chart spec and place on the grid; a tile
 * the viewer cannot run carries its problem instead, as on screen. Each query then runs with the viewer's rights.
 * A chart tile that may draw a KPI without `x` also carries its query pinned to the previous Load ID, so the job
 * signs that query too and the worker draws the change as `POST /reports/{id}/chart` answers it.
 */
export async function resolveDashboardTiles(
  clients: GrpcClients,
  dashboardId: string,
  values: DashboardFilterValues,
  context: CallContext,
): Promise<{ name: string; filters: readonly DashboardFilter[]; tiles: ResolvedTile[] }> {
  const dashboard = await openDashboard(clients, dashboardId, context);
  const definition = definitionOf(dashboard.content);
  checkFilterValues(definition.filters, values);
  const names = JSON.parse(dashboard.tileReportsJson || '{}') as Record<string, { name: string }>;
  const tiles = await Promise.all(
    definition.tiles.map(async (tile): Promise<ResolvedTile> => {
      const placed = { ...tile, title: tile.title ?? names[tile.id]?.name ?? '' };
      try {
        const run = await runnableReport(clients, tile.reportId, context, {
          filters: definition.filters,
          values,
        });
        const previousVintage =
          tile.view === 'chart'
            ? await previousVintageQuery(clients, run.query, run.chart, context)
            : undefined;
        return {
          ...placed,
          query: run.query,
          chart: run.chart,
          ...(previousVintage ? { previousVintage } : {}),
        };
      } catch (error) {
        if (error instanceof AuroraError)
          return { ...placed, problem: { code: error.code, detail: error.detail } };
        throw error;
      }
    }),
  );
  return { name: dashboard.content?.name ?? '', filters: definition.filters, tiles };
}

/**
 * A dashboard's page as a PDF or PNG export job, for `POST /dashboards/{id}/export` and a dashboard's schedule
 * runs alike: every tile resolved now for the viewer, with the filter values applied, as the tile endpoints run it
 * (a tile they cannot run shows its problem on the page); the export worker then reads each tile as the viewer.
 */
export async function exportDashboard(
  clients: GrpcClients,
  exports: ExportsService,
  id: string,
  request: { readonly format: DashboardFormat; readonly filters: DashboardFilterValues },
  context: CallContext,
  idempotencyKey?: string,
  schedule?: ScheduleLink,
): Promise<ExportJob> {
  const dashboard = await resolveDashboardTiles(clients, id, request.filters, context);
  return exports.submitDashboard(
    {
      name: dashboard.name,
      filters: describeFilterValues(dashboard.filters, request.filters),
      format: request.format,
      tiles: dashboard.tiles.map(jobTile),
    },
    context,
    idempotencyKey,
    schedule,
  );
}

/** A resolved tile as the export job carries it: its place, and its query or the problem it shows. */
function jobTile(tile: ResolvedTile): DashboardJobInput['tiles'][number] {
  const { title, view, x, y, w, h } = tile;
  if ('problem' in tile) return { title, view, x, y, w, h, problem: tile.problem };
  const vintages = (tile.query['vintages'] ?? {}) as Record<string, { loadType: string; loadId?: string }>;
  const { query, chart, previousVintage } = tile;
  return {
    title,
    view,
    x,
    y,
    w,
    h,
    query,
    vintages,
    chart: chart ?? null,
    ...(previousVintage ? { previousVintage } : {}),
  };
}

/**
 * A tile's query pinned to the Load ID before the one it reads, when the tile may be drawn as a KPI without `x`:
 * its saved chart is one, or its summary is a single value (whose default chart is one). The worker uses it
 * only if the chart it draws is such a KPI. A query the model refuses gets none: running it shows the problem.
 */
async function previousVintageQuery(
  clients: GrpcClients,
  input: Record<string, unknown>,
  chart: ChartSpec | undefined,
  context: CallContext,
): Promise<PreviousVintageQuery | undefined> {
  const parsed = QuerySchema.safeParse(input);
  if (!parsed.success || !parsed.data.aggregate || parsed.data.compare) return undefined;
  const { groupBy, measures, pivot } = parsed.data.aggregate;
  const singleValue = groupBy.length === 0 && !pivot && measures.length === 1;
  if (!singleValue && !(chart?.type === 'kpi' && chart.x === undefined)) return undefined;
  const [loadId] = await earlierLoadIds(clients.metadata, parsed.data, 1, context);
  return loadId === undefined ? undefined : { loadId, query: pinned(parsed.data, loadId) };
}

async function openDefinition(
  clients: GrpcClients,
  id: string,
  values: DashboardFilterValues,
  context: CallContext,
): Promise<DashboardDefinition> {
  const definition = definitionOf((await openDashboard(clients, id, context)).content);
  checkFilterValues(definition.filters, values);
  return definition;
}

async function openDashboard(clients: GrpcClients, id: string, context: CallContext): Promise<Dashboard> {
  const dashboard = await clients.dashboards.get(id, {}, context);
  if (dashboard.deletedAt)
    throw new AuroraError(ErrorCode.NOT_FOUND, 'This dashboard is in the trash: restore it to open it.');
  return dashboard;
}
