import type { Condition, FilterNode, Query } from '../api';
import type { ChartPick } from '../charts/chart.types';
import type { DashboardFilter, FilterValue } from './dashboard.types';

/** Every column reference a query names (columns, grouping, filters, sort), to place a bare column name. */
function references(query: Query): string[] {
  const refs: string[] = [...(query.columns ?? []), ...(query.sort ?? []).map((s) => s.column)];
  for (const item of query.aggregate?.groupBy ?? []) refs.push(typeof item === 'string' ? item : item.column);
  const walk = (node: FilterNode): void => {
    if (node.kind === 'group') node.items.forEach(walk);
    else refs.push(node.column);
  };
  if (query.filter) walk(query.filter);
  return refs;
}

/**
 * The reference of a dashboard filter's bare column in this query: the one the query already names
 * (`orders.order_date` for `order_date`), else the base dataset's.
 */
export function columnRef(query: Query, column: string): string {
  return references(query).find((ref) => ref.endsWith(`.${column}`)) ?? `${query.dataset}.${column}`;
}

function conditionOf(column: string, value: FilterValue): Condition[] {
  if ('loadId' in value) return [];
  if ('values' in value) return [{ kind: 'condition', column, operator: 'in', values: [...value.values] }];
  const { from, to } = value;
  if (from && to) return [{ kind: 'condition', column, operator: 'between', values: [from, to] }];
  if (from) return [{ kind: 'condition', column, operator: '>=', value: from }];
  if (to) return [{ kind: 'condition', column, operator: '<=', value: to }];
  return [];
}

/**
 * The explorer's query for a click on a bar or slice of a tile: the tile's report query (its vintages resolved),
 * the dashboard's filters bound to the tile (a vintage pinned, dates and values as conditions) and the clicked
 * category as one more condition. Null when the category is no plain grouped column (a time bucket): the
 * explorer could not filter on it.
 */
export function drillQuery(
  base: Query,
  pick: ChartPick,
  filters: readonly DashboardFilter[],
  values: Readonly<Record<string, FilterValue>>,
): Query | null {
  const grouped = (base.aggregate?.groupBy ?? []).some((item) => item === pick.column);
  if (!grouped) return null;
  let vintages = base.vintages;
  const conditions: FilterNode[] = [];
  for (const filter of filters) {
    const value = values[filter.id];
    if (!value) continue;
    if (filter.kind === 'vintage') {
      if ('loadId' in value && vintages)
        vintages = Object.fromEntries(
          Object.entries(vintages).map(([dataset, v]) => [
            dataset,
            v.loadType === filter.loadType ? { ...v, loadId: value.loadId } : v,
          ]),
        );
    } else conditions.push(...conditionOf(columnRef(base, filter.column), value));
  }
  conditions.push(
    pick.value === null
      ? { kind: 'condition', column: pick.column, operator: 'is_null' }
      : { kind: 'condition', column: pick.column, operator: '=', value: pick.value },
  );
  const items = [...(base.filter ? [base.filter] : []), ...conditions];
  return {
    ...base,
    ...(vintages ? { vintages } : {}),
    filter: { kind: 'group', op: 'and', items },
  };
}
