import { QUERY_LIMITS, type ColumnType, type GroupByItem, type Query } from '@aurora/query-model';
import type { DialectName } from '@aurora/sql-dialect';
import type { CatalogView } from './catalog';
import type { BindValue } from './compiler';
import { DIALECTS } from './dialects';
import { CompileMemo, type StatementKind } from './memo';
import type { SelectNode } from './nodes';
import { planCount, planRows, type PlanOptions } from './plan';
import { todayIn } from './relative-dates';
import { resolveQuery, type ResolveOptions } from './resolve';
import type { PivotCell } from './resolve-pivot';
import type { ResolvedQuery } from './resolved';

export interface CompileOptions extends Partial<Omit<PlanOptions, 'maskingKey'>> {
  /** The key of hashed columns (MASKING_KEY); a query reading a hashed column fails without one. */
  readonly maskingKey?: string | undefined;
  /** The deployment's time zone (`AURORA_TIME_ZONE`; default UTC): where relative dates' days begin. */
  readonly timeZone?: string | undefined;
  /** Today there (`YYYY-MM-DD`), from the caller's clock; default: the system clock's date in `timeZone`. */
  readonly today?: string | undefined;
  readonly dialect: DialectName;
  /** MAX_ROW_LIMIT: no limit, page or count reaches past this row. */
  readonly maxRowLimit: number;
  /** false compiles afresh instead of reusing an identical earlier compile (to measure the compiler itself). */
  readonly memo?: boolean;
  /** A pivot's column values, as `compilePivotValues` read them: a query with a pivot needs them. */
  readonly pivotValues?: readonly PivotCell[] | undefined;
}

export interface ResultColumnInfo {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
  /** A pivot's value column: its label holds the value, so a file's header row shows the label (docs/API.md). */
  readonly pivot?: true | undefined;
}

/** A dataset the query reads, as the catalog knows it: what a cost check needs to judge it cheap. */
export interface SourceInfo {
  readonly dataset: string;
  readonly label: string;
  readonly rowEstimate: number;
  /** Partitioned, and whether the query chose a vintage (so only that partition is read). */
  readonly partition: { readonly vintage: boolean } | null;
}

/** Frozen: a compiled statement may be handed to many callers (see memo.ts). */
export interface CompiledQuery {
  readonly dialect: DialectName;
  readonly sql: string;
  readonly params: readonly BindValue[];
  /** Indexes into `params` of values no one may be shown (the masking key): the SQL view redacts them. */
  readonly secretParams: readonly number[];
  /** The result columns, in the order of each row. */
  readonly columns: readonly ResultColumnInfo[];
  /** The datasets of the query, primary first (also when a materialized view answers it). */
  readonly sources: readonly SourceInfo[];
}

/** The compiled statements of this process, by catalog view, options and query (see memo.ts). */
const MEMO = new CompileMemo({ maxEntries: 1_000, maxChars: 4_000_000 });

/** Compiles a validated query to one parameterised statement returning its rows (or the requested page). */
export function compileQuery(query: Query, catalog: CatalogView, given: CompileOptions): CompiledQuery {
  const options = dated(given);
  return memoised('rows', query, catalog, options, () => {
    const resolved = resolveQuery(query, catalog, withPivotValues(query, options));
    const columns = resolved.outputs.map(({ name, label, type, format, operand }) =>
      Object.freeze({
        name,
        label,
        type,
        format,
        ...(operand.kind === 'pivot' ? { pivot: true as const } : {}),
      }),
    );
    const plan = planRows(resolved, planOptions(options, catalog));
    return frozenStatement(plan, options.dialect, columns, resolved);
  });
}

/** Compiles `SELECT COUNT(*)` of the query's rows, counting at most `maxRowLimit + 1` (more means capped). */
export function compileCount(query: Query, catalog: CatalogView, given: CompileOptions): CompiledQuery {
  const options = dated(given);
  return memoised('count', query, catalog, options, () => {
    const resolved = resolveQuery(query, catalog, withPivotValues(query, options));
    const plan = planCount(resolved, planOptions(options, catalog), options.maxRowLimit + 1);
    return frozenStatement(plan, options.dialect, [COUNT_COLUMN], resolved);
  });
}

