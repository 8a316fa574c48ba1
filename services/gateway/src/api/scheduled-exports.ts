import { AuroraError, ErrorCode } from '@aurora/errors';
import type { ExportJob } from '@aurora/export-jobs';
import type { InternalTokenIssuer } from '@aurora/internal-auth';
import type { CallContext, Principal } from '@aurora/proto';
import type { GrpcClients } from '../http/grpc-clients';

/** Where a scheduled run's export came from (GetScheduledExport of the metadata service). */
export interface ScheduledExport {
  readonly exportId: string;
  readonly runId: string;
  readonly scheduleId: string;
  readonly reportId: string;
  readonly reportName: string;
  readonly owner: Principal;
}

/** An export as its reader sees it: the job, and the schedule run and report it came from, if any. */
export interface ReadableExport {
  readonly job: ExportJob;
  readonly source?: Omit<ScheduledExport, 'owner' | 'exportId'> & { readonly ownerName: string };
}

/**
 * Whether a recipient of a scheduled run's mail, who is not its owner, may read the run's file: only if they may
 * read the same data themselves. The file was written with the owner's rights, so three checks on the reader's
 * own rights, each by the service that owns it:
 * 1. the report is shared with them (the metadata service's report read, as for any report);
 * 2. the job's query compiles for them: they have the `view` action on every dataset it reads (the query
 *    service's policy check, as for a preview);
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
  await clients.reports.get(found.reportId, { resolve: false }, reader).catch((error: unknown) => {
    if (error instanceof AuroraError && error.code === ErrorCode.NOT_FOUND)
      throw new AuroraError(
        ErrorCode.FORBIDDEN,
        `The report "${found.reportName}" is not shared with you, so its scheduled file is not yours to read. Ask its owner to share it.`,
      );
    throw error;
  });
  const forReader = await clients.query.sql(job.queryJson, reader);
  const owner: CallContext = {
    principal: found.owner,
    token: await issuer.requestToken(found.owner),
    timeoutMs: reader.timeoutMs,
    ...(reader.signal ? { signal: reader.signal } : {}),
  };
  const forOwner = await clients.query.sql(job.queryJson, owner).catch((error: unknown) => {
    if (error instanceof AuroraError && error.code !== ErrorCode.UNAVAILABLE)
      throw new AuroraError(
        ErrorCode.FORBIDDEN,
        `The owner of "${found.reportName}" may no longer read this data, so its scheduled file is no longer served.`,
      );
    throw error;
  });
  if (forReader.sql !== forOwner.sql || JSON.stringify(forReader.params) !== JSON.stringify(forOwner.params))
    throw new AuroraError(
      ErrorCode.FORBIDDEN,
      `The file of "${found.reportName}" was made with its owner's rights, and yours to this data differ (row policies or column masks): open the report to see the data as you may.`,
    );
}
