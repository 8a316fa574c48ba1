export type {
  Cell,
  DatabaseAdapter,
  QueryOptions,
  QueryResult,
  Statement,
  TableColumn,
  TableRef,
  VintageValues,
} from './adapter';
export { DuckDbAdapter, type DuckDbOptions } from './duckdb/duckdb-adapter';
export { columnTypeOf } from './duckdb/introspection';
export { openWarehouse, type WarehouseOptions } from './open-warehouse';
export { Pool } from './pool';
