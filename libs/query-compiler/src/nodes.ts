import type { ColumnType, TimeBucket } from '@aurora/query-model';
import type { DateUnit, ScalarFunction } from './expression/typed';
import type { TypedValue } from './typed-value';

/**
 * The SQL tree the planner builds and a dialect compiles. Nodes are immutable plain objects with a literal
 * `kind`; the only way a user's value reaches SQL is a `Value` node, which every dialect binds as a parameter.
 */
export type ExpressionNode =
  | ColumnNode
  | ValueNode
  | TruthNode
  | ComparisonNode
  | LogicalNode
  | NotNode
  | IsNullNode
  | IsEmptyNode
  | InNode
  | BetweenNode
  | TextMatchNode
  | AggregateNode
  | MaskNode
  | BucketNode
  | NumberNode
  | CoalesceNode
  | SameNode
  | CalculationNode;

/** The nodes of calculated columns (expression/to-node.ts builds them from a type-checked expression). */
export type CalculationNode =
  | LiteralNode
  | ArithmeticNode
  | NegateNode
  | CaseNode
  | FunctionNode
  | DateDiffNode
  | DateAddNode
  | BooleanValueNode
  | IsTrueNode;

export type Node = ExpressionNode | SelectNode | TableNode | SubqueryNode | JoinNode;

export interface ColumnNode {
  readonly kind: 'Column';
  /** The relation alias, or null inside a single-table scan. */
  readonly table: string | null;
  readonly name: string;
}
export interface ValueNode {
  readonly kind: 'Value';
  readonly value: TypedValue;
}
/** A constant truth value (an empty AND group is true, an empty OR group false). */
export interface TruthNode {
  readonly kind: 'Truth';
  readonly value: boolean;
}
export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';
export interface ComparisonNode {
  readonly kind: 'Comparison';
  readonly op: ComparisonOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}
export interface LogicalNode {
  readonly kind: 'Logical';
  readonly op: 'and' | 'or';
  readonly items: readonly ExpressionNode[];
}
export interface NotNode {
  readonly kind: 'Not';
  readonly expr: ExpressionNode;
}
export interface IsNullNode {
  readonly kind: 'IsNull';
  readonly expr: ExpressionNode;
}
/** Null, or (for text) the empty string. Oracle stores '' as NULL, so there it is just IS NULL. */
export interface IsEmptyNode {
  readonly kind: 'IsEmpty';
  readonly expr: ExpressionNode;
  readonly text: boolean;
}
export interface InNode {
  readonly kind: 'In';
  readonly expr: ExpressionNode;
  readonly values: readonly ValueNode[];
}
export interface BetweenNode {
  readonly kind: 'Between';
  readonly expr: ExpressionNode;
  readonly low: ValueNode;
  readonly high: ValueNode;
}
/**
 * A text match: `text` is the user's literal text (no wildcards). Dialects choose the form: a LIKE pattern
 * with `%`, `_` and `\` escaped, or the engine's own prefix/contains/suffix functions.
 */
export interface TextMatchNode {
  readonly kind: 'TextMatch';
  readonly expr: ExpressionNode;
  readonly match: 'contains' | 'starts_with' | 'ends_with';
  readonly text: string;
  readonly caseSensitive: boolean;
}
export type AggregateFunction = 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'COUNT';
export interface AggregateNode {
  readonly kind: 'Aggregate';
  readonly fn: AggregateFunction;
  /** null: COUNT(*). */
  readonly arg: ExpressionNode | null;
  readonly distinct: boolean;
}

/**
 * A column as a principal under a column policy sees it: `masked` shows at most its last 4 characters
 * (`****1234`), `hashed` a keyed SHA-256 in hex, equal for equal values, so it still groups and joins. The key
 * is bound as a parameter that the SQL view never shows. NULL stays NULL.
 */
export interface MaskNode {
  readonly kind: 'Mask';
  readonly mode: 'masked' | 'hashed';
  readonly expr: ExpressionNode;
  /** The column's own type: each dialect turns it into text the same way on every session. */
  readonly type: ColumnType;
  /** The hashing key (MASKING_KEY); null when masked. */
  readonly key: string | null;
}

/**
 * A date or timestamp truncated to the start of its time bucket (ISO weeks start on Monday): a date, or for
 * `hour` a timestamp. The unit is one of a fixed list, written by the dialect, never the user's text.
 */
export interface BucketNode {
  readonly kind: 'Bucket';
  readonly unit: TimeBucket;
  readonly expr: ExpressionNode;
}

