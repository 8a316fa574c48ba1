import type { CatalogColumn, CatalogDataset, CatalogMaterializedView } from './catalog';
import type {
  ColumnOperand,
  GroupOperand,
  MeasureOperand,
  Operand,
  Predicate,
  ResolvedQuery,
  Source,
  SourceColumn,
} from './resolved';
import type { TypedValue } from './typed-value';

/**
 * Materialized-view routing, the planner's first step: when a precomputed join holds exactly the query's join
 * and every column the query reads, the query becomes a one-dataset query over that view, and the rest of the
 * planner runs unchanged. When in doubt it does not route:
 * - the same datasets in the same order, each joined with the same type on the same key pairs (a LEFT join
 *   view answers only that LEFT join; its unmatched rows and duplicate keys are then the query's own);
 * - every column the query reads is mapped: results, filters, grouping, measures, sort, the unique keys that
 *   make paging stable, and the partition columns of every vintage;
 * - vintages only on datasets the join preserves: filtering a null-supplying side before the join (what the
 *   query means) is not the same as filtering the joined rows;
 * - every covered dataset has a unique key, so pages are ordered exactly as without the view.
 * Access is already settled: the query resolved against the principal's own catalog view.
 */
export function routeToMaterializedView(
  query: ResolvedQuery,
  views: readonly CatalogMaterializedView[],
  preserved: ReadonlySet<CatalogDataset>,
): ResolvedQuery | null {
  const routed = views
    .filter((view) => sameJoin(query.sources, view))
    .map((view) => ({ view, query: overView(query, view, preserved) }))
    .filter((candidate): candidate is { view: CatalogMaterializedView; query: ResolvedQuery } =>
      Boolean(candidate.query),
    )
    .sort((a, b) => a.view.rowEstimate - b.view.rowEstimate);
  return routed[0]?.query ?? null;
}

function sameJoin(sources: readonly Source[], view: CatalogMaterializedView): boolean {
  const ids = [view.dataset, ...view.joins.map((join) => join.dataset)];
  if (ids.length !== sources.length) return false;
  return sources.every((source, i) => {
    if (source.dataset.id !== ids[i]) return false;
    if (i === 0) return source.join === null;
    const declared = view.joins[i - 1];
    if (!declared || !source.join || source.join.type !== declared.type) return false;
    const asked = new Set(source.join.on.map(([left, right]) => `${ref(left)}=${ref(right)}`));
    const held = new Set(declared.on.map(({ left, right }) => `${left}=${right}`));
    return asked.size === held.size && [...asked].every((pair) => held.has(pair));
  });
}

/** The query rewritten over the view, or null when something it reads is not covered. */
function overView(
  query: ResolvedQuery,
  view: CatalogMaterializedView,
  preserved: ReadonlySet<CatalogDataset>,
): ResolvedQuery | null {
  const mapped = (dataset: CatalogDataset, column: CatalogColumn): CatalogColumn | undefined => {
    const name = view.columns.get(`${dataset.id}.${column.name}`);
    return name === undefined ? undefined : { ...column, name };
  };
  const uniqueKey: string[] = [];
  for (const { dataset } of query.sources) {
    if (dataset.uniqueKey.length === 0) return null;
    for (const key of dataset.uniqueKey) {
      const name = view.columns.get(`${dataset.id}.${key}`);
      if (name === undefined) return null;
      uniqueKey.push(name);
    }
  }
  const target: CatalogDataset = {
    id: view.id,
    label: view.id,
    table: view.table,
    rowEstimate: view.rowEstimate,
    uniqueKey,
    partition: null,
    columns: query.sources.flatMap(({ dataset }) =>
      dataset.columns.flatMap((column) => mapped(dataset, column) ?? []),
    ),
  };

  const uncovered: string[] = [];
  const column = (source: SourceColumn): SourceColumn => {
    const moved = mapped(source.dataset, source.column);
    if (!moved) uncovered.push(ref(source));
    return { kind: 'source', dataset: target, column: moved ?? source.column };
  };
  // A calculated column is not routed: the planner writes it over the datasets' own scans.
  const columnOperand = (o: ColumnOperand): ColumnOperand => {
    if (o.kind === 'source') return column(o);
    uncovered.push(o.name);
    return o;
  };
  const grouped = (o: GroupOperand): GroupOperand =>
    o.kind === 'bucket' ? { ...o, column: columnOperand(o.column) } : columnOperand(o);
  const measure = (o: MeasureOperand): MeasureOperand => ({
    ...o,
    column: o.column && columnOperand(o.column),
  });
  const operand = (o: Operand): Operand => {
    switch (o.kind) {
      case 'measure':
        return measure(o);
      case 'pivot':
        return { ...o, measure: measure(o.measure), on: grouped(o.on) };
      case 'compare':
        return o; // a comparison's sides are routed one by one (plan-compare.ts)
      case 'source':
      case 'computed':
      case 'bucket':
        return grouped(o);
    }
  };
  const predicate = (p: Predicate): Predicate =>
    p.kind === 'group' ? { ...p, items: p.items.map(predicate) } : { ...p, operand: operand(p.operand) };

  const vintages = query.sources.flatMap(({ dataset, vintage }): Predicate[] => {
    if (!vintage || !dataset.partition) return [];
    if (!preserved.has(dataset)) uncovered.push(`the vintage of ${dataset.id}`);
    const equals = (name: string, value: TypedValue): Predicate => {
      const partitionColumn = dataset.columns.find((c) => c.name === name);
      if (!partitionColumn) throw new Error(`catalog error: ${dataset.id} has no partition column ${name}`);
      return {
        kind: 'condition',
        operand: column({ kind: 'source', dataset, column: partitionColumn }),
        operator: '=',
        not: false,
        values: [value],
        caseSensitive: true,
      };
    };
    return [
      equals(dataset.partition.loadTypeColumn, vintage.loadType),
      equals(dataset.partition.loadIdColumn, vintage.loadId),
    ];
  });
  // The vintages come first, as on a dataset's own scan.
  const filterItems = [...vintages, ...(query.filter ? [predicate(query.filter)] : [])];
  const routed: ResolvedQuery = {
    ...query,
    sources: [{ dataset: target, vintage: null, join: null }],
    groupBy: query.groupBy.map(grouped),
    outputs: query.outputs.map((output) => ({ ...output, operand: operand(output.operand) })),
    filter: filterItems.length > 0 ? { kind: 'group', op: 'and', not: false, items: filterItems } : null,
    resultFilter: query.resultFilter && predicate(query.resultFilter),
    sort: query.sort.map((item) => ({ ...item, operand: operand(item.operand) })),
  };
  return uncovered.length === 0 ? routed : null;
}

function ref(column: SourceColumn): string {
  return `${column.dataset.id}.${column.column.name}`;
}
