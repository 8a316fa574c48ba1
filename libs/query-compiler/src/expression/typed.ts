import type { ColumnType, TimeBucket } from '@aurora/query-model';
import type { SourceColumn } from '../resolved';
import type { TypedValue } from '../typed-value';
import type { ArithmeticOperator, ComparisonSymbol } from './syntax';

/** Units of date_diff and date_add; date_trunc takes the time buckets. */
export const DATE_UNITS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DateUnit = (typeof DATE_UNITS)[number];

/** Functions that compile to one call (or one small formula) of the dialect, arguments in order. */
export const SCALAR_FUNCTIONS = [
  'coalesce',
  'nullif',
  'round',
  'abs',
  'floor',
  'ceil',
  'concat',
  'upper',
  'lower',
  'trim',
  'substring',
  'length',
  'year',
  'quarter',
  'month',
  'day',
] as const;
export type ScalarFunction = (typeof SCALAR_FUNCTIONS)[number];

/**
 * A type-checked expression: every name bound to a catalog column, every literal a typed value (bound as a
 * parameter when compiled), every node with the type of what it yields.
 */
export type Expr =
  | { readonly kind: 'literal'; readonly type: ColumnType; readonly value: TypedValue }
  | { readonly kind: 'column'; readonly type: ColumnType; readonly column: SourceColumn }
  | { readonly kind: 'negate'; readonly type: ColumnType; readonly operand: Expr }
  | {
      readonly kind: 'arithmetic';
      readonly type: ColumnType;
      readonly op: ArithmeticOperator;
      readonly left: Expr;
      readonly right: Expr;
    }
  | {
      readonly kind: 'compare';
      readonly type: 'boolean';
      readonly op: ComparisonSymbol;
      readonly left: Expr;
      readonly right: Expr;
    }
  | {
      readonly kind: 'logical';
      readonly type: 'boolean';
      readonly op: 'and' | 'or';
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: 'not'; readonly type: 'boolean'; readonly operand: Expr }
  | {
      readonly kind: 'case';
      readonly type: ColumnType;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly otherwise: Expr | null;
    }
  | {
      readonly kind: 'call';
      readonly type: ColumnType;
      readonly fn: ScalarFunction;
      readonly args: readonly Expr[];
    }
  | {
      readonly kind: 'truncate';
      readonly type: ColumnType;
      readonly unit: TimeBucket;
      readonly operand: Expr;
    }
  | {
      readonly kind: 'dateDiff';
      readonly type: 'integer';
      readonly unit: Exclude<DateUnit, 'week'>;
      readonly from: Expr;
      readonly to: Expr;
    }
  | {
      readonly kind: 'dateAdd';
      readonly type: 'date';
      readonly unit: DateUnit;
      readonly amount: Expr;
      readonly operand: Expr;
    };

/** Calls `each` on every catalog column the expression reads. */
export function forEachExprColumn(expr: Expr, each: (column: SourceColumn) => void): void {
  switch (expr.kind) {
    case 'literal':
      return;
    case 'column':
      each(expr.column);
      return;
    case 'negate':
    case 'not':
    case 'truncate':
      forEachExprColumn(expr.operand, each);
      return;
    case 'arithmetic':
    case 'compare':
    case 'logical':
      forEachExprColumn(expr.left, each);
      forEachExprColumn(expr.right, each);
      return;
    case 'case':
      for (const { when, then } of expr.whens) {
        forEachExprColumn(when, each);
        forEachExprColumn(then, each);
      }
      if (expr.otherwise) forEachExprColumn(expr.otherwise, each);
      return;
    case 'call':
      for (const arg of expr.args) forEachExprColumn(arg, each);
      return;
    case 'dateDiff':
      forEachExprColumn(expr.from, each);
      forEachExprColumn(expr.to, each);
      return;
    case 'dateAdd':
      forEachExprColumn(expr.amount, each);
      forEachExprColumn(expr.operand, each);
      return;
  }
}
