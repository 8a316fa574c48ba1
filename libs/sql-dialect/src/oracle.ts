import { qualified, type SqlDialect, type SqlStatement, type TableName } from './sql-dialect';

/** Oracle allows at most 1,000 items in one IN list. */
export const ORACLE_MAX_IN_LIST = 1000;
/** Oracle 12.2+: identifiers up to 128 bytes. */
export const ORACLE_MAX_IDENTIFIER_BYTES = 128;

export interface OracleSqlDialect extends SqlDialect {
  readonly name: 'oracle';
  /** `[column name, constraint type, constraint name]`: the primary key's columns, else the unique keys'. */
  keyColumns(table: TableName): SqlStatement;
  /** Writes the plan into PLAN_TABLE under `id` (`[A-Z0-9_]`, at most 30 characters). */
  explainPlan(id: string, statement: SqlStatement): SqlStatement;
  /** `[ID, CARDINALITY, COST]` per step of the plan stored under `id`. */
  planRows(id: string): SqlStatement;
  deletePlan(id: string): SqlStatement;
}

/**
 * Quoted, so the catalog's case stands. Oracle allows no `"` (not even doubled) and no NUL in a quoted
 * identifier, and at most 128 bytes: such a catalog name is a configuration error, never SQL text.
 */
function quoteIdentifier(name: string): string {
  if (/["\0]/.test(name) || Buffer.byteLength(name, 'utf8') > ORACLE_MAX_IDENTIFIER_BYTES) {
    throw new Error(`catalog error: ${JSON.stringify(name)} is not a valid Oracle identifier`);
  }
  return `"${name}"`;
}

const quoteTable = (table: TableName): string => qualified(quoteIdentifier, table);

/** The owner when the reference names none: the session's current schema ('' is NULL in Oracle). */
const OWNER = `NVL(:2, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))`;

export const ORACLE_SQL: OracleSqlDialect = {
  name: 'oracle',
  quoteIdentifier,
  quoteTable,
  ping: { sql: 'SELECT 1 FROM DUAL', params: [] },
  /** `[COLUMN_NAME, DATA_TYPE, DATA_PRECISION, DATA_SCALE, NULLABLE]`. */
  describeTable: (table) => ({
    sql: `SELECT COLUMN_NAME, DATA_TYPE, DATA_PRECISION, DATA_SCALE, NULLABLE FROM ALL_TAB_COLUMNS
          WHERE TABLE_NAME = :1 AND OWNER = ${OWNER} ORDER BY COLUMN_ID`,
    params: [table.name, table.schema ?? ''],
  }),
  keyColumns: (table) => ({
    sql: `SELECT cc.COLUMN_NAME, c.CONSTRAINT_TYPE, c.CONSTRAINT_NAME FROM ALL_CONSTRAINTS c
          JOIN ALL_CONS_COLUMNS cc ON cc.OWNER = c.OWNER AND cc.CONSTRAINT_NAME = c.CONSTRAINT_NAME
          WHERE c.TABLE_NAME = :1 AND c.OWNER = ${OWNER} AND c.CONSTRAINT_TYPE IN ('P', 'U')
            AND c.STATUS = 'ENABLED'
          ORDER BY CASE c.CONSTRAINT_TYPE WHEN 'P' THEN 0 ELSE 1 END, c.CONSTRAINT_NAME, cc.POSITION`,
    params: [table.name, table.schema ?? ''],
  }),
  /** The optimizer statistics' row count (`ALL_TABLES.NUM_ROWS`): none for views or unanalysed tables. */
  estimateRows: (table) => ({
    sql: `SELECT NUM_ROWS FROM ALL_TABLES WHERE TABLE_NAME = :1 AND OWNER = ${OWNER}`,
    params: [table.name, table.schema ?? ''],
  }),
  countRows: (table) => ({ sql: `SELECT COUNT(*) FROM ${quoteTable(table)}`, params: [] }),
  partitionValues: (table, loadTypeColumn, loadIdColumn) => ({
    sql: `SELECT DISTINCT ${quoteIdentifier(loadTypeColumn)}, ${quoteIdentifier(loadIdColumn)} FROM ${quoteTable(table)} ORDER BY 1, 2 DESC`,
    params: [],
  }),
  explainPlan: (id, statement) => ({
    sql: `EXPLAIN PLAN SET STATEMENT_ID = '${id}' FOR ${statement.sql}`,
    params: statement.params,
  }),
  planRows: (id) => ({
    sql: 'SELECT ID, CARDINALITY, COST FROM PLAN_TABLE WHERE STATEMENT_ID = :1 ORDER BY ID',
    params: [id],
  }),
  deletePlan: (id) => ({ sql: 'DELETE FROM PLAN_TABLE WHERE STATEMENT_ID = :1', params: [id] }),
};
