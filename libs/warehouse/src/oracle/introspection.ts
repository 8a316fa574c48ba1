import type { ColumnType } from '@aurora/query-model';
import { ORACLE_SQL } from '@aurora/sql-dialect';
import type { TableColumn, TableRef } from '../adapter';
import type { Run } from '../introspection';

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

export async function describeOracleTable(run: Run, table: TableRef): Promise<TableColumn[]> {
  const { rows } = await run(ORACLE_SQL.describeTable(table));
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
  const { rows } = await run(ORACLE_SQL.keyColumns(table));
  const first = rows[0]?.[2];
  return rows.filter((row) => row[2] === first).map((row) => String(row[0]));
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
