import type { ColumnType, Query } from '@aurora/query-model';
import type { DialectName } from '@aurora/sql-dialect';
import type { CatalogView } from './catalog';
import type { BindValue } from './compiler';
import { DIALECTS } from './dialects';
import type { SelectNode } from './nodes';
import { planCount, planRows, type PlanOptions } from './plan';
import { resolveQuery } from './resolve';
import type { ResolvedQuery } from './resolved';

export interface CompileOptions extends Partial<PlanOptions> {
  readonly dialect: DialectName;
  /** MAX_ROW_LIMIT: no limit, page or count reaches past this row. */
  readonly maxRowLimit: number;
}

export interface ResultColumnInfo {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
}

/** A dataset the query reads, as the catalog knows it: what a cost check needs to judge it cheap. */
export interface SourceInfo {
  readonly dataset: string;
  readonly label: string;
  readonly rowEstimate: number;
  /** Partitioned, and whether the query chose a vintage (so only that partition is read). */
  readonly partition: { readonly vintage: boolean } | null;
}

export interface CompiledQuery {
  readonly dialect: DialectName;
  readonly sql: string;
  readonly params: readonly BindValue[];
  /** The result columns, in the order of each row. */
  readonly columns: readonly ResultColumnInfo[];
  /** The datasets of the query, primary first (also when a materialized view answers it). */
  readonly sources: readonly SourceInfo[];
}

/** Compiles a validated query to one parameterised statement returning its rows (or the requested page). */
export function compileQuery(query: Query, catalog: CatalogView, options: CompileOptions): CompiledQuery {
  const resolved = resolveQuery(query, catalog, options);
  const columns = resolved.outputs.map(({ name, label, type, format }) => ({ name, label, type, format }));
  const plan = planRows(resolved, planOptions(options, catalog));
  return { ...emit(plan, options.dialect), columns, sources: sourceInfo(resolved) };
}

/** Compiles `SELECT COUNT(*)` of the query's rows, counting at most `maxRowLimit + 1` (more means capped). */
export function compileCount(query: Query, catalog: CatalogView, options: CompileOptions): CompiledQuery {
  const resolved = resolveQuery(query, catalog, options);
  const plan = planCount(resolved, planOptions(options, catalog), options.maxRowLimit + 1);
  return {
    ...emit(plan, options.dialect),
    columns: [{ name: 'count', label: 'Count', type: 'integer' }],
    sources: sourceInfo(resolved),
  };
}

function planOptions(options: CompileOptions, catalog: CatalogView): PlanOptions {
  return {
    pushdown: options.pushdown ?? true,
    reorderJoins: options.reorderJoins ?? true,
    peekOneMore: options.peekOneMore ?? false,
    materializedViews: options.materializedViews ?? catalog.materializedViews,
  };
}

function sourceInfo(query: ResolvedQuery): SourceInfo[] {
  return query.sources.map(({ dataset, vintage }) => ({
    dataset: dataset.id,
    label: dataset.label,
    rowEstimate: dataset.rowEstimate,
    partition: dataset.partition ? { vintage: vintage !== null } : null,
  }));
}

/** The dialect rewrites the plan as its engine needs, then compiles it. */
function emit(
  plan: SelectNode,
  name: DialectName,
): { dialect: DialectName; sql: string; params: readonly BindValue[] } {
  const dialect = DIALECTS[name];
  return { dialect: name, ...dialect.createCompiler().compile(dialect.rewrite(plan)) };
}
