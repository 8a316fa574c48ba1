import { dirname, resolve } from 'node:path';
import type { DatabaseAdapter } from './adapter';
import { DuckDbAdapter } from './duckdb/duckdb-adapter';

export interface WarehouseOptions {
  readonly connections: number;
  readonly defaultTimeoutMs?: number | undefined;
}

/** `WAREHOUSE_URL` picks the adapter: `duckdb:<path>` opens a DuckDB file read-only. */
export async function openWarehouse(url: string, options: WarehouseOptions): Promise<DatabaseAdapter> {
  if (url.startsWith('duckdb:')) {
    const path = resolve(url.slice('duckdb:'.length));
    return DuckDbAdapter.open({
      path,
      readOnly: true,
      connections: options.connections,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
      fileSearchPath: dirname(path),
    });
  }
  throw new Error(`WAREHOUSE_URL ${url.split(':')[0] ?? ''}: is not supported here; use duckdb:<path>`);
}
