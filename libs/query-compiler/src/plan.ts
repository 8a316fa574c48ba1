import { AuroraError, ErrorCode } from '@aurora/errors';
import type { MeasureFn } from '@aurora/query-model';
import { columnNamed, isPoliced, type CatalogDataset, type CatalogMaterializedView } from './catalog';
import { castOrUndefined } from './typed-value';
import {
  sql,
  type ColumnNode,
  type ExpressionNode,
  type OrderItem,
  type SelectItem,
  type SelectNode,
} from './nodes';
import { expressionValue } from './expression/to-node';
import { forEachExprColumn } from './expression/typed';
import type { ColumnOperand, Operand, Predicate, ResolvedQuery, Source, SourceColumn } from './resolved';
import { operandKey, operandType } from './resolve';
import { routeToMaterializedView } from './route';
import { forEachColumn } from './transform';
import { planComparison } from './plan-compare';

export interface PlanOptions {
  /** Move each dataset's own conditions into its scan, where that cannot change the result. */
  readonly pushdown: boolean;
  /** For chains of inner joins, let the smallest filtered dataset drive. */
  readonly reorderJoins: boolean;
  /** Fetch one row past the page, so the caller can tell whether there is more. */
  readonly peekOneMore: boolean;
  /** Precomputed joins the query may be routed to (see route.ts); none plans every join. */
  readonly materializedViews: readonly CatalogMaterializedView[];
  /** The key of hashed columns (MASKING_KEY); null refuses a query that reads one. */
  readonly maskingKey: string | null;
}

/**
 * Plans the rows of a query: routing to a materialized view that covers it, scans with vintage and pushed-down
 * filters, joins, grouping, order and paging.
 */
export function planRows(logical: ResolvedQuery, options: PlanOptions): SelectNode {
  if (logical.compare) return planComparison(logical, logical.compare, options, planRows);
  // A view holds its datasets' every row and column: policies apply only to the datasets' own scans.
  const policed = logical.sources.some((source) => isPoliced(source.dataset));
  const query =
    (policed
      ? null
      : routeToMaterializedView(logical, options.materializedViews, preservedDatasets(logical.sources))) ??
    logical;
  const whereConjuncts = conjuncts(query.filter);
  const resultConjuncts = conjuncts(query.resultFilter);
  // Before grouping, a result filter is just another condition on the same rows.
  if (!query.aggregated) whereConjuncts.push(...resultConjuncts.splice(0));

  const preserved = preservedDatasets(query.sources);
  const pushed = new Map<CatalogDataset, Predicate[]>();
  const remaining = whereConjuncts.filter((predicate) => {
    const only = options.pushdown ? onlyDataset(predicate) : null;
    if (!only || !preserved.has(only)) return true;
    const list = pushed.get(only);
    if (list) list.push(predicate);
    else pushed.set(only, [predicate]);
    return false;
  });

  // Every join key pair of the query, whichever order the joins take below.
  const keyPairs: KeyPair[] = [];
  for (const source of query.sources) keyPairs.push(...(source.join?.on ?? []));
  const sources = options.reorderJoins ? joinOrder(query.sources, keyPairs, pushed) : query.sources;
  const rowLevel = (operand: Operand): ExpressionNode => operandExpression(operand, true);
  const derived = query.aggregated && query.groupBy.some(readsComputed) ? new DerivedRows() : null;
  const outer = derived ? (operand: Operand) => derived.expression(operand) : rowLevel;
  const items = query.outputs.map((output) => ({ expr: outer(output.operand), alias: output.name }));
  const groupBy = query.groupBy.map(outer);
  const orderBy = orderItems(query, outer);
  const where =
    remaining.length > 0
      ? sql.logical(
          'and',
          remaining.map((p) => predicateExpression(p, rowLevel)),
        )
      : null;
  const having =
    resultConjuncts.length > 0
      ? sql.logical(
          'and',
          resultConjuncts.map((p) => predicateExpression(p, outer)),
        )
      : null;
  const joinConditions = sources
    .slice(1)
    .map((source, i) =>
      joinCondition(source, keyPairs, new Set(sources.slice(0, i + 1).map((s) => s.dataset))),
    );
  const needed = neededColumns([
    ...(derived
      ? derived.items.map((item) => item.expr)
      : [
          ...items.map((item) => item.expr),
          ...groupBy,
          ...orderBy.map((item) => item.expr),
          ...(having ? [having] : []),
        ]),
    ...(where ? [where] : []),
    ...joinConditions,
  ]);
  const relation = (source: Source) =>
    sql.subquery(
      scan(source, needed.get(source.dataset.id) ?? [], pushed, options.maskingKey),
      source.dataset.id,
    );
  const [primary, ...joined] = sources;
  if (!primary) throw new Error('a query has a primary dataset');
  const { limit, offset } = paging(query, options.peekOneMore);
  const rows = {
    from: relation(primary),
    joins: joined.map((source, i) =>
      sql.join(source.join?.type ?? 'inner', relation(source), joinConditions[i] ?? sql.truth(true)),
    ),
    where,
  };
  const grouped = { items, groupBy, having, orderBy, limit, offset };
  if (!derived) return sql.select({ ...rows, ...grouped });
  const from = sql.subquery(sql.select({ ...rows, items: derived.items }), DERIVED_ALIAS);
  return sql.select({ ...grouped, from });
}

