import type { ColumnType } from '@aurora/query-model';
import type { QueryResult, Statement, TableColumn, TableRef, VintageValues } from '../adapter';

type Run = (statement: Statement) => Promise<QueryResult>;

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
  const { rows } = await run({
    sql: `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = $1 AND ($2 = '' OR table_schema = $2) ORDER BY ordinal_position`,
    params: [table.name, table.schema ?? ''],
  });
  if (rows.length === 0) throw new Error(`the warehouse has no table or view ${table.name}`);
  return rows.map(([name, nativeType, nullable]) => ({
    name: String(name),
    nativeType: String(nativeType),
    type: columnTypeOf(String(nativeType)),
    nullable: nullable !== 'NO',
  }));
}

/** Tables: DuckDB's own estimate; views (e.g. over Parquet): a count, which Parquet answers from metadata. */
export async function estimateRows(run: Run, table: TableRef, quoted: string): Promise<number> {
  const { rows } = await run({
    sql: `SELECT estimated_size FROM duckdb_tables() WHERE table_name = $1 AND ($2 = '' OR schema_name = $2)`,
    params: [table.name, table.schema ?? ''],
  });
  const estimate = rows[0]?.[0];
  if (typeof estimate === 'number') return estimate;
  const counted = await run({ sql: `SELECT count(*) FROM ${quoted}`, params: [] });
  return Number(counted.rows[0]?.[0] ?? 0);
}

/** Distinct Load Types with their Load IDs, newest first. */
export async function partitionValues(
  run: Run,
  quotedTable: string,
  quotedLoadType: string,
  quotedLoadId: string,
): Promise<VintageValues[]> {
  const { rows } = await run({
    sql: `SELECT DISTINCT ${quotedLoadType}, ${quotedLoadId} FROM ${quotedTable} ORDER BY 1, 2 DESC`,
    params: [],
  });
  const byType = new Map<string, string[]>();
  for (const [loadType, loadId] of rows) {
    if (loadType === null || loadId === null) continue;
    const ids = byType.get(String(loadType)) ?? [];
    ids.push(String(loadId));
    byType.set(String(loadType), ids);
  }
  return [...byType.entries()].map(([loadType, loadIds]) => ({ loadType, loadIds }));
}

/** Identifiers come from the catalog; quoting still doubles quotes so none can break out. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteTable(table: TableRef): string {
  return table.schema
    ? `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`
    : quoteIdentifier(table.name);
}

/** The largest "Estimated Cardinality" anywhere in a DuckDB JSON plan: a join explosion shows up there. */
export function maxEstimatedCardinality(plan: unknown): number {
  if (Array.isArray(plan)) return Math.max(0, ...plan.map(maxEstimatedCardinality));
  if (typeof plan !== 'object' || plan === null) return 0;
  const node = plan as { extra_info?: Record<string, unknown>; children?: unknown };
  const own = Number(node.extra_info?.['Estimated Cardinality'] ?? 0);
  return Math.max(Number.isFinite(own) ? own : 0, maxEstimatedCardinality(node.children ?? []));
}
