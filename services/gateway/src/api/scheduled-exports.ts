import { AuroraError, ErrorCode } from '@aurora/errors';
import { DashboardJobSchema, type ExportJob } from '@aurora/export-jobs';
import type { InternalTokenIssuer } from '@aurora/internal-auth';
import type { CallContext, Principal } from '@aurora/proto';
import type { ScheduleTarget } from '@aurora/query-model';
import type { GrpcClients } from '../http/grpc-clients';

/** Where a scheduled run's export came from (GetScheduledExport of the metadata service). */
export interface ScheduledExport {
  readonly exportId: string;
  readonly runId: string;
  readonly scheduleId: string;
  /** The report or dashboard the run exported, and its name. */
  readonly target: ScheduleTarget;
  readonly name: string;
  readonly owner: Principal;
}

/** Where a scheduled file came from, as docs/API.md ("Scheduled files") shows it. */
export type ExportSource = {
  readonly runId: string;
  readonly scheduleId: string;
  readonly ownerName: string;
} & (
  | { readonly reportId: string; readonly reportName: string }
  | { readonly dashboardId: string; readonly dashboardName: string }
);

/** An export as its reader sees it: the job, and the schedule run and report or dashboard it came from, if any. */
export interface ReadableExport {
  readonly job: ExportJob;
  readonly source?: ExportSource;
}

export function sourceOf(found: ScheduledExport): ExportSource {
  const { runId, scheduleId, target, name, owner } = found;
  const document =
    target.kind === 'dashboard'
      ? { dashboardId: target.id, dashboardName: name }
      : { reportId: target.id, reportName: name };
  return { runId, scheduleId, ...document, ownerName: owner.name };
}

/**
 * Whether a recipient of a scheduled run's mail, who is not its owner, may read the run's file: only if they may
 * read the same data themselves. The file was written with the owner's rights, so three checks on the reader's
 * own rights, each by the service that owns it:
 * 1. the report or dashboard is shared with them (the metadata service's read, as for any document);
 * 2. the job's query (a dashboard's: each tile's) compiles for them: they have the `view` action on every dataset
 *    it reads (the query service's policy check, as for a preview);
 * 3. it compiles to the same SQL and parameters for them as for the owner: the same row policies and column
 *    masks apply, so the file holds no row or value they could not see themselves.
 * Any check that fails is a 403 saying which; the owner is never told.
 */
export async function checkRecipientRights(
  clients: GrpcClients,
  issuer: InternalTokenIssuer,
  job: ExportJob,
  found: ScheduledExport,
  reader: CallContext,
): Promise<void> {
  const { target, name } = found;
  const shared =
    target.kind === 'dashboard'
      ? clients.dashboards.get(target.id, {}, reader)
      : clients.reports.get(target.id, { resolve: false }, reader);
  await shared.catch((error: unknown) => {
    if (error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND)
      throw new AuroraError(
        ErrorCode.FORBIDDEN,
        `The ${target.kind} "${name}" is not shared with you, so its scheduled file is not yours to read. Ask its owner to share it.`,
      );
    throw error;
  });
  const owner: CallContext = {
    principal: found.owner,
    token: await issuer.requestToken(found.owner),
    timeoutMs: reader.timeoutMs,
    ...(reader.signal ? { signal: reader.signal } : {}),
  };
  for (const queryJson of queriesOf(job)) {
    const forReader = await clients.query.sql(queryJson, reader);
    const forOwner = await clients.query.sql(queryJson, owner).catch((error: unknown) => {
      if (error instanceof AuroraError && error.code !== ErrorCode.UNAVAILABLE)
        throw new AuroraError(
          ErrorCode.FORBIDDEN,
          `The owner of "${name}" may no longer read this data, so its scheduled file is no longer served.`,
        );
      throw error;
    });
    if (
      forReader.sql !== forOwner.sql ||
      JSON.stringify(forReader.params) !== JSON.stringify(forOwner.params)
    )
      throw new AuroraError(
        ErrorCode.FORBIDDEN,
        `The file of "${name}" was made with its owner's rights, and yours to this data differ (row policies or column masks): open the ${target.kind} to see the data as you may.`,
      );
  }
}

/**
 * The queries a job's file was made from: a report's one, or each of a dashboard's tiles that ran (with a KPI's
 * query at the previous vintage).
 */
function queriesOf(job: ExportJob): string[] {
  if (!job.dashboardJson) return [job.queryJson];
  const dashboard = DashboardJobSchema.parse(JSON.parse(job.dashboardJson));
  return dashboard.tiles
    .filter((tile) => !tile.problem)
    .flatMap((tile) => [tile.query, ...(tile.previousVintage ? [tile.previousVintage.query] : [])])
    .map((query) => JSON.stringify(query));
}
