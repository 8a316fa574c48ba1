import type { ColumnType } from '@aurora/query-model';
import type { QueryResult, Statement, TableColumn, TableRef } from '../adapter';

type Run = (statement: Statement) => Promise<QueryResult>;

/**
 * An `ALL_TAB_COLUMNS` type mapped onto the API's column types; anything else (BLOB, RAW, INTERVAL, LONG,
 * XMLTYPE, JSON, VECTOR, object types…) is unsupported (null). NUMBER with scale 0 is an integer; DATE is a
 * date (it carries a time of day, which shaping never drops, see shape.ts).
 */
export function oracleColumnTypeOf(dataType: string, scale: number | null = null): ColumnType | null {
  const type = dataType.toUpperCase();
  if (/^(VARCHAR2|NVARCHAR2|CHAR|NCHAR|CLOB|NCLOB)$/.test(type)) return 'string';
  if (type === 'NUMBER') return scale === 0 ? 'integer' : 'number';
  if (type === 'INTEGER') return 'integer';
  if (/^(FLOAT|BINARY_FLOAT|BINARY_DOUBLE)$/.test(type)) return 'number';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (/^TIMESTAMP(\(\d\))?( WITH (LOCAL )?TIME ZONE)?$/.test(type)) return 'timestamp';
  return null;
}

/** The owner when the reference names none: the session's current schema ('' is NULL in Oracle). */
const OWNER = `NVL(:2, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA'))`;

export async function describeOracleTable(run: Run, table: TableRef): Promise<TableColumn[]> {
  const { rows } = await run({
    sql: `SELECT COLUMN_NAME, DATA_TYPE, DATA_PRECISION, DATA_SCALE, NULLABLE FROM ALL_TAB_COLUMNS
          WHERE TABLE_NAME = :1 AND OWNER = ${OWNER} ORDER BY COLUMN_ID`,
    params: [table.name, table.schema ?? ''],
  });
  if (rows.length === 0) throw new Error(`the warehouse has no table or view ${table.name}`);
  return rows.map(([name, dataType, precision, scale, nullable]) => ({
    name: String(name),
    nativeType: nativeTypeOf(String(dataType), precision, scale),
    type: oracleColumnTypeOf(String(dataType), typeof scale === 'number' ? scale : null),
    nullable: nullable !== 'N',
  }));
}

function nativeTypeOf(dataType: string, precision: unknown, scale: unknown): string {
  if (dataType !== 'NUMBER' || typeof precision !== 'number') return dataType;
  return typeof scale === 'number' ? `NUMBER(${precision},${scale})` : `NUMBER(${precision})`;
}

/** The primary key's columns in key order (`ALL_CONSTRAINTS` type P), or a unique key's when there is none. */
export async function oracleKeyColumns(run: Run, table: TableRef): Promise<string[]> {
  const { rows } = await run({
    sql: `SELECT cc.COLUMN_NAME, c.CONSTRAINT_TYPE, c.CONSTRAINT_NAME FROM ALL_CONSTRAINTS c
          JOIN ALL_CONS_COLUMNS cc ON cc.OWNER = c.OWNER AND cc.CONSTRAINT_NAME = c.CONSTRAINT_NAME
          WHERE c.TABLE_NAME = :1 AND c.OWNER = ${OWNER} AND c.CONSTRAINT_TYPE IN ('P', 'U')
            AND c.STATUS = 'ENABLED'
          ORDER BY CASE c.CONSTRAINT_TYPE WHEN 'P' THEN 0 ELSE 1 END, c.CONSTRAINT_NAME, cc.POSITION`,
    params: [table.name, table.schema ?? ''],
  });
  const first = rows[0]?.[2];
  return rows.filter((row) => row[2] === first).map((row) => String(row[0]));
}

/** The optimizer statistics' row count (`ALL_TABLES.NUM_ROWS`); a count when there are none (views too). */
export async function estimateOracleRows(run: Run, table: TableRef, quoted: string): Promise<number> {
  const { rows } = await run({
    sql: `SELECT NUM_ROWS FROM ALL_TABLES WHERE TABLE_NAME = :1 AND OWNER = ${OWNER}`,
    params: [table.name, table.schema ?? ''],
  });
  const estimate = rows[0]?.[0];
  if (typeof estimate === 'number') return estimate;
  if (typeof estimate === 'string') return Number(estimate);
  const counted = await run({ sql: `SELECT COUNT(*) FROM ${quoted}`, params: [] });
  return Number(counted.rows[0]?.[0] ?? 0);
}

export interface OraclePlanEstimate {
  /** The largest CARDINALITY of any plan step (the rows the biggest step handles). */
  readonly cardinality: number;
  /** The optimizer's COST of the whole statement (the plan's root step). */
  readonly cost: number;
}

/** Reads the PLAN_TABLE rows of one statement id: `[ID, CARDINALITY, COST]` per step. */
export function planEstimate(rows: readonly (readonly unknown[])[]): OraclePlanEstimate {
  let cardinality = 0;
  let cost = 0;
  for (const [id, rowCardinality, rowCost] of rows) {
    const c = Number(rowCardinality ?? 0);
    if (Number.isFinite(c)) cardinality = Math.max(cardinality, c);
    if (Number(id) === 0 && rowCost !== null && Number.isFinite(Number(rowCost))) cost = Number(rowCost);
  }
  return { cardinality, cost };
}