const DERIVED_ALIAS = 'rows';

function readsComputed(operand: Operand): boolean {
  return operand.kind === 'computed' || (operand.kind === 'bucket' && operand.column.kind === 'computed');
}

/**
 * The joined rows with their calculated columns, for a query that groups by one. Engines match a GROUP BY
 * expression to the select list by its text, and each literal is a parameter of its own (`$1` in one, `$3` in
 * the other), so the expression is computed once below and grouped by its alias above.
 */
class DerivedRows {
  readonly items: SelectItem[] = [];
  private readonly aliases = new Map<string, string>();

  /** The operand over the derived table: each column or calculated column it reads becomes one of its items. */
  expression(operand: Operand): ExpressionNode {
    return operandNode(operand, (leaf) => {
      const key = operandKey(leaf);
      let alias = this.aliases.get(key);
      if (alias === undefined) {
        alias = `c${this.items.length + 1}`;
        this.aliases.set(key, alias);
        this.items.push({ expr: columnOperandExpression(leaf, true), alias });
      }
      return sql.column(DERIVED_ALIAS, alias);
    });
  }
}

/** Plans `SELECT COUNT(*)` over the rows of a query, stopping at `cap` rows so a count never scans forever. */
export function planCount(query: ResolvedQuery, options: PlanOptions, cap: number): SelectNode {
  const rows = planRows(
    { ...query, sort: [], page: null, limit: Math.min(query.limit ?? cap, cap) },
    options,
  );
  return sql.select({
    items: [{ expr: sql.aggregate('COUNT', null), alias: 'count' }],
    from: sql.subquery({ ...rows, orderBy: [] }, 'result'),
  });
}

/**
 * A dataset's scan: its vintage first (so engines prune partitions), then its row policies, then its pushed-down
 * conditions. Everything above it (joins, grouping, result filters, counts, the cache) sees only the rows the
 * policies let through, and masked columns only as their masks.
 */
function scan(
  source: Source,
  columns: readonly string[],
  pushed: Map<CatalogDataset, Predicate[]>,
  maskingKey: string | null,
): SelectNode {
  const { dataset, vintage } = source;
  const inner = (operand: Operand): ExpressionNode => operandExpression(operand, false);
  const conditions: ExpressionNode[] = [];
  if (vintage && dataset.partition) {
    conditions.push(
      sql.compare('=', sql.column(null, dataset.partition.loadTypeColumn), sql.value(vintage.loadType)),
    );
    conditions.push(
      sql.compare('=', sql.column(null, dataset.partition.loadIdColumn), sql.value(vintage.loadId)),
    );
  }
  conditions.push(...rowPolicyConditions(dataset));
  conditions.push(...(pushed.get(dataset) ?? []).map((p) => predicateExpression(p, inner)));
  const read = columns.length > 0 ? columns : [dataset.uniqueKey[0] ?? dataset.columns[0]?.name ?? ''];
  return sql.select({
    items: read.map((name) => scanItem(dataset, name, maskingKey)),
    from: sql.table(dataset.table.schema ?? null, dataset.table.name),
    where: conditions.length > 0 ? sql.logical('and', conditions) : null,
  });
}

