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
}

/**
 * A JSON-ready cell: dates `YYYY-MM-DD`, timestamps ISO 8601, integers beyond 2^53 as strings, decimals as
 * numbers.
 */
export type Cell = string | number | boolean | null;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: Cell[][];
}

/** The only door to a warehouse: everything else in Aurora depends on this, never on a driver. */
export interface DatabaseAdapter {
  readonly dialect: 'duckdb' | 'oracle';
  query(statement: Statement, options?: QueryOptions): Promise<QueryResult>;
  /** Rows in batches as the engine produces them; a consumer that stops early releases the engine. */
  stream(statement: Statement, options?: QueryOptions): AsyncIterable<Cell[][]>;
  close(): Promise<void>;
}
