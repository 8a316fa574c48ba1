import type { ReportShare } from '@aurora/proto';
import {
  ChartSpecSchema,
  NO_NUL,
  parseBody,
  QUERY_LIMITS,
  type ReportShare as HttpShare,
} from '@aurora/query-model';
import { z } from 'zod';

/** What the routes of saved reports and dashboards share: list parameters, shares, and a run's options. */
export function toGrpcShare(share: HttpShare): ReportShare {
  return 'user' in share
    ? { kind: 'user', grantee: share.user, role: share.role }
    : { kind: 'group', grantee: share.group, role: share.role };
}

export function toHttpShare(share: ReportShare) {
  return share.kind === 'user'
    ? { user: share.grantee, role: share.role }
    : { group: share.grantee, role: share.role };
}

const Scope = z.enum(['mine', 'shared', 'recent', 'favourites', 'trash']).default('mine');
export const FolderParams = z.strictObject({ scope: Scope });

const ListParams = z.strictObject({
  scope: Scope,
  q: z.string().max(200).regex(NO_NUL, 'must not hold NUL').default(''),
  dataset: z.string().max(128).regex(NO_NUL, 'must not hold NUL').default(''),
  folder: z.string().max(200).regex(NO_NUL, 'must not hold NUL').default(''),
  cursor: z.string().max(512).default(''),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function parseListParams(params: Record<string, unknown>) {
  return parseBody(ListParams, params, 'a valid list request');
}

export const ChartRequest = z.strictObject({ chart: ChartSpecSchema.optional() });

const RunOptions = z.strictObject({
  page: z
    .strictObject({
      number: z.int().min(1).max(QUERY_LIMITS.maxPageNumber),
      size: z.int().min(1).max(QUERY_LIMITS.maxPageSize),
    })
    .optional(),
  sort: z
    .array(z.strictObject({ column: z.string().max(130), dir: z.enum(['asc', 'desc']) }))
    .max(QUERY_LIMITS.maxSort)
    .optional(),
});

/** What a grid may change when it runs a report: the page, and the sort (the query service checks its names). */
export function runOptions(input: unknown) {
  return parseBody(RunOptions, input ?? {}, 'a valid page and sort');
}