/** `column IN (values)` per policy, each value bound as the column's type; one no value can match is dropped. */
function rowPolicyConditions(dataset: CatalogDataset): ExpressionNode[] {
  return (dataset.rowPolicies ?? []).map((policy) => {
    const values = policy.values.flatMap((value) => {
      const typed = castOrUndefined(policy.type, value);
      return typed ? [sql.value(typed)] : [];
    });
    return values.length > 0 ? sql.in(sql.column(null, policy.column), values) : sql.truth(false);
  });
}

/** The column as the principal may see it, under its own name. */
function scanItem(dataset: CatalogDataset, name: string, maskingKey: string | null): SelectItem {
  const masking = columnNamed(dataset, name)?.masking;
  if (!masking) return { expr: sql.column(null, name), alias: null };
  if (masking.mode === 'hashed' && maskingKey === null) {
    // An operator's omission, not the asker's: hashing without a key would be a reversible digest.
    throw new AuroraError(
      ErrorCode.UNAVAILABLE,
      'Hashed columns cannot be read: no masking key is configured.',
    );
  }
  const key = masking.mode === 'hashed' ? maskingKey : null;
  return { expr: sql.mask(masking.mode, sql.column(null, name), masking.sourceType, key), alias: name };
}

type KeyPair = readonly [SourceColumn, SourceColumn];

function joinCondition(
  source: Source,
  keyPairs: readonly KeyPair[],
  earlier: Set<CatalogDataset>,
): ExpressionNode {
  const conditions: ExpressionNode[] = [];
  for (const [a, b] of keyPairs) {
    const [left, right] = a.dataset === source.dataset ? [b, a] : [a, b];
    if (right.dataset === source.dataset && earlier.has(left.dataset)) {
      conditions.push(sql.compare('=', operandExpression(left, true), operandExpression(right, true)));
    }
  }
  return sql.logical('and', conditions);
}

/** Inner-join chains only: greedily start from the smallest filtered dataset and grow along join keys. */
function joinOrder(
  sources: readonly Source[],
  keyPairs: readonly KeyPair[],
  pushed: Map<CatalogDataset, Predicate[]>,
): readonly Source[] {
  if (sources.length < 2) return sources;
  if (sources.some((source) => source.join && source.join.type !== 'inner')) return sources;
  const estimates = new Map(
    sources.map((s) => [
      s,
      s.dataset.rowEstimate * 0.1 ** ((pushed.get(s.dataset)?.length ?? 0) + (s.vintage ? 1 : 0)),
    ]),
  );
  const size = (s: Source): number => estimates.get(s) ?? 0;
  const edges = keyPairs.map(([a, b]) => [a.dataset, b.dataset] as const);
  const placed: Source[] = [];
  let rest = [...sources];
  while (rest.length > 0) {
    const linked = rest.filter((s) =>
      placed.length === 0
        ? true
        : edges.some(
            ([a, b]) =>
              (a === s.dataset && placed.some((p) => p.dataset === b)) ||
              (b === s.dataset && placed.some((p) => p.dataset === a)),
          ),
    );
    const next = (linked.length > 0 ? linked : rest).reduce((best, s) => (size(s) < size(best) ? s : best));
    placed.push(next);
    rest = rest.filter((s) => s !== next);
  }
  return placed.map((s, i) => (i === 0 ? { ...s, join: null } : { ...s, join: { type: 'inner', on: [] } }));
}

/** Datasets whose rows a filter may remove before joining: those never on the null-supplying side. */
function preservedDatasets(sources: readonly Source[]): Set<CatalogDataset> {
  const nullSupplying = new Set<CatalogDataset>();
  sources.forEach((source, i) => {
    const type = source.join?.type;
    if (type === 'left' || type === 'full') nullSupplying.add(source.dataset);
    if (type === 'right' || type === 'full') sources.slice(0, i).forEach((s) => nullSupplying.add(s.dataset));
  });
  return new Set(sources.map((s) => s.dataset).filter((d) => !nullSupplying.has(d)));
}

