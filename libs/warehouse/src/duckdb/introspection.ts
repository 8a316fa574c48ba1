import type { ColumnType } from '@aurora/query-model';
import { DUCKDB_SQL } from '@aurora/sql-dialect';
import type { TableColumn, TableRef } from '../adapter';
import type { Run } from '../introspection';

/** DuckDB's type names mapped onto the API's column types; anything else is unsupported (null). */
export function columnTypeOf(nativeType: string): ColumnType | null {
  const type = nativeType.toUpperCase();
  if (type === 'VARCHAR' || type.startsWith('VARCHAR(') || type === 'UUID') return 'string';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(type))
    return 'integer';
  if (type === 'FLOAT' || type === 'DOUBLE' || type.startsWith('DECIMAL')) return 'number';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  return null;
}

export async function describeTable(run: Run, table: TableRef): Promise<TableColumn[]> {
  const { rows } = await run(DUCKDB_SQL.describeTable(table));
  if (rows.length === 0) throw new Error(`the warehouse has no table or view ${table.name}`);
  return rows.map(([name, nativeType, nullable]) => ({
    name: String(name),
    nativeType: String(nativeType),
    type: columnTypeOf(String(nativeType)),
    nullable: nullable !== 'NO',
  }));
}

/** The largest "Estimated Cardinality" anywhere in a DuckDB JSON plan: a join explosion shows up there. */
export function maxEstimatedCardinality(plan: unknown): number {
  if (Array.isArray(plan)) return Math.max(0, ...plan.map(maxEstimatedCardinality));
  if (typeof plan !== 'object' || plan === null) return 0;
  const node = plan as { extra_info?: Record<string, unknown>; children?: unknown };
  const own = Number(node.extra_info?.['Estimated Cardinality'] ?? 0);
  return Math.max(Number.isFinite(own) ? own : 0, maxEstimatedCardinality(node.children ?? []));
}
