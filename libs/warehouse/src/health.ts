import { SQL_DIALECTS } from '@aurora/sql-dialect';
import type { DatabaseAdapter } from './adapter';

/** Readiness: the warehouse runs a trivial statement within `timeoutMs` (through the pool, as queries do). */
export async function warehouseAnswers(warehouse: DatabaseAdapter, timeoutMs = 2000): Promise<boolean> {
  try {
    await warehouse.query(SQL_DIALECTS[warehouse.dialect].ping, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}