/** A number written into the SQL: the planner's own constants (0, 1, 100), never a user's value. */
export interface NumberNode {
  readonly kind: 'Number';
  readonly value: number;
}
export interface CoalesceNode {
  readonly kind: 'Coalesce';
  readonly items: readonly ExpressionNode[];
}
/** Equal, or both NULL: how a vintage comparison matches keys and tells an unchanged measure. */
export interface SameNode {
  readonly kind: 'Same';
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}
/** A literal of an expression: bound like a Value, with a cast where the engine cannot infer its type. */
export interface LiteralNode {
  readonly kind: 'Literal';
  readonly value: TypedValue;
  /** A whole number in a decimal or floating-point calculation: it may take the engine's narrowest integer type. */
  readonly narrow: boolean;
}
/** `+ - * /`, always parenthesised; `/` is decimal division and a zero divisor gives NULL. */
export interface ArithmeticNode {
  readonly kind: 'Arithmetic';
  readonly op: '+' | '-' | '*' | '/';
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}
export interface NegateNode {
  readonly kind: 'Negate';
  readonly expr: ExpressionNode;
}
/** `CASE WHEN … THEN … [ELSE …] END`: each `when` is a predicate. */
export interface CaseNode {
  readonly kind: 'Case';
  readonly whens: readonly { readonly when: ExpressionNode; readonly then: ExpressionNode }[];
  readonly otherwise: ExpressionNode | null;
}
/** A function of the fixed list of calculated columns; the dialect writes its name or formula. */
export interface FunctionNode {
  readonly kind: 'Function';
  readonly fn: ScalarFunction;
  readonly args: readonly ExpressionNode[];
}
/** Calendar boundaries crossed from `from` to `to` (dates): days, months, quarters or years. */
export interface DateDiffNode {
  readonly kind: 'DateDiff';
  readonly unit: Exclude<DateUnit, 'week'>;
  readonly from: ExpressionNode;
  readonly to: ExpressionNode;
}
/** A date moved by `amount` units; a month-end day past the target month's end becomes its last day. */
export interface DateAddNode {
  readonly kind: 'DateAdd';
  readonly unit: DateUnit;
  readonly amount: ExpressionNode;
  readonly expr: ExpressionNode;
}
/** A predicate used as a true/false value (Oracle before 23ai has no boolean values: 1, 0 or NULL). */
export interface BooleanValueNode {
  readonly kind: 'BooleanValue';
  readonly expr: ExpressionNode;
}
/** A true/false value used as a predicate. */
export interface IsTrueNode {
  readonly kind: 'IsTrue';
  readonly expr: ExpressionNode;
}

export interface TableNode {
  readonly kind: 'Table';
  readonly schema: string | null;
  readonly name: string;
}
export interface SubqueryNode {
  readonly kind: 'Subquery';
  readonly query: SelectNode;
  readonly alias: string;
}
export type JoinType = 'inner' | 'left' | 'right' | 'full';
export interface JoinNode {
  readonly kind: 'Join';
  readonly type: JoinType;
  readonly relation: SubqueryNode;
  readonly on: ExpressionNode;
}
export interface SelectItem {
  readonly expr: ExpressionNode;
  readonly alias: string | null;
}
export interface OrderItem {
  readonly expr: ExpressionNode;
  readonly dir: 'asc' | 'desc';
}
export interface SelectNode {
  readonly kind: 'Select';
  readonly items: readonly SelectItem[];
  readonly from: TableNode | SubqueryNode;
  readonly joins: readonly JoinNode[];
  readonly where: ExpressionNode | null;
  readonly groupBy: readonly ExpressionNode[];
  readonly having: ExpressionNode | null;
  /** Every item sorts nulls last, in every dialect. */
  readonly orderBy: readonly OrderItem[];
  readonly limit: number | null;
  readonly offset: number | null;
}

