import { DUCKDB_SQL } from './duckdb';
import { ORACLE_SQL } from './oracle';
import type { DialectName, SqlDialect } from './sql-dialect';

export { DUCKDB_SQL, type DuckDbSqlDialect } from './duckdb';
export { ORACLE_MAX_IDENTIFIER_BYTES, ORACLE_MAX_IN_LIST, ORACLE_SQL, type OracleSqlDialect } from './oracle';
export type { DialectName, SqlDialect, SqlStatement, TableName } from './sql-dialect';

/** Every engine's SQL by name: a new dialect that is missing here is a type error. */
export const SQL_DIALECTS: Readonly<Record<DialectName, SqlDialect>> = {
  duckdb: DUCKDB_SQL,
  oracle: ORACLE_SQL,
};