/**
 * A pivot's first step: the statements reading its column's distinct values (ascending, NULL last, at most one
 * more than `maxPivotValues`) and counting them all (to name the count when there are too many). They read the
 * query's sources, vintages and filter, so the same row policies decide which values exist. Null without a
 * pivot. The query itself is checked first, so its errors point at its own fields.
 */
export function compilePivotValues(
  query: Query,
  catalog: CatalogView,
  given: CompileOptions,
): { readonly values: CompiledQuery; readonly count: CompiledQuery } | null {
  const pivot = query.aggregate?.pivot;
  if (!pivot) return null;
  resolveQuery(query, catalog, { ...dated(given), pivotValues: undefined });
  const item: GroupByItem = pivot.bucket
    ? { column: pivot.column, bucket: pivot.bucket, as: 'pivot_value' }
    : pivot.column;
  const distinct: Query = {
    dataset: query.dataset,
    ...(query.vintages ? { vintages: query.vintages } : {}),
    ...(query.joins ? { joins: query.joins } : {}),
    ...(query.computed ? { computed: query.computed } : {}),
    ...(query.filter ? { filter: query.filter } : {}),
    aggregate: { groupBy: [item], measures: [] },
  };
  const name = typeof item === 'string' ? item : item.as;
  const options = { ...given, pivotValues: undefined };
  return {
    values: compileQuery(
      { ...distinct, sort: [{ column: name, dir: 'asc' }], limit: QUERY_LIMITS.maxPivotValues + 1 },
      catalog,
      options,
    ),
    count: compileCount(distinct, catalog, options),
  };
}

function withPivotValues(query: Query, options: CompileOptions & ResolveOptions): ResolveOptions {
  if (query.aggregate?.pivot && options.pivotValues === undefined) {
    throw new Error('a pivot needs its column values: compilePivotValues first');
  }
  return options;
}

/** The options with today's date settled: relative dates resolve against it, and the memo keys by it. */
function dated(options: CompileOptions): CompileOptions & { today: string; timeZone: string } {
  const timeZone = options.timeZone ?? 'UTC';
  const today =
    options.today ??
    (timeZone === 'UTC' ? new Date().toISOString().slice(0, 10) : todayIn(timeZone, new Date()));
  return { ...options, timeZone, today };
}

const COUNT_COLUMN: ResultColumnInfo = Object.freeze({ name: 'count', label: 'Count', type: 'integer' });

function memoised(
  kind: StatementKind,
  query: Query,
  catalog: CatalogView,
  options: CompileOptions,
  compile: () => CompiledQuery,
): CompiledQuery {
  return options.memo === false ? compile() : MEMO.compile(kind, query, catalog, options, compile);
}

function planOptions(options: CompileOptions, catalog: CatalogView): PlanOptions {
  return {
    pushdown: options.pushdown ?? true,
    reorderJoins: options.reorderJoins ?? true,
    peekOneMore: options.peekOneMore ?? false,
    materializedViews: options.materializedViews ?? catalog.materializedViews,
    maskingKey: options.maskingKey ?? null,
  };
}

/** The dialect rewrites the plan as its engine needs, then compiles it; the result is frozen throughout. */
function frozenStatement(
  plan: SelectNode,
  name: DialectName,
  columns: readonly ResultColumnInfo[],
  query: ResolvedQuery,
): CompiledQuery {
  const dialect = DIALECTS[name];
  const { sql, params, secretParams } = dialect.createCompiler().compile(dialect.rewrite(plan));
  // A comparison reads two vintages of its primary dataset, each one partition.
  const sources = query.sources.map(({ dataset, vintage }, i) =>
    Object.freeze({
      dataset: dataset.id,
      label: dataset.label,
      rowEstimate: dataset.rowEstimate,
      partition: dataset.partition
        ? Object.freeze({ vintage: vintage !== null || (i === 0 && query.compare !== null) })
        : null,
    }),
  );
  return Object.freeze({
    dialect: name,
    sql,
    params: Object.freeze(params),
    secretParams: Object.freeze(secretParams),
    columns: Object.freeze(columns),
    sources: Object.freeze(sources),
  });
}
