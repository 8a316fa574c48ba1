export type { Cell, DatabaseAdapter, QueryOptions, QueryResult, Statement } from './adapter';
export { DuckDbAdapter, type DuckDbOptions } from './duckdb/duckdb-adapter';
export { Pool } from './pool';
