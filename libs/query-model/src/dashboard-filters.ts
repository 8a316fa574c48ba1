import { AuroraError, ErrorCode } from '@aurora/errors';
import type { DashboardFilter, DashboardFilterValue, DashboardFilterValues } from './dashboard';
import type { ColumnType } from './limits';
import type { VintagePolicy } from './report';
import type { FilterGroup, FilterNode, Query } from './schema';

/** What a tile runs: its report's query (no vintages of its own) and vintage policy. */
export interface ReportRun {
  readonly query: Query;
  readonly vintages: Readonly<Record<string, VintagePolicy>>;
}

/** How one filter reaches one tile's report: the Load Type it pins, or the column it filters. */
export type FilterBinding =
  | { readonly kind: 'vintage'; readonly loadType: string }
  | { readonly kind: 'dateRange'; readonly reference: string; readonly type: 'date' | 'timestamp' }
  | { readonly kind: 'values'; readonly reference: string };

/** The columns of a dataset as the viewer sees them in the catalog; undefined for one they may not read. */
export type CatalogColumns = (dataset: string) => readonly { name: string; type: string }[] | undefined;

/**
 * The dashboard filters that apply to one tile's report, for this viewer (docs/API.md, "Dashboards"): a vintage
 * filter where the report picks a vintage of its Load Type; a date range or a list of values where the report's
 * base dataset, else its first joined dataset, has a column of that bare name (of a date or timestamp type for a
 * date range). The catalog is the viewer's, so a column hidden from them binds nothing.
 */
export function tileBindings(
  report: ReportRun,
  filters: readonly DashboardFilter[],
  columnsOf: CatalogColumns,
): Map<string, FilterBinding> {
  const bindings = new Map<string, FilterBinding>();
  const datasets = [report.query.dataset, ...(report.query.joins ?? []).map((j) => j.dataset)];
  const find = (name: string, types?: readonly ColumnType[]) => {
    for (const dataset of datasets) {
      const found = columnsOf(dataset)?.find(
        (c) => c.name === name && (!types || (types as readonly string[]).includes(c.type)),
      );
      if (found) return { reference: `${dataset}.${name}`, type: found.type };
    }
    return undefined;
  };
  for (const filter of filters) {
    switch (filter.kind) {
      case 'vintage':
        if (Object.values(report.vintages).some((policy) => policy.loadType === filter.loadType))
          bindings.set(filter.id, { kind: 'vintage', loadType: filter.loadType });
        break;
      case 'dateRange': {
        const found = find(filter.column, ['date', 'timestamp']);
        if (found)
          bindings.set(filter.id, {
            kind: 'dateRange',
            reference: found.reference,
            type: found.type === 'date' ? 'date' : 'timestamp',
          });
        break;
      }
      case 'values': {
        const found = find(filter.column);
        if (found) bindings.set(filter.id, { kind: 'values', reference: found.reference });
        break;
      }
      default:
        assertNever(filter);
    }
  }
  return bindings;
}

/**
 * Refuses values for filters the dashboard does not have, or of another kind than their filter's
 * (INVALID_QUERY at `filters.<id>`), so a typo is an error rather than a filter silently not applied.
 */
export function checkFilterValues(filters: readonly DashboardFilter[], values: DashboardFilterValues): void {
  for (const [id, value] of Object.entries(values)) {
    const filter = filters.find((f) => f.id === id);
    if (!filter)
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        `This dashboard has no filter "${id}".`,
        `filters.${id}`,
      );
    if (valueKind(value) !== filter.kind)
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        `"${id}" is a ${filter.kind} filter: ${EXPECTED[filter.kind]}.`,
        `filters.${id}`,
      );
  }
}

/**
 * The filter values in words, as a dashboard's export prints them under its title
 * ("Month-end: 2026-10-31 · Order date: 2026-01-01 to 2026-03-31 · Region: EMEA, APAC"); filters without a value
 * are left out. One line of at most `max` characters: control characters become spaces, and a longer text ends in "…".
 * Only each filter's id and label are read: the portal also names a schedule's values whose labels it does not know.
 */
