// Imports nothing (see eslint.config.mjs): the web app bundles it alone, as `@aurora/query-model/limits`.

const MAX_FILTER_DEPTH = 8;

/**
 * The most objects and arrays nested in a legal body: `POST /exports` holds the query `{ "query": {` (2), whose
 * filter nests groups `{ "items": [` (2 each) down to a condition with a list `{ "values": [` (2).
 */
const MAX_LEGAL_JSON_DEPTH = 2 + 2 * MAX_FILTER_DEPTH + 2;

/** The bounds of docs/API.md ("Bounds"), shared by the schema, the web app and the gateway. */
export const QUERY_LIMITS = {
  maxFilterDepth: MAX_FILTER_DEPTH,
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
  /** Distinct values of a pivot's column (NULL counts as one): each becomes result columns. */
  maxPivotValues: 50,
  /** `n` of a relative date filter ("the last n days"). */
  maxRelativeUnits: 1_000,
  /** Calculated columns of one query (`computed`), and the characters of one expression. */
  maxComputed: 50,
  maxExpressionLength: 2_000,
  /** Operators and calls nested in one expression: the parser recurses this deep, no deeper. */
  maxExpressionDepth: 32,
  maxBodyBytes: 1024 * 1024,
  /**
   * Objects and arrays a body may nest, checked before anything walks it recursively (JSON.stringify, zod):
   * twice the legal depth, so the schema (not this guard) explains a merely wrong body.
   */
  maxJsonDepth: 2 * MAX_LEGAL_JSON_DEPTH,
} as const;

/** Catalog identifiers and measure names: what SQL can quote safely in every dialect. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** A column reference: `dataset.column`, or a bare `column` (or measure name). */
export const REFERENCE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/** The column types of docs/API.md; every warehouse type maps onto one of them. */
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
