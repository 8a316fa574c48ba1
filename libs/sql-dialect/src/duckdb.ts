import {
  qualified,
  quoteStandardIdentifier,
  type SqlDialect,
  type SqlStatement,
  type TableName,
} from './sql-dialect';

export interface DuckDbSqlDialect extends SqlDialect {
  readonly name: 'duckdb';
  /** One row: `[explain_key, JSON plan]`. */
  explain(statement: SqlStatement): SqlStatement;
}

const quoteTable = (table: TableName): string => qualified(quoteStandardIdentifier, table);

export const DUCKDB_SQL: DuckDbSqlDialect = {
  name: 'duckdb',
  quoteIdentifier: quoteStandardIdentifier,
  quoteTable,
  ping: { sql: 'SELECT 1', params: [] },
  /** `[column_name, data_type, is_nullable]`. */
  describeTable: (table) => ({
    sql: `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = $1 AND ($2 = '' OR table_schema = $2) ORDER BY ordinal_position`,
    params: [table.name, table.schema ?? ''],
  }),
  /** Tables only: a view (e.g. over Parquet) has no estimate, and is counted, which Parquet answers from metadata. */
  estimateRows: (table) => ({
    sql: `SELECT estimated_size FROM duckdb_tables() WHERE table_name = $1 AND ($2 = '' OR schema_name = $2)`,
    params: [table.name, table.schema ?? ''],
  }),
  countRows: (table) => ({ sql: `SELECT count(*) FROM ${quoteTable(table)}`, params: [] }),
  partitionValues: (table, loadTypeColumn, loadIdColumn) => ({
    sql: `SELECT DISTINCT ${quoteStandardIdentifier(loadTypeColumn)}, ${quoteStandardIdentifier(loadIdColumn)} FROM ${quoteTable(table)} ORDER BY 1, 2 DESC`,
    params: [],
  }),
  explain: (statement) => ({ sql: `EXPLAIN (FORMAT JSON) ${statement.sql}`, params: statement.params }),
};
