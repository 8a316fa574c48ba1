export type {
  Cell,
  DatabaseAdapter,
  PoolStats,
  QueryOptions,
  QueryResult,
  Statement,
  TableColumn,
  TableRef,
  VintageValues,
} from './adapter';
export { DuckDbAdapter, type DuckDbOptions } from './duckdb/duckdb-adapter';
export { columnTypeOf } from './duckdb/introspection';
export { warehouseAnswers } from './health';
export { openWarehouse, type WarehouseOptions } from './open-warehouse';
export { Pool } from './pool';
export {
  loadOracleDriver,
  oracleErrorCode,
  type OracleBatchBind,
  type OracleBind,
  type OracleBindDefinition,
  type OracleColumnMetadata,
  type OracleConnection,
  type OracleDbType,
  type OracleDriver,
  type OracleExecuteManyOptions,
  type OracleExecuteOptions,
  type OracleExecuteResult,
  type OraclePool,
  type OraclePoolAttributes,
  type OraclePoolDriverStatistics,
  type OracleResultSet,
} from './oracle/driver';
export { oracleColumnTypeOf, planEstimate, type OraclePlanEstimate } from './oracle/introspection';
export {
  ORACLE_POOL_DEFAULTS,
  ORACLE_RETRY_DEFAULTS,
  OracleAdapter,
  type OracleBatchColumn,
  type OracleOptions,
  type OraclePoolOptions,
  type OraclePoolStatistics,
  type OracleRetryOptions,
} from './oracle/oracle-adapter';
export { parseOracleUrl } from './open-warehouse';
