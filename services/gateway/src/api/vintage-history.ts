import type { CallContext, MetadataClient } from '@aurora/proto';
import type { Query } from '@aurora/query-model';

/**
 * The Load IDs of the query's primary dataset before the one it reads (same Load Type), newest first, at most
 * `count` of them; none when the query reads no vintage of its primary dataset. Alert checks compare against
 * them, and a KPI against the first.
 */
export async function earlierLoadIds(
  metadata: MetadataClient,
  query: Query,
  count: number,
  context: CallContext,
): Promise<string[]> {
  const current = query.vintages?.[query.dataset];
  if (!current) return [];
  const { loadTypes } = await metadata.getVintages(query.dataset, context);
  const loadIds = loadTypes.find((t) => t.loadType === current.loadType)?.loadIds ?? [];
  const at = loadIds.indexOf(String(current.loadId));
  return at < 0 ? [] : loadIds.slice(at + 1, at + 1 + count);
}

/** The query with its primary dataset's vintage pinned to another Load ID of the same Load Type. */
export function pinned(query: Query, loadId: string): Query {
  const current = query.vintages?.[query.dataset];
  if (!current) return query;
  return {
    ...query,
    vintages: { ...query.vintages, [query.dataset]: { loadType: current.loadType, loadId } },
  };
}
