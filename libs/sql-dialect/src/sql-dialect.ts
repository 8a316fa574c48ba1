/** The warehouse engines Aurora speaks; declared here once for the compiler, the adapters and the metrics. */
export type DialectName = 'duckdb' | 'oracle';

/** SQL text with placeholders, and the values bound to them (the shape the compiler emits). */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly (string | number | bigint | boolean)[];
}

/** A table as the catalog names it. */
export interface TableName {
  readonly schema?: string | undefined;
  readonly name: string;
}

/**
 * What one engine's SQL looks like outside compiled queries: names, quoting, and the statements an adapter
 * runs to introspect the warehouse. Only text: the adapters run these, and read what comes back.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Identifiers come from the catalog; quoting still guarantees no name can break out of its quotes. */
  quoteIdentifier(name: string): string;
  quoteTable(table: TableName): string;
  /** The cheapest statement the engine answers (readiness). */
  readonly ping: SqlStatement;
  /** Rows of `[name, native type, …, nullable]` in column order; see each dialect for the exact columns. */
  describeTable(table: TableName): SqlStatement;
  /** One row whose first cell is the engine's own row estimate (absent or NULL when it has none). */
  estimateRows(table: TableName): SqlStatement;
  countRows(table: TableName): SqlStatement;
  /** Rows of distinct `[Load Type, Load ID]`, Load IDs newest first within each Load Type. */
  partitionValues(table: TableName, loadTypeColumn: string, loadIdColumn: string): SqlStatement;
}

/** Quoted with `"`, a `"` inside doubled (SQL standard, DuckDB). */
export function quoteStandardIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(quote: (name: string) => string, table: TableName): string {
  return table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
}
