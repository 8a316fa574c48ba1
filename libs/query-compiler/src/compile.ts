import type { ColumnType, Query } from '@aurora/query-model';
import type { CatalogView } from './catalog';
import type { BindValue, SqlCompiler } from './compiler';
import { DuckDbCompiler } from './dialects/duckdb';
import { ORACLE_MAX_IN_LIST, OracleCompiler } from './dialects/oracle';
import type { SelectNode } from './nodes';
import { planCount, planRows, type PlanOptions } from './plan';
import { resolveQuery } from './resolve';
import { chunkInLists } from './transform';

export type Dialect = 'duckdb' | 'oracle';

export interface CompileOptions extends Partial<PlanOptions> {
  readonly dialect: Dialect;
  /** MAX_ROW_LIMIT: no limit, page or count reaches past this row. */
  readonly maxRowLimit: number;
}

export interface ResultColumnInfo {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
}

export interface CompiledQuery {
  readonly dialect: Dialect;
  readonly sql: string;
  readonly params: readonly BindValue[];
  /** The result columns, in the order of each row. */
  readonly columns: readonly ResultColumnInfo[];
}

/** Compiles a validated query to one parameterised statement returning its rows (or the requested page). */
export function compileQuery(query: Query, catalog: CatalogView, options: CompileOptions): CompiledQuery {
  const resolved = resolveQuery(query, catalog, options);
  const columns = resolved.outputs.map(({ name, label, type, format }) => ({ name, label, type, format }));
  return { ...emit(planRows(resolved, planOptions(options)), options.dialect), columns };
}

/** Compiles `SELECT COUNT(*)` of the query's rows, counting at most `maxRowLimit + 1` (more means capped). */
export function compileCount(query: Query, catalog: CatalogView, options: CompileOptions): CompiledQuery {
  const resolved = resolveQuery(query, catalog, options);
  const plan = planCount(resolved, planOptions(options), options.maxRowLimit + 1);
  return { ...emit(plan, options.dialect), columns: [{ name: 'count', label: 'Count', type: 'integer' }] };
}

function planOptions(options: CompileOptions): PlanOptions {
  return {
    pushdown: options.pushdown ?? true,
    reorderJoins: options.reorderJoins ?? true,
    peekOneMore: options.peekOneMore ?? false,
  };
}

function emit(
  plan: SelectNode,
  dialect: Dialect,
): { dialect: Dialect; sql: string; params: readonly BindValue[] } {
  const compiler: SqlCompiler = dialect === 'oracle' ? new OracleCompiler() : new DuckDbCompiler();
  const rewritten = dialect === 'oracle' ? chunkInLists(plan, ORACLE_MAX_IN_LIST) : plan;
  return { dialect, ...compiler.compile(rewritten) };
}