export function orderItems(query: ResolvedQuery, outer: (operand: Operand) => ExpressionNode): OrderItem[] {
  const items: OrderItem[] = query.sort.map((item) => ({ expr: outer(item.operand), dir: item.dir }));
  if (query.page === null && query.limit === null) return items;
  // Paging needs a total order: ties are broken by the catalog's unique keys (or the group-by columns).
  const tieBreakers: readonly Operand[] = query.aggregated ? query.groupBy : uniqueKeys(query);
  // operandKey names what outer() writes, so equal keys are equal expressions.
  const seen = new Set(query.sort.map((item) => operandKey(item.operand)));
  for (const operand of tieBreakers) {
    const key = operandKey(operand);
    if (!seen.has(key)) items.push({ expr: outer(operand), dir: 'asc' });
    seen.add(key);
  }
  return items;
}

/** Each dataset's unique key or, when it has none, every column of it in the result. */
function uniqueKeys(query: ResolvedQuery): Operand[] {
  const keys: Operand[] = [];
  for (const { dataset } of query.sources) {
    if (dataset.uniqueKey.length > 0) {
      for (const name of dataset.uniqueKey) keys.push(sourceColumn(dataset, name));
      continue;
    }
    for (const { operand } of query.outputs) {
      if (operand.kind === 'source' && operand.dataset === dataset) keys.push(operand);
    }
  }
  return keys;
}

export function paging(
  query: ResolvedQuery,
  peekOneMore: boolean,
): { limit: number | null; offset: number | null } {
  const extra = peekOneMore ? 1 : 0;
  if (!query.page) return { limit: query.limit, offset: null };
  const offset = (query.page.number - 1) * query.page.size;
  const wanted = query.page.size + extra;
  const limit = query.limit === null ? wanted : Math.max(0, Math.min(wanted, query.limit - offset));
  return { limit, offset };
}

export function predicateExpression(
  predicate: Predicate,
  expr: (operand: Operand) => ExpressionNode,
): ExpressionNode {
  const node =
    predicate.kind === 'group'
      ? sql.logical(
          predicate.op,
          predicate.items.map((item) => predicateExpression(item, expr)),
        )
      : conditionExpression(predicate, expr(predicate.operand));
  return predicate.not ? sql.not(node) : node;
}

function conditionExpression(
  condition: Extract<Predicate, { kind: 'condition' }>,
  target: ExpressionNode,
): ExpressionNode {
  const values = condition.values.map(sql.value);
  const [first, second] = values;
  const one = (): (typeof values)[number] => {
    if (!first) throw new Error(`${condition.operator} needs a value`);
    return first;
  };
  switch (condition.operator) {
    case '=':
    case '<':
    case '>':
    case '<=':
    case '>=':
      return sql.compare(condition.operator, target, one());
    case '!=':
      return sql.compare('<>', target, one());
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return sql.textMatch(target, condition.operator, String(one().value.value), condition.caseSensitive);
    case 'in':
      return sql.in(target, values);
    case 'between':
      if (!second) throw new Error('between needs two values');
      return sql.between(target, one(), second);
    case 'relative':
      if (!second) throw new Error('relative needs two bounds');
      return sql.logical('and', [sql.compare('>=', target, one()), sql.compare('<', target, second)]);
    case 'is_null':
      return sql.isNull(target);
    case 'is_empty':
      return sql.isEmpty(
        target,
        (condition.operand.kind === 'source' || condition.operand.kind === 'computed') &&
          operandType(condition.operand) === 'string',
      );
  }
}

/**
 * An operand as SQL: qualified above the scans (where a masked column is its mask), bare inside one. A
 * calculated column is written out where it is used, so each scan still reads only plain columns.
 */
