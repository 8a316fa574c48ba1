import { dirname, resolve } from 'node:path';
import type { DatabaseAdapter } from './adapter';
import { DuckDbAdapter } from './duckdb/duckdb-adapter';
import { loadOracleDriver, type OracleDriver } from './oracle/driver';
import { OracleAdapter, type OraclePoolOptions, type OracleRetryOptions } from './oracle/oracle-adapter';

export interface WarehouseOptions {
  /** DuckDB: connections in its pool. (Oracle sizes its pool with `oracle.poolMin`/`poolMax`.) */
  readonly connections: number;
  readonly defaultTimeoutMs?: number | undefined;
  /** Oracle: the password; `WAREHOUSE_PASSWORD` when absent. */
  readonly password?: string | undefined;
  /** Oracle: pool attributes (defaults: poolMin 50, poolMax 150, queueTimeout 5000, see ORACLE_POOL_DEFAULTS). */
  readonly oracle?: OraclePoolOptions | undefined;
  readonly oracleRetry?: OracleRetryOptions | undefined;
  /** Oracle: rows per round trip when streaming. */
  readonly fetchArraySize?: number | undefined;
  /** Oracle: the driver module; `require('oracledb')` when absent (tests pass a stand-in). */
  readonly oracleDriver?: OracleDriver | undefined;
}

/**
 * `WAREHOUSE_URL` picks the adapter: `duckdb:<path>` opens a DuckDB file read-only;
 * `oracle://user@host:port/service` opens a node-oracledb pool (Thin mode).
 */
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
  if (url.startsWith('oracle:')) {
    const { user, connectString } = parseOracleUrl(url);
    const password = options.password ?? process.env['WAREHOUSE_PASSWORD'];
    if (password === undefined || password === '') {
      throw new Error('an oracle:// WAREHOUSE_URL needs a password: set WAREHOUSE_PASSWORD');
    }
    return OracleAdapter.open(options.oracleDriver ?? loadOracleDriver(), {
      user,
      password,
      connectString,
      pool: options.oracle,
      retry: options.oracleRetry,
      fetchArraySize: options.fetchArraySize,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    });
  }
  throw new Error(
    `WAREHOUSE_URL ${url.split(':')[0] ?? ''}: is not supported here; use duckdb:<path> or oracle://user@host:port/service`,
  );
}

/** `oracle://user@host:port/service` → user and the Easy Connect string `host:port/service`. */
export function parseOracleUrl(url: string): { user: string; connectString: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('WAREHOUSE_URL: expected oracle://user@host:port/service');
  }
  const user = decodeURIComponent(parsed.username);
  const service = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.protocol !== 'oracle:' || user === '' || parsed.hostname === '' || service === '') {
    throw new Error('WAREHOUSE_URL: expected oracle://user@host:port/service');
  }
  if (parsed.password !== '') {
    throw new Error('WAREHOUSE_URL: put the password in WAREHOUSE_PASSWORD, not in the URL');
  }
  return { user, connectString: `${parsed.hostname}:${parsed.port || '1521'}/${service}` };
}
