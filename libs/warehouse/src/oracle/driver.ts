import { createRequire } from 'node:module';

/**
 * The part of node-oracledb's API the adapter uses, typed here so that the driver is a constructor
 * dependency: production passes `require('oracledb')` (Thin mode: no Oracle Client libraries), the tests an
 * in-process stand-in. Names and shapes follow node-oracledb 6+ (`oracledb.createPool`, `pool.getConnection`,
 * `connection.execute`/`break`/`close`, `resultSet.getRows`).
 */
export interface OracleDriver {
  createPool(attributes: OraclePoolAttributes): Promise<OraclePool>;
  /** `oracledb.STRING` (= `DB_TYPE_VARCHAR`): the fetch type that asks for exact text. */
  readonly STRING: OracleDbType;
  readonly OUT_FORMAT_ARRAY: number;
  readonly DB_TYPE_NUMBER: OracleDbType;
  readonly DB_TYPE_BINARY_DOUBLE: OracleDbType;
  readonly DB_TYPE_BINARY_FLOAT: OracleDbType;
  readonly DB_TYPE_DATE: OracleDbType;
  readonly DB_TYPE_TIMESTAMP: OracleDbType;
  readonly DB_TYPE_TIMESTAMP_TZ: OracleDbType;
  readonly DB_TYPE_TIMESTAMP_LTZ: OracleDbType;
  readonly DB_TYPE_CLOB: OracleDbType;
  readonly DB_TYPE_NCLOB: OracleDbType;
  readonly DB_TYPE_RAW: OracleDbType;
  readonly DB_TYPE_BOOLEAN: OracleDbType;
}

/** node-oracledb's `DbType` objects are compared by identity. */
export interface OracleDbType {
  readonly name: string;
}

export interface OraclePoolAttributes {
  readonly user: string;
  readonly password: string;
  readonly connectString: string;
  readonly poolMin: number;
  readonly poolMax: number;
  readonly poolIncrement: number;
  readonly queueTimeout: number;
  readonly queueMax: number;
  readonly poolPingInterval: number;
  readonly stmtCacheSize: number;
  readonly enableStatistics: boolean;
}

export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  readonly connectionsOpen: number;
  readonly connectionsInUse: number;
  /** With `enableStatistics` (null without it); throws once the pool is closed. */
  getStatistics?(): OraclePoolDriverStatistics | null;
  /** `drainTime` in seconds: in-use connections may finish within it, then the pool closes regardless. */
  close(drainTime?: number): Promise<void>;
}

/** The part of node-oracledb's `PoolStatistics` the adapter reads. */
export interface OraclePoolDriverStatistics {
  /** Connection requests waiting in the pool's queue right now. */
  readonly currentQueueLength: number;
}

export interface OracleColumnMetadata {
  readonly name: string;
  readonly dbType: OracleDbType;
  readonly dbTypeName?: string | undefined;
  readonly precision?: number | undefined;
  readonly scale?: number | undefined;
  readonly nullable?: boolean | undefined;
}

export interface OracleFetchType {
  readonly type: OracleDbType;
}

export interface OracleExecuteOptions {
  readonly outFormat?: number | undefined;
  readonly resultSet?: boolean | undefined;
  readonly fetchArraySize?: number | undefined;
  readonly autoCommit?: boolean | undefined;
  readonly fetchTypeHandler?: ((metadata: OracleColumnMetadata) => OracleFetchType | undefined) | undefined;
}

export type OracleBind = string | number | null;

/** One value of an `executeMany` row: typed by its position's bind definition. */
export type OracleBatchBind = string | number | boolean | Date | null;

/** `bindDefs` entry of `executeMany`: the type of a position (and a string's longest value). */
export interface OracleBindDefinition {
  readonly type: OracleDbType;
  readonly maxSize?: number | undefined;
}

export interface OracleExecuteManyOptions {
  readonly autoCommit?: boolean | undefined;
  readonly bindDefs: readonly OracleBindDefinition[];
}

export interface OracleResultSet {
  readonly metaData: readonly OracleColumnMetadata[];
  getRows(count: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

export interface OracleExecuteResult {
  readonly metaData?: readonly OracleColumnMetadata[] | undefined;
  readonly rows?: unknown[][] | undefined;
  readonly resultSet?: OracleResultSet | undefined;
  readonly rowsAffected?: number | undefined;
}

export interface OracleConnection {
  /** Milliseconds each round trip may take; 0 = no limit. Expiry raises NJS-123 (Thin mode). */
  callTimeout: number;
  execute(
    sql: string,
    binds: readonly OracleBind[],
    options: OracleExecuteOptions,
  ): Promise<OracleExecuteResult>;
  /** One statement for many rows in one round trip (array DML). */
  executeMany(
    sql: string,
    binds: readonly (readonly OracleBatchBind[])[],
    options: OracleExecuteManyOptions,
  ): Promise<{ readonly rowsAffected?: number | undefined }>;
  /** Interrupts the running call, which then fails with ORA-01013. */
  break(): Promise<void>;
  /** Gives the connection back to its pool (`drop`: close the session instead). Alias of `release`. */
  close(options?: { drop?: boolean }): Promise<void>;
}

/** An error as node-oracledb raises it: `code` is `NJS-040`, `ORA-00942`…, `errorNum` the Oracle number. */
export interface OracleError extends Error {
  readonly code?: string | undefined;
  readonly errorNum?: number | undefined;
}

export function oracleErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as OracleError).code;
  if (typeof code === 'string') return code;
  // A wrapped error still starts with its code: "NJS-040: connection request timeout…".
  const message = (error as OracleError).message;
  return typeof message === 'string' ? /^(NJS|ORA|DPI)-\d+/.exec(message)?.[0] : undefined;
}

/** The real node-oracledb, loaded only when an Oracle warehouse is opened. Thin mode is its default. */
export function loadOracleDriver(): OracleDriver {
  return createRequire(__filename)('oracledb') as OracleDriver;
}
