import type { ColumnType, MeasureFn, TimeBucket } from '@aurora/query-model';
import type { CatalogColumn, CatalogDataset } from './catalog';
import type { Expr } from './expression/typed';
import type { TypedValue } from './typed-value';

/** A catalog column of one dataset of the query. */
export interface SourceColumn {
  readonly kind: 'source';
  readonly dataset: CatalogDataset;
  readonly column: CatalogColumn;
}

/** A calculated column of the query (`computed`): an expression over catalog columns, never over a mask. */
export interface ComputedOperand {
  readonly kind: 'computed';
  readonly name: string;
  readonly type: ColumnType;
  readonly expr: Expr;
}

/** What a name in the query stands for before grouping: a catalog column or a calculated one. */
export type ColumnOperand = SourceColumn | ComputedOperand;

export interface MeasureOperand {
  readonly kind: 'measure';
  readonly fn: MeasureFn;
  /** null only for `count` of rows. */
  readonly column: ColumnOperand | null;
}

/** A date or timestamp column truncated to the first day (or, for `hour`, instant) of its time bucket. */
export interface BucketOperand {
  readonly kind: 'bucket';
  readonly unit: TimeBucket;
  readonly column: ColumnOperand;
}

/** What a query groups by: a column, or a column by time bucket. */
export type GroupOperand = ColumnOperand | BucketOperand;

/** A measure over the rows whose pivot column holds `value` (null: the rows where it is NULL). */
export interface PivotOperand {
  readonly kind: 'pivot';
  readonly measure: MeasureOperand;
  readonly on: GroupOperand;
  readonly value: TypedValue | null;
}

export type ComparePart = 'base' | 'target' | 'diff' | 'pct' | 'status';

/** A column of a vintage comparison: measure `index` on one side, its difference or change, or the status. */
export interface CompareOperand {
  readonly kind: 'compare';
  readonly part: ComparePart;
  /** Index into `ResolvedQuery.compare.measures`; -1 for the status. */
  readonly index: number;
  readonly type: ColumnType;
}

/**
 * What a condition, a sort item or a result column reads: a source or calculated column, a bucket, a measure
 * after grouping, a pivot's measure for one value, or a column of a vintage comparison.
 */
export type Operand = ColumnOperand | BucketOperand | MeasureOperand | PivotOperand | CompareOperand;

export interface ResultColumn {
  readonly name: string;
  readonly label: string;
  readonly type: ColumnType;
  readonly format?: string | undefined;
  readonly operand: Operand;
}

export type Predicate =
  | {
      readonly kind: 'group';
      readonly op: 'and' | 'or';
      readonly not: boolean;
      readonly items: readonly Predicate[];
    }
  | {
      readonly kind: 'condition';
      readonly operand: Operand;
      readonly operator: ConditionOperator;
      readonly not: boolean;
      readonly values: readonly TypedValue[];
      readonly caseSensitive: boolean;
    };

export type ConditionOperator =
  | '='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | 'contains'
  | 'starts_with'
  | 'ends_with'
  | 'in'
  | 'between'
  | 'is_null'
  | 'is_empty'
  /** Resolved to its two bounds: at least the first, before the second. */
  | 'relative';

export type JoinType = 'inner' | 'left' | 'right' | 'full';

/** One dataset of the query: the primary one first, then the joins in the order the user gave them. */
export interface Source {
  readonly dataset: CatalogDataset;
  readonly vintage: Vintage | null;
  /** How this dataset joins the ones before it; null for the primary dataset. */
  readonly join: {
    readonly type: JoinType;
    readonly on: readonly (readonly [SourceColumn, SourceColumn])[];
  } | null;
}

export interface Vintage {
  readonly loadType: TypedValue;
  readonly loadId: TypedValue;
}

/** Two vintages of the primary dataset, grouped alike and joined on the group-by keys (plan-compare.ts). */
export interface Comparison {
  readonly base: Vintage;
  readonly target: Vintage;
  readonly measures: readonly MeasureOperand[];
}

/** The query with every name bound to the catalog and every value cast: what the planner works from. */
export interface ResolvedQuery {
  readonly sources: readonly Source[];
  readonly aggregated: boolean;
  readonly groupBy: readonly GroupOperand[];
  readonly outputs: readonly ResultColumn[];
  readonly filter: Predicate | null;
  readonly resultFilter: Predicate | null;
  readonly sort: readonly { readonly operand: Operand; readonly dir: 'asc' | 'desc' }[];
  readonly limit: number | null;
  readonly page: { readonly number: number; readonly size: number } | null;
  /** A vintage comparison: `outputs` are then its keys, compare columns and status. */
  readonly compare: Comparison | null;
}