function operandExpression(operand: Operand, qualified: boolean): ExpressionNode {
  return operandNode(operand, (leaf) => columnOperandExpression(leaf, qualified));
}

function columnOperandExpression(operand: ColumnOperand, qualified: boolean): ExpressionNode {
  const column = (source: SourceColumn): ColumnNode =>
    sql.column(qualified ? source.dataset.id : null, source.column.name);
  return operand.kind === 'source' ? column(operand) : expressionValue(operand.expr, column);
}

/** An operand as SQL, its columns and calculated columns written by `leaf`. */
function operandNode(operand: Operand, leaf: (operand: ColumnOperand) => ExpressionNode): ExpressionNode {
  switch (operand.kind) {
    case 'source':
    case 'computed':
      return leaf(operand);
    case 'bucket':
      return sql.bucket(operand.unit, leaf(operand.column));
    case 'measure':
      return measureExpression(operand.fn, operand.column ? leaf(operand.column) : null);
    case 'pivot': {
      // Conditional aggregation: portable, and the value stays a bind parameter.
      const on = operandNode(operand.on, leaf);
      const when = operand.value ? sql.compare('=', on, sql.value(operand.value)) : sql.isNull(on);
      const counted = operand.measure.column ? leaf(operand.measure.column) : sql.number(1);
      return measureExpression(operand.measure.fn, sql.case([{ when, then: counted }]));
    }
    case 'compare':
      throw new Error('compare columns are planned by plan-compare.ts');
  }
}

/** `arg` null: `COUNT(*)`. */
function measureExpression(fn: MeasureFn, arg: ExpressionNode | null): ExpressionNode {
  switch (fn) {
    case 'sum':
      return sql.aggregate('SUM', arg);
    case 'avg':
      return sql.aggregate('AVG', arg);
    case 'min':
      return sql.aggregate('MIN', arg);
    case 'max':
      return sql.aggregate('MAX', arg);
    case 'count':
      return sql.aggregate('COUNT', arg);
    case 'count_distinct':
      return sql.aggregate('COUNT', arg, true);
  }
}

export function conjuncts(predicate: Predicate | null, into: Predicate[] = []): Predicate[] {
  if (!predicate) return into;
  if (predicate.kind === 'group' && predicate.op === 'and' && !predicate.not) {
    for (const item of predicate.items) conjuncts(item, into);
  } else {
    into.push(predicate);
  }
  return into;
}

/** The one dataset whose columns the predicate reads; null when it reads none or several. */
function onlyDataset(predicate: Predicate): CatalogDataset | null {
  let only: CatalogDataset | null = null;
  const visit = (p: Predicate): boolean => {
    if (p.kind === 'group') return p.items.every(visit);
    const read = (column: SourceColumn): boolean => {
      // Inside its scan a masked column is still the value itself: its conditions test the mask, above the scan.
      if (column.column.masking) return false;
      if (only !== null && only !== column.dataset) return false;
      only = column.dataset;
      return true;
    };
    // A calculated column moves with its columns when they are all one dataset's; one reading several cannot.
    if (p.operand.kind === 'computed') {
      let single = true;
      forEachExprColumn(p.operand.expr, (column) => {
        single = read(column) && single;
      });
      return single;
    }
    // A measure is only known after grouping: it can never move into a scan.
    if (p.operand.kind !== 'source') return true;
    return read(p.operand);
  };
  return visit(predicate) ? only : null;
}

/** Each relation alias's columns that the nodes read, in the order they first appear. */
function neededColumns(nodes: readonly ExpressionNode[]): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  const add = (column: ColumnNode): void => {
    if (column.table === null) return;
    const columns = needed.get(column.table);
    if (!columns) needed.set(column.table, [column.name]);
    else if (!columns.includes(column.name)) columns.push(column.name);
  };
  for (const node of nodes) forEachColumn(node, add);
  return needed;
}

function sourceColumn(dataset: CatalogDataset, name: string): SourceColumn {
  const column = dataset.columns.find((c) => c.name === name);
  if (!column) throw new Error(`catalog error: ${dataset.id} has no unique-key column ${name}`);
  return { kind: 'source', dataset, column };
}
