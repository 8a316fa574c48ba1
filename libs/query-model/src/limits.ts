// Imports nothing (see eslint.config.mjs): the web app bundles it alone, as `@aurora/query-model/limits`.

/** The bounds of docs/API.md ("Bounds"), shared by the schema, the web app and the gateway. */
export const QUERY_LIMITS = {
  maxFilterDepth: 8,
  maxConditions: 200,
  maxJoins: 8,
  maxJoinPairs: 8,
  maxColumns: 200,
  maxMeasures: 200,
  maxSort: 32,
  maxInValues: 10_000,
  maxPageSize: 500,
  defaultPageSize: 50,
  maxPageNumber: 1_000_000_000,
  maxStringValue: 4_000,
  maxBodyBytes: 1024 * 1024,
  /** JSON nesting allowed before schema validation even starts (guards the recursive parser's stack). */
  maxJsonDepth: 40,
} as const;

/** Catalog identifiers and measure names: what SQL can quote safely in every dialect. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** A column reference: `dataset.column`, or a bare `column` (or measure name). */
export const REFERENCE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/** The column types of docs/API.md; every warehouse type maps onto one of them. */
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