/** Small frozen factories, so plans read like the SQL they stand for. */
export const sql = {
  column: (table: string | null, name: string): ColumnNode => Object.freeze({ kind: 'Column', table, name }),
  value: (value: TypedValue): ValueNode => Object.freeze({ kind: 'Value', value }),
  truth: (value: boolean): TruthNode => Object.freeze({ kind: 'Truth', value }),
  compare: (op: ComparisonOperator, left: ExpressionNode, right: ExpressionNode): ComparisonNode =>
    Object.freeze({ kind: 'Comparison', op, left, right }),
  /** AND/OR of the items; one item stands alone, none is the operator's identity. */
  logical: (op: 'and' | 'or', items: readonly ExpressionNode[]): ExpressionNode => {
    if (items.length === 1 && items[0]) return items[0];
    if (items.length === 0) return sql.truth(op === 'and');
    return Object.freeze({ kind: 'Logical', op, items: Object.freeze([...items]) });
  },
  not: (expr: ExpressionNode): NotNode => Object.freeze({ kind: 'Not', expr }),
  isNull: (expr: ExpressionNode): IsNullNode => Object.freeze({ kind: 'IsNull', expr }),
  isEmpty: (expr: ExpressionNode, text: boolean): IsEmptyNode =>
    Object.freeze({ kind: 'IsEmpty', expr, text }),
  in: (expr: ExpressionNode, values: readonly ValueNode[]): InNode =>
    Object.freeze({ kind: 'In', expr, values: Object.freeze([...values]) }),
  between: (expr: ExpressionNode, low: ValueNode, high: ValueNode): BetweenNode =>
    Object.freeze({ kind: 'Between', expr, low, high }),
  textMatch: (
    expr: ExpressionNode,
    match: TextMatchNode['match'],
    text: string,
    caseSensitive: boolean,
  ): TextMatchNode => Object.freeze({ kind: 'TextMatch', expr, match, text, caseSensitive }),
  aggregate: (fn: AggregateFunction, arg: ExpressionNode | null, distinct = false): AggregateNode =>
    Object.freeze({ kind: 'Aggregate', fn, arg, distinct }),
  mask: (mode: MaskNode['mode'], expr: ExpressionNode, type: ColumnType, key: string | null): MaskNode =>
    Object.freeze({ kind: 'Mask', mode, expr, type, key }),
  bucket: (unit: TimeBucket, expr: ExpressionNode): BucketNode =>
    Object.freeze({ kind: 'Bucket', unit, expr }),
  number: (value: number): NumberNode => Object.freeze({ kind: 'Number', value }),
  coalesce: (items: readonly ExpressionNode[]): CoalesceNode =>
    Object.freeze({ kind: 'Coalesce', items: Object.freeze([...items]) }),
  same: (left: ExpressionNode, right: ExpressionNode): SameNode =>
    Object.freeze({ kind: 'Same', left, right }),
  literal: (value: TypedValue, narrow = false): LiteralNode =>
    Object.freeze({ kind: 'Literal', value, narrow }),
  arithmetic: (op: ArithmeticNode['op'], left: ExpressionNode, right: ExpressionNode): ArithmeticNode =>
    Object.freeze({ kind: 'Arithmetic', op, left, right }),
  negate: (expr: ExpressionNode): NegateNode => Object.freeze({ kind: 'Negate', expr }),
  case: (whens: CaseNode['whens'], otherwise: ExpressionNode | null = null): CaseNode =>
    Object.freeze({ kind: 'Case', whens: Object.freeze([...whens]), otherwise }),
  fn: (fn: ScalarFunction, args: readonly ExpressionNode[]): FunctionNode =>
    Object.freeze({ kind: 'Function', fn, args: Object.freeze([...args]) }),
  dateDiff: (unit: DateDiffNode['unit'], from: ExpressionNode, to: ExpressionNode): DateDiffNode =>
    Object.freeze({ kind: 'DateDiff', unit, from, to }),
  dateAdd: (unit: DateUnit, amount: ExpressionNode, expr: ExpressionNode): DateAddNode =>
    Object.freeze({ kind: 'DateAdd', unit, amount, expr }),
  booleanValue: (expr: ExpressionNode): BooleanValueNode => Object.freeze({ kind: 'BooleanValue', expr }),
  isTrue: (expr: ExpressionNode): IsTrueNode => Object.freeze({ kind: 'IsTrue', expr }),
  table: (schema: string | null, name: string): TableNode => Object.freeze({ kind: 'Table', schema, name }),
  subquery: (query: SelectNode, alias: string): SubqueryNode =>
    Object.freeze({ kind: 'Subquery', query, alias }),
  join: (type: JoinType, relation: SubqueryNode, on: ExpressionNode): JoinNode =>
    Object.freeze({ kind: 'Join', type, relation, on }),
  select: (parts: Partial<Omit<SelectNode, 'kind'>> & Pick<SelectNode, 'items' | 'from'>): SelectNode =>
    Object.freeze({
      kind: 'Select',
      joins: [],
      where: null,
      groupBy: [],
      having: null,
      orderBy: [],
      limit: null,
      offset: null,
      ...parts,
    }),
};
