import { AuroraError, type ErrorCode } from '@aurora/errors';
import type { CallContext } from '@aurora/proto';
import {
  ChartSpecSchema,
  fileNameFrom,
  type ChartSpec,
  type DashboardFilter,
  type DashboardFilterValues,
} from '@aurora/query-model';
import { describeAccess } from '../audit/access';
import type { GrpcClients } from '../http/grpc-clients';

/**
 * A saved report as a query the asker may run now: its vintage policy resolved by the metadata service, which
 * also refuses a report reading a dataset the asker may not read (DATASET_FORBIDDEN). Its first problem (a
 * column that left the catalog) is the error. The query then runs as any query does, with the asker's rights.
 * A dashboard's tile passes its dashboard's filters and their values: the metadata service applies them where
 * they bind, before the vintages resolve, so a tile reads through this very path.
 */
export async function runnableReport(
  clients: GrpcClients,
  id: string,
  context: CallContext,
  dashboard?: { filters: readonly DashboardFilter[]; values: DashboardFilterValues },
): Promise<{ query: Record<string, unknown>; fileName: string; chart: ChartSpec | undefined }> {
  const dashboardFiltersJson = dashboard ? JSON.stringify(dashboard) : '';
  const report = await clients.reports.get(id, { resolve: true, dashboardFiltersJson }, context);
  const [problem] = report.problems;
  if (problem) throw new AuroraError(problem.code as ErrorCode, problem.detail, problem.path);
  const query = JSON.parse(report.resolvedQueryJson) as Record<string, unknown>;
  describeAccess(query); // the audit record says what the report read
  return {
    query,
    fileName: fileNameFrom(report.content?.name ?? '', 'aurora-report'),
    chart: savedChart(report.content?.layoutJson),
  };
}

/** The chart kept in a report's layout, when it has one that today's model reads. */
function savedChart(layoutJson: string | undefined): ChartSpec | undefined {
  const layout = JSON.parse(layoutJson || '{}') as { chart?: unknown };
  const chart = ChartSpecSchema.safeParse(layout.chart);
  return chart.success ? chart.data : undefined;
}
