import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import {
  applyDashboardFilters,
  checkFilterValues,
  DashboardFilterSchema,
  DashboardFilterValuesSchema,
  parseBody,
  parseQuery,
  tileBindings,
  type CatalogColumns,
  type DashboardDefinition,
  type ReportRun,
  type VintagePolicy,
} from '@aurora/query-model';
import { z } from 'zod';
import type { CatalogService } from '../catalog.service';
import { reportProblems, type Problem } from './report-check';
import type { ReportsStore, StoredReport } from './reports.store';

/** The catalog's columns of a dataset as the asker sees them; nothing for a dataset they may not read. */
export function catalogColumns(asker: Principal, catalog: CatalogService): CatalogColumns {
  return (dataset) =>
    catalog.access(asker, dataset) === 'readable' ? catalog.get(asker, dataset).columns : undefined;
}

/** A saved report's query and vintage policy as today's model reads them; undefined when no longer valid. */
export function reportRun(report: StoredReport): ReportRun | undefined {
  try {
    return {
      query: parseQuery(JSON.parse(report.content.queryJson)),
      vintages: JSON.parse(report.content.vintagesJson) as Record<string, VintagePolicy>,
    };
  } catch {
    return undefined;
  }
}

export interface DashboardResolution {
  readonly problems: Problem[];
  readonly tileReports: Record<string, { name: string; dataset: string }>;
  readonly bindings: Record<string, string[]>;
}

/**
 * Each tile's report as the asker sees it: a report they cannot open (gone, trashed, not shared) is NOT_FOUND
 * and one reading a dataset they may not read is DATASET_FORBIDDEN, at `tiles[i].reportId`; the other tiles work.
 * A filter binds to the tiles it applies to for this asker (the binding rule of @aurora/query-model).
 */
export async function resolveDashboard(
  definition: DashboardDefinition,
  asker: Principal,
  reports: ReportsStore,
  catalog: CatalogService,
): Promise<DashboardResolution> {
  const problems: Problem[] = [];
  const tileReports: Record<string, { name: string; dataset: string }> = {};
  const bindings: Record<string, string[]> = Object.fromEntries(definition.filters.map((f) => [f.id, []]));
  const columnsOf = catalogColumns(asker, catalog);
  for (const [index, tile] of definition.tiles.entries()) {
    const path = `tiles[${index}].reportId`;
    const report = await reports.get(asker, tile.reportId).catch((error: unknown) => {
      if (error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND) return undefined;
      throw error;
    });
    if (!report || report.deletedAt) {
      problems.push({
        path,
        code: ErrorCode.NOT_FOUND,
        detail: 'This report is gone, or not shared with you.',
      });
      continue;
    }
    const run = reportRun(report);
    const forbidden =
      run && reportProblems(run.query, asker, catalog).find((p) => p.code === ErrorCode.DATASET_FORBIDDEN);
    if (forbidden) {
      problems.push({ path, code: forbidden.code, detail: forbidden.detail });
      continue;
    }
    tileReports[tile.id] = { name: report.content.name, dataset: report.content.dataset };
    if (!run) continue;
    for (const filterId of tileBindings(run, definition.filters, columnsOf).keys())
      bindings[filterId]?.push(tile.id);
  }
  return { problems, tileReports, bindings };
}

const TileFilters = z.strictObject({
  filters: z.array(DashboardFilterSchema),
  values: DashboardFilterValuesSchema,
});

/**
 * A tile's report with the dashboard's filter values applied where they bind for this asker (GetReport's
 * dashboard_filters_json): validated here again, as every service checks what it is sent.
 */
export function withTileFilters(
  run: ReportRun,
  filtersJson: string,
  asker: Principal,
  catalog: CatalogService,
): ReportRun {
  let input: unknown;
  try {
    input = JSON.parse(filtersJson);
  } catch {
    throw new AuroraError(ErrorCode.INVALID_QUERY, 'is not JSON', 'filters');
  }
  const { filters, values } = parseBody(TileFilters, input, "a dashboard's filters and values");
  checkFilterValues(filters, values);
  return applyDashboardFilters(run, tileBindings(run, filters, catalogColumns(asker, catalog)), values);
}
