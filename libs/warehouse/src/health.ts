import type { DatabaseAdapter } from './adapter';

const PING = { duckdb: 'SELECT 1', oracle: 'SELECT 1 FROM DUAL' } as const;

/** Readiness: the warehouse runs a trivial statement within `timeoutMs` (through the pool, as queries do). */
export async function warehouseAnswers(warehouse: DatabaseAdapter, timeoutMs = 2000): Promise<boolean> {
  try {
    await warehouse.query({ sql: PING[warehouse.dialect], params: [] }, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}
