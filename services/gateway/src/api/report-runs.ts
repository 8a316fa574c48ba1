import { AuroraError, type ErrorCode } from '@aurora/errors';
import type { CallContext } from '@aurora/proto';
import type { GrpcClients } from '../http/grpc-clients';

/** Characters a download name may not hold (API.md, `fileName`), replaced in a report's name. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a file name may not hold
const UNSAFE_IN_FILE_NAME = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A saved report as a query the asker may run now: its vintage policy resolved by the metadata service, which
 * also refuses a report reading a dataset the asker may not read (DATASET_FORBIDDEN). Its first problem (a
 * column that left the catalog) is the error. The query then runs as any query does, with the asker's rights.
 */
export async function runnableReport(
  clients: GrpcClients,
  id: string,
  context: CallContext,
): Promise<{ query: Record<string, unknown>; fileName: string }> {
  const report = await clients.reports.get(id, { resolve: true }, context);
  const [problem] = report.problems;
  if (problem) throw new AuroraError(problem.code as ErrorCode, problem.detail, problem.path);
  const name = (report.content?.name ?? '').replace(UNSAFE_IN_FILE_NAME, '_').trim().slice(0, 120);
  return {
    query: JSON.parse(report.resolvedQueryJson) as Record<string, unknown>,
    fileName: name || 'aurora-report',
  };
}
