import type { Query, Vintages } from '../api';
import type { QueryReadiness } from '../explorer/state/query-state';
import type { SchemaColumn } from '../explorer/state/query-schema';
import type { Widths } from '../explorer/state/layout-state';
import type { ReportBody, ReportLayout, VintagePolicy } from './report.types';

/** "Always the latest <Load Type>" or "this vintage" (the Load ID on screen), for every dataset of the report. */
export type VintageMode = 'latest' | 'pinned';

export interface ReportMeta {
  readonly name: string;
  readonly description: string;
  readonly folder: string;
}

/** The explorer's query as a report: its vintages become policies, the query keeps none (nor paging). */
export function toReportBody(
  meta: ReportMeta,
  query: Query,
  mode: VintageMode,
  layout: ReportLayout,
): ReportBody {
  const rest = { ...query };
  delete rest.vintages;
  delete rest.page;
  const vintages = Object.fromEntries(
    Object.entries(query.vintages ?? {}).map(([dataset, v]): [string, VintagePolicy] => [
      dataset,
      mode === 'latest'
        ? { policy: 'latest', loadType: v.loadType }
        : { policy: 'pinned', loadType: v.loadType, loadId: v.loadId },
    ]),
  );
  // Only the content: a whole report passed as `meta` must not send its id, owner or version along.
  const { name, description, folder } = meta;
  return { name, description, folder, query: rest, vintages, layout };
}

export function vintageMode(policies: ReportBody['vintages']): VintageMode {
  return Object.values(policies).some((p) => p.policy === 'latest') ? 'latest' : 'pinned';
}

/** Datasets whose Load ID is "the latest": their vintages must be known to open the report. */
export function latestDatasets(policies: ReportBody['vintages']): string[] {
  return Object.entries(policies).flatMap(([dataset, p]) => (p.policy === 'latest' ? [dataset] : []));
}

/** The newest Load ID of a Load Type (the vintages list is newest first). */
export function newest(vintages: Vintages | undefined, loadType: string): string | undefined {
  return vintages?.loadTypes.find((t) => t.loadType === loadType)?.loadIds[0];
}

/**
 * The query a report runs now: pinned vintages as saved, "latest" ones resolved against the vintages known.
 * A Load Type with no load left is left out: the explorer then asks for a vintage.
 */
export function resolveVintages(
  report: Pick<ReportBody, 'query' | 'vintages'>,
  known: Readonly<Record<string, Vintages>>,
): Query {
  const vintages = Object.fromEntries(
    Object.entries(report.vintages).flatMap(([dataset, p]) => {
      const loadId = p.policy === 'pinned' ? String(p.loadId) : newest(known[dataset], p.loadType);
      return loadId === undefined ? [] : [[dataset, { loadType: p.loadType, loadId }] as const];
    }),
  );
  return Object.keys(vintages).length > 0 ? { ...report.query, vintages } : { ...report.query };
}

/** Whether every vintage of the query is the newest of its Load Type ("latest" can keep describing it). */
export function onNewest(query: Query, known: Readonly<Record<string, Vintages>>): boolean {
  return Object.entries(query.vintages ?? {}).every(
    ([dataset, v]) => newest(known[dataset], v.loadType) === String(v.loadId),
  );
}

/**
 * What the person sees, as one string: the query (vintages included) and the widths of the shown columns.
 * Two equal strings mean nothing to save. A view that cannot run compares by its kind and issues.
 */
export function fingerprint(
  readiness: QueryReadiness,
  results: readonly SchemaColumn[],
  widths: Widths,
): string {
  if (readiness.kind !== 'ready')
    return JSON.stringify({
      kind: readiness.kind,
      issues: readiness.kind === 'invalid' ? readiness.issues.map((i) => [i.path, i.message]) : [],
    });
  const shown = results.flatMap((c) => {
    const width = widths[c.ref];
    return width === undefined ? [] : [[c.ref, Math.round(width)]];
  });
  return JSON.stringify({ query: readiness.query, widths: shown });
}
