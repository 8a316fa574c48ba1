import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Principal } from '@aurora/proto';
import { catalogReferences, type Query, type VintagePolicy } from '@aurora/query-model';
import type { CatalogService } from '../catalog.service';

export interface Problem {
  readonly path: string;
  readonly code: ErrorCode;
  readonly detail: string;
}

/**
 * What keeps a saved report from running for this asker, against the catalog as they see it: a dataset they may
 * not read (DATASET_FORBIDDEN, naming nothing of it), or a dataset or column that has left the catalog (listed,
 * each with its path, so the builders can repair it).
 */
export function reportProblems(query: Query, asker: Principal, catalog: CatalogService): Problem[] {
  const problems: Problem[] = [];
  const columns = new Map<string, ReadonlySet<string>>();
  const datasets = [
    { path: 'query.dataset', id: query.dataset },
    ...(query.joins ?? []).map((join, i) => ({ path: `query.joins[${i}].dataset`, id: join.dataset })),
  ];
  for (const { path, id } of datasets) {
    const access = catalog.access(asker, id);
    if (access === 'readable') {
      columns.set(id, new Set(catalog.get(asker, id).columns.map((c) => c.name)));
    } else if (access === 'forbidden') {
      problems.push({
        path,
        code: ErrorCode.DATASET_FORBIDDEN,
        detail: 'This report reads a dataset you may not read. Ask your administrator for access.',
      });
    } else {
      problems.push({
        path,
        code: ErrorCode.UNKNOWN_DATASET,
        detail: `The dataset "${id}" is no longer in the catalog.`,
      });
    }
  }
  if (problems.some((p) => p.code === ErrorCode.DATASET_FORBIDDEN)) return problems;
  for (const { path, reference } of catalogReferences(query)) {
    const dot = reference.indexOf('.');
    const dataset = dot < 0 ? undefined : reference.slice(0, dot);
    const column = reference.slice(dot + 1);
    // A dataset the query does not name is the compiler's error to give; a bare name may be any dataset's column.
    const known =
      dataset === undefined
        ? [...columns.values()].some((names) => names.has(column))
        : (columns.get(dataset)?.has(column) ?? datasets.every((d) => d.id !== dataset));
    if (!known)
      problems.push({
        path,
        code: ErrorCode.UNKNOWN_COLUMN,
        detail: `The column "${reference}" is no longer in the catalog: choose another or remove it.`,
      });
  }
  return problems;
}

/** The query to run now: each dataset's vintage policy resolved (a "latest" one to the newest Load ID). */
export async function resolveVintages(
  query: Query,
  policies: Readonly<Record<string, VintagePolicy>>,
  asker: Principal,
  catalog: CatalogService,
): Promise<Query> {
  const vintages: Record<string, { loadType: string; loadId: string | number }> = {};
  for (const [dataset, policy] of Object.entries(policies)) {
    if (policy.policy === 'pinned') {
      vintages[dataset] = { loadType: policy.loadType, loadId: policy.loadId };
      continue;
    }
    const { loadTypes } = await catalog.vintages(asker, dataset);
    const newest = loadTypes.find((t) => t.loadType === policy.loadType)?.loadIds[0];
    if (newest === undefined)
      throw new AuroraError(
        ErrorCode.PARTITION_FILTER_REQUIRED,
        `${dataset} has no ${policy.loadType} vintage yet, so this report's "latest" has nothing to show.`,
        `vintages.${dataset}`,
      );
    vintages[dataset] = { loadType: policy.loadType, loadId: newest };
  }
  return Object.keys(vintages).length > 0 ? { ...query, vintages } : query;
}