export function describeFilterValues(
  filters: readonly Pick<DashboardFilter, 'id' | 'label'>[],
  values: DashboardFilterValues,
  max = 1_000,
): string {
  const text = filters
    .flatMap((filter) => {
      const value = values[filter.id];
      if (value === undefined) return [];
      if ('loadId' in value) return [`${filter.label}: ${value.loadId}`];
      if ('values' in value) return [`${filter.label}: ${value.values.join(', ')}`];
      return [`${filter.label}: ${value.from ?? '…'} to ${value.to ?? '…'}`];
    })
    .join(' · ')
    // eslint-disable-next-line no-control-regex -- control characters are what one line may not hold
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const EXPECTED: Record<DashboardFilter['kind'], string> = {
  vintage: 'give { "loadId": … }',
  dateRange: 'give { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD" } (either may be absent)',
  values: 'give { "values": [ … ] }',
};

function valueKind(value: DashboardFilterValue): DashboardFilter['kind'] {
  if ('loadId' in value) return 'vintage';
  if ('values' in value) return 'values';
  return 'dateRange';
}

/**
 * The report's query and vintages with the filter values applied where they bind: a vintage pinned instead of
 * the report's policy, a date range as an inclusive range of dates, values as IN, each ANDed onto the report's
 * own filter as conditions whose values the compiler binds. Values of filters not bound to this tile are left
 * out. Pure: the query then runs as the report's own does, with the viewer's rights.
 */
export function applyDashboardFilters(
  report: ReportRun,
  bindings: ReadonlyMap<string, FilterBinding>,
  values: DashboardFilterValues,
): ReportRun {
  const vintages: Record<string, VintagePolicy> = { ...report.vintages };
  const conditions: FilterNode[] = [];
  for (const [id, binding] of bindings) {
    const value = values[id];
    if (value === undefined) continue;
    switch (binding.kind) {
      case 'vintage':
        if ('loadId' in value)
          for (const [dataset, policy] of Object.entries(vintages))
            if (policy.loadType === binding.loadType)
              vintages[dataset] = { policy: 'pinned', loadType: binding.loadType, loadId: value.loadId };
        break;
      case 'dateRange':
        if ('from' in value || 'to' in value) conditions.push(...dateRange(binding, value));
        break;
      case 'values':
        if ('values' in value)
          conditions.push({
            kind: 'condition',
            column: binding.reference,
            operator: 'in',
            values: value.values,
          });
        break;
      default:
        assertNever(binding);
    }
  }
  return { query: withConditions(report.query, conditions), vintages };
}

/** `from` and `to` are days, both included: on a timestamp column, `to` runs to the start of the next day. */
function dateRange(
  binding: Extract<FilterBinding, { kind: 'dateRange' }>,
  range: { from?: string | undefined; to?: string | undefined },
): FilterNode[] {
  const column = binding.reference;
  const { from, to } = range;
  if (binding.type === 'date') {
    if (from && to) return [{ kind: 'condition', column, operator: 'between', values: [from, to] }];
    if (from) return [{ kind: 'condition', column, operator: '>=', value: from }];
    return to ? [{ kind: 'condition', column, operator: '<=', value: to }] : [];
  }
  const nodes: FilterNode[] = [];
  if (from) nodes.push({ kind: 'condition', column, operator: '>=', value: `${from}T00:00:00Z` });
  if (to) nodes.push({ kind: 'condition', column, operator: '<', value: `${nextDay(to)}T00:00:00Z` });
  return nodes;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** ANDed onto the report's filter: into its top group when that is a plain AND (no deeper nesting), else beside it. */
function withConditions(query: Query, conditions: readonly FilterNode[]): Query {
  if (conditions.length === 0) return query;
  const own = query.filter;
  const filter: FilterGroup =
    own && own.op === 'and' && !own.not
      ? { ...own, items: [...own.items, ...conditions] }
      : { kind: 'group', op: 'and', items: [...(own ? [own] : []), ...conditions] };
  return { ...query, filter };
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
