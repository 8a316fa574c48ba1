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
  /**
   * Oracle: pool attributes (defaults: poolMin 50, poolMax 150, queueTimeout 5000, see ORACLE_POOL_DEFAULTS);
   * the URL's query parameters override them.
   */
  readonly oracle?: OraclePoolOptions | undefined;
  readonly oracleRetry?: OracleRetryOptions | undefined;
  /** Oracle: rows per round trip when streaming. */
  readonly fetchArraySize?: number | undefined;
  /** Oracle: the driver module; `require('oracledb')` when absent (tests pass a stand-in). */
  readonly oracleDriver?: OracleDriver | undefined;
}

/**
 * `WAREHOUSE_URL` picks the adapter: `duckdb:<path>` opens a DuckDB file read-only;
 * `oracle://user@host:port/service?poolMin=…&poolMax=…` opens a node-oracledb pool (Thin mode).
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
    const { user, connectString, pool } = parseOracleUrl(url);
    const password = options.password ?? process.env['WAREHOUSE_PASSWORD'];
    if (password === undefined || password === '') {
      throw new Error('an oracle:// WAREHOUSE_URL needs a password: set WAREHOUSE_PASSWORD');
    }
    return OracleAdapter.open(options.oracleDriver ?? loadOracleDriver(), {
      user,
      password,
      connectString,
      pool: { ...options.oracle, ...pool },
      retry: options.oracleRetry,
      fetchArraySize: options.fetchArraySize,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    });
  }
  throw new Error(
    `WAREHOUSE_URL ${url.split(':')[0] ?? ''}: is not supported here; use duckdb:<path> or oracle://user@host:port/service`,
  );
}

/** Pool attributes a `WAREHOUSE_URL` may set as query parameters, e.g. `?poolMin=4&poolMax=40`. */
const POOL_PARAMETERS = [
  'poolMin',
  'poolMax',
  'poolIncrement',
  'queueTimeout',
  'queueMax',
  'poolPingInterval',
  'stmtCacheSize',
] as const satisfies readonly (keyof OraclePoolOptions)[];

/**
 * `oracle://user@host:port/service?poolMax=40` → the user, the Easy Connect string `host:port/service` and the
 * pool attributes given (whole numbers; anything else is refused at boot).
 */
export function parseOracleUrl(url: string): {
  user: string;
  connectString: string;
  pool: OraclePoolOptions;
} {
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
  const pool: Record<string, number> = {};
  for (const [name, value] of parsed.searchParams) {
    if (!(POOL_PARAMETERS as readonly string[]).includes(name)) {
      throw new Error(`WAREHOUSE_URL: unknown parameter ${name} (known: ${POOL_PARAMETERS.join(', ')})`);
    }
    if (!/^\d{1,9}$/.test(value)) throw new Error(`WAREHOUSE_URL: ${name} must be a whole number`);
    pool[name] = Number(value);
  }
  return { user, connectString: `${parsed.hostname}:${parsed.port || '1521'}/${service}`, pool };
}
