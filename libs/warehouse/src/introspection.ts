import type { SqlDialect } from '@aurora/sql-dialect';
import type { QueryResult, Statement, TableRef, VintageValues } from './adapter';

/** Runs one statement through the adapter (its pool and deadline). */
export type Run = (statement: Statement) => Promise<QueryResult>;

/** The engine's own estimate (tables with statistics); otherwise a count (views, unanalysed tables). */
export async function estimateRows(run: Run, dialect: SqlDialect, table: TableRef): Promise<number> {
  const { rows } = await run(dialect.estimateRows(table));
  const estimate = rows[0]?.[0];
  if (typeof estimate === 'number') return estimate;
  if (typeof estimate === 'string') return Number(estimate);
  const counted = await run(dialect.countRows(table));
  return Number(counted.rows[0]?.[0] ?? 0);
}

/** Distinct Load Types with their Load IDs, newest first. */
export async function partitionValues(
  run: Run,
  dialect: SqlDialect,
  table: TableRef,
  loadTypeColumn: string,
  loadIdColumn: string,
): Promise<VintageValues[]> {
  const { rows } = await run(dialect.partitionValues(table, loadTypeColumn, loadIdColumn));
  const byType = new Map<string, string[]>();
  for (const [loadType, loadId] of rows) {
    if (loadType === null || loadId === null) continue;
    const ids = byType.get(String(loadType)) ?? [];
    ids.push(String(loadId));
    byType.set(String(loadType), ids);
  }
  return [...byType.entries()].map(([loadType, loadIds]) => ({ loadType, loadIds }));
}
