import type { BatchColumn, Cell } from '@aurora/row-batches';
import type { ColumnType } from '@aurora/query-model';
import type { DialectName } from '@aurora/sql-dialect';

/** A statement as the compiler emits it: SQL text with placeholders, and the values bound to them. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly (string | number | bigint | boolean)[];
}

export interface QueryOptions {
  /** The engine query is interrupted when this passes (QUERY_TIMEOUT). */
  readonly timeoutMs?: number | undefined;
  /** Aborting (e.g. the HTTP client went away) interrupts the engine query too. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The catalog's type of each result column, by position, where the engine's own type is ambiguous: an
   * Oracle DATE declared `timestamp` always carries its time, an Oracle NUMBER(1) declared `boolean` becomes
   * true/false. DuckDB's types are exact, so it ignores this.
   */
  readonly columnTypes?: readonly (ColumnType | null | undefined)[] | undefined;
}

export type { Cell };

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: Cell[][];
}

export interface TableRef {
  readonly schema?: string | undefined;
  readonly name: string;
}

export interface TableColumn {
  readonly name: string;
  /** The engine's own type name, for messages. */
  readonly nativeType: string;
  /** null: a type the API cannot represent. */
  readonly type: ColumnType | null;
  readonly nullable: boolean;
}

export interface VintageValues {
  readonly loadType: string;
  /** Newest first. */
  readonly loadIds: readonly string[];
}

/** A connection pool right now, for metrics (read at each scrape, so it must be cheap). */
export interface PoolStats {
  /** Connections the pool holds (DuckDB: fixed; Oracle: sessions open, between poolMin and poolMax). */
  readonly size: number;
  /** Connections running a query. */
  readonly inUse: number;
  /** Requests waiting for a connection. */
  readonly waiting: number;
}

/** The only door to a warehouse: everything else in Aurora depends on this, never on a driver. */
export interface DatabaseAdapter {
  readonly dialect: DialectName;
  query(statement: Statement, options?: QueryOptions): Promise<QueryResult>;
  /** Rows in batches as the engine produces them; a consumer that stops early releases the engine. */
  stream(statement: Statement, options?: QueryOptions): AsyncIterable<Cell[][]>;
  /** The same rows as columnar batches (@aurora/row-batches) whose cells read back as `stream` gives them. */
  batches(statement: Statement, options?: QueryOptions): AsyncIterable<BatchColumn[]>;
  /**
   * The result as CSV, in chunks as the engine produces them: `header` (the result's column names, in order) as
   * the first record, then a record per row, exactly the bytes `csvRecord` (@aurora/csv) makes of `header` and
   * of each row `stream` gives, in UTF-8. The same deadline, abort and early-stop behaviour as `stream`.
   */
  streamCsv(statement: Statement, header: readonly string[], options?: QueryOptions): AsyncIterable<Buffer>;
  /** The engine's estimate of the rows the statement's biggest step handles, without running it. */
  estimateCost(statement: Statement, options?: QueryOptions): Promise<number>;
  /** Introspection, so the catalog never repeats the warehouse's types by hand. */
  describeTable(table: TableRef): Promise<TableColumn[]>;
  estimateRows(table: TableRef): Promise<number>;
  /** The distinct (Load Type, Load ID) pairs of a partitioned table. */
  partitionValues(table: TableRef, loadTypeColumn: string, loadIdColumn: string): Promise<VintageValues[]>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
