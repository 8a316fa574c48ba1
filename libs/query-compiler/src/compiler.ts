import { AuroraError, ErrorCode } from '@aurora/errors';
import type {
  BucketNode,
  DateAddNode,
  DateDiffNode,
  ExpressionNode,
  FunctionNode,
  JoinType,
  MaskNode,
  Node,
  SelectNode,
  TextMatchNode,
} from './nodes';
import { LIKE_ESCAPE, likePattern } from './like-pattern';
import type { TypedValue } from './typed-value';

export type BindValue = string | number | bigint | boolean;

export interface CompiledSql {
  readonly sql: string;
  readonly params: readonly BindValue[];
  /** Indexes into `params` of values no one may be shown (the masking key): the SQL view redacts them. */
  readonly secretParams: readonly number[];
}

/** Far beyond any statement a valid body compiles to (a body is at most 1 MB, mostly short names and values). */
const MAX_STATEMENT_CHARS = 4_000_000;

type Visitors = {
  readonly [K in Node['kind']]: (compiler: SqlCompiler, node: Extract<Node, { kind: K }>) => void;
};

const JOIN_KEYWORDS: Readonly<Record<JoinType, string>> = {
  inner: ' INNER JOIN ',
  left: ' LEFT JOIN ',
  right: ' RIGHT JOIN ',
  full: ' FULL JOIN ',
};

/**
 * Walks the SQL tree once, writing text and collecting bind parameters. A dialect is a subclass that overrides
 * the hooks (placeholders, value binding, paging, truth values, empty tests, quoting) and nothing else.
 */
export abstract class SqlCompiler {
  private sql = '';
  private params: BindValue[] = [];
  private secretParams: number[] = [];

  compile(select: SelectNode): CompiledSql {
    this.sql = '';
    this.params = [];
    this.secretParams = [];
    this.visit(select);
    // Each compile starts new arrays, so handing these out cannot expose a later statement's values.
    return { sql: this.sql, params: this.params, secretParams: this.secretParams };
  }

  /** `$1` or `:1`. */
  protected abstract placeholder(index: number): string;
  /** Writes a typed value as a bind parameter (with any cast its type needs). */
  protected abstract appendValue(value: TypedValue): void;
  protected abstract appendPaging(limit: number | null, offset: number | null): void;
  protected abstract appendTruth(value: boolean): void;
  protected abstract appendIsEmpty(expr: ExpressionNode, text: boolean): void;
  /** The dialect's quoting (catalog names only; it still guarantees none can break out). */
  protected abstract quoteIdentifier(name: string): string;

  /** `MaskNode`: the dialect's text of the value, then its last 4 characters or its keyed hash. */
  protected abstract appendMask(node: MaskNode): void;

  /** `BucketNode`: the start of the value's time bucket, a date (or a timestamp for `hour`). */
  protected abstract appendBucket(node: BucketNode): void;

  /** `FunctionNode`: the engine's call (or formula) for one function of calculated columns. */
  protected abstract appendFunction(node: FunctionNode): void;
  /** `DateDiffNode`: calendar boundaries crossed, as a whole number. */
  protected abstract appendDateDiff(node: DateDiffNode): void;
  /** `DateAddNode`: the date moved by whole units, month ends clamped. */
  protected abstract appendDateAdd(node: DateAddNode): void;

  /**
   * A literal of an expression: a bound value; engines that cannot infer its type override this to cast it
   * (`narrow`: to the narrowest integer type that holds it, see LiteralNode).
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- only engines that cast use `narrow`
  protected appendLiteral(value: TypedValue, narrow: boolean): void {
    this.appendValue(value);
  }
  /**
   * Arithmetic that can leave its type's range (`+ - *`, negation). An engine that can gives NULL there
   * (DuckDB's TRY) instead of failing: a failure could also come from a row a policy then removes.
   */
  protected appendChecked(write: () => void): void {
    write();
  }
  /**
   * Checked arithmetic directly inside checked arithmetic is covered by the outer check: NULL propagates through
   * `+ - *` and negation, so one check gives the same result (and DuckDB runs a TRY chain several times slower).
   */
  private readonly covered = new WeakSet<ExpressionNode>();
  private visitOperandOfChecked(node: ExpressionNode): void {
    if (node.kind === 'Negate' || (node.kind === 'Arithmetic' && node.op !== '/')) this.covered.add(node);
    this.visit(node);
  }
  private appendCheckedOnce(node: ExpressionNode, write: () => void): void {
    if (this.covered.delete(node)) write();
    else this.appendChecked(write);
  }
  /** The left side of `/`: engines whose `/` divides integers as integers override this. */
  protected appendDividend(node: ExpressionNode): void {
    this.visit(node);
  }
  /** A predicate as a true/false value, where the engine has boolean values. */
  protected appendBooleanValue(predicate: ExpressionNode): void {
    this.append('(');
    this.visit(predicate);
    this.append(')');
  }
  /** A true/false value as a predicate. */
  protected appendIsTrue(value: ExpressionNode): void {
    this.append('(');
    this.visit(value);
    this.append(')');
  }

  /** Writes `NAME(arg, arg, …)`. */
  protected appendCall(name: string, args: readonly ExpressionNode[]): void {
    this.append(`${name}(`);
    this.list(args);
    this.append(')');
  }

  /** The masking key: bound like any value, and listed so that the SQL view never shows it. */
  protected addSecretParameter(value: string): string {
    const placeholder = this.addParameter(value);
    this.secretParams.push(this.params.length - 1);
    return placeholder;
  }

  /** Portable form: `expr LIKE pattern ESCAPE '\'` (both sides lowered when case-insensitive). */
  protected appendTextMatch(node: TextMatchNode): void {
    // The value is bound after the expression's own literals: Oracle binds by order of appearance.
    const pattern = (): string => this.addParameter(likePattern(node.match, node.text));
    if (node.caseSensitive) {
      this.visit(node.expr);
      this.append(` LIKE ${pattern()}`);
    } else {
      this.append('LOWER(');
      this.visit(node.expr);
      this.append(`) LIKE LOWER(${pattern()})`);
    }
    this.append(` ESCAPE '${LIKE_ESCAPE}'`);
  }
  /** `SameNode`: portable `(a = b OR (a IS NULL AND b IS NULL))`; a dialect with a null-safe operator overrides it. */
  protected appendSame(left: ExpressionNode, right: ExpressionNode): void {
    this.append('(');
    this.visit(left);
    this.append(' = ');
    this.visit(right);
    this.append(' OR (');
    this.visit(left);
    this.append(' IS NULL AND ');
    this.visit(right);
    this.append(' IS NULL))');
  }

  /** Between a subquery and its alias. */
  protected readonly aliasKeyword: string = ' AS ';

  protected append(text: string): void {
    this.sql += text;
    if (this.sql.length > MAX_STATEMENT_CHARS) {
      // Some forms write an operand twice (Oracle's boolean values, month arithmetic): nested deeply, a short
      // calculation could grow without bound. The walk stops here, long before that costs anything.
      throw new AuroraError(
        ErrorCode.INVALID_QUERY,
        'This query is too large once compiled: simplify its calculated columns.',
        'computed',
      );
    }
  }

  /** The single way a value enters a statement. Returns the placeholder of the new parameter. */
  protected addParameter(value: BindValue): string {
    this.params.push(value);
    return this.placeholder(this.params.length);
  }

  private appendIdentifier(name: string): void {
    this.append(this.quoteIdentifier(name));
  }

  protected visit(node: Node): void {
    (SqlCompiler.visitors[node.kind] as (compiler: SqlCompiler, node: Node) => void)(this, node);
  }

  /** A loop rather than a closure per item: lists are most of a statement. */
  protected list(items: readonly ExpressionNode[], separator = ', '): void {
    let between = '';
    for (const item of items) {
      this.append(between);
      between = separator;
      this.visit(item);
    }
  }

  /** Logical operands are parenthesised; everything else binds tighter than AND/OR/NOT. */
  private operand(node: ExpressionNode): void {
    const wrap = node.kind === 'Logical' || node.kind === 'IsEmpty';
    if (wrap) this.append('(');
    this.visit(node);
    if (wrap) this.append(')');
  }

  // One table shared by every compiler (a compile creates one): the visitors keep no state of their own.
  private static readonly visitors: Visitors = {
    Select: (c, node) => {
      c.append('SELECT ');
      let comma = '';
      for (const item of node.items) {
        c.append(comma);
        comma = ', ';
        c.visit(item.expr);
        if (item.alias !== null) {
          c.append(' AS ');
          c.appendIdentifier(item.alias);
        }
      }
      c.append(' FROM ');
      c.visit(node.from);
      for (const join of node.joins) c.visit(join);
      if (node.where) {
        c.append(' WHERE ');
        c.visit(node.where);
      }
      if (node.groupBy.length > 0) {
        c.append(' GROUP BY ');
        c.list(node.groupBy);
      }
      if (node.having) {
        c.append(' HAVING ');
        c.visit(node.having);
      }
      if (node.orderBy.length > 0) {
        c.append(' ORDER BY ');
        comma = '';
        for (const item of node.orderBy) {
          c.append(comma);
          comma = ', ';
          c.visit(item.expr);
          c.append(item.dir === 'asc' ? ' ASC NULLS LAST' : ' DESC NULLS LAST');
        }
      }
      c.appendPaging(node.limit, node.offset);
    },
    Table: (c, node) => {
      if (node.schema !== null) {
        c.appendIdentifier(node.schema);
        c.append('.');
      }
      c.appendIdentifier(node.name);
    },
    Subquery: (c, node) => {
      c.append('(');
      c.visit(node.query);
      c.append(')' + c.aliasKeyword);
      c.appendIdentifier(node.alias);
    },
    Join: (c, node) => {
      c.append(JOIN_KEYWORDS[node.type]);
      c.visit(node.relation);
      c.append(' ON ');
      c.visit(node.on);
    },
    Column: (c, node) => {
      if (node.table !== null) {
        c.appendIdentifier(node.table);
        c.append('.');
      }
      c.appendIdentifier(node.name);
    },
    Value: (c, node) => c.appendValue(node.value),
    Truth: (c, node) => c.appendTruth(node.value),
    Comparison: (c, node) => {
      c.visit(node.left);
      c.append(` ${node.op} `);
      c.visit(node.right);
    },
    Logical: (c, node) => {
      const separator = node.op === 'and' ? ' AND ' : ' OR ';
      let between = '';
      for (const item of node.items) {
        c.append(between);
        between = separator;
        c.operand(item);
      }
    },
    Not: (c, node) => {
      c.append('NOT (');
      c.visit(node.expr);
      c.append(')');
    },
    IsNull: (c, node) => {
      c.visit(node.expr);
      c.append(' IS NULL');
    },
    IsEmpty: (c, node) => c.appendIsEmpty(node.expr, node.text),
    In: (c, node) => {
      c.visit(node.expr);
      c.append(' IN (');
      c.list(node.values);
      c.append(')');
    },
    Between: (c, node) => {
      c.visit(node.expr);
      c.append(' BETWEEN ');
      c.visit(node.low);
      c.append(' AND ');
      c.visit(node.high);
    },
    TextMatch: (c, node) => c.appendTextMatch(node),
    Mask: (c, node) => c.appendMask(node),
    Bucket: (c, node) => c.appendBucket(node),
    Number: (c, node) => c.append(String(node.value)),
    Literal: (c, node) => c.appendLiteral(node.value, node.narrow),
    Arithmetic: (c, node) => {
      c.append('(');
      if (node.op === '/') {
        // Decimal division everywhere, and NULL rather than an error for a zero divisor.
        c.appendDividend(node.left);
        c.append(' / NULLIF(');
        c.visit(node.right);
        c.append(', 0))');
        return;
      }
      c.appendCheckedOnce(node, () => {
        c.visitOperandOfChecked(node.left);
        c.append(` ${node.op} `);
        c.visitOperandOfChecked(node.right);
      });
      c.append(')');
    },
    Negate: (c, node) => {
      c.append('(');
      c.appendCheckedOnce(node, () => {
        c.append('-');
        c.visitOperandOfChecked(node.expr);
      });
      c.append(')');
    },
    Case: (c, node) => {
      c.append('CASE');
      for (const { when, then } of node.whens) {
        c.append(' WHEN ');
        c.visit(when);
        c.append(' THEN ');
        c.visit(then);
      }
      if (node.otherwise) {
        c.append(' ELSE ');
        c.visit(node.otherwise);
      }
      c.append(' END');
    },
    Coalesce: (c, node) => {
      c.append('COALESCE(');
      c.list(node.items);
      c.append(')');
    },
    Same: (c, node) => c.appendSame(node.left, node.right),
    Function: (c, node) => c.appendFunction(node),
    DateDiff: (c, node) => c.appendDateDiff(node),
    DateAdd: (c, node) => c.appendDateAdd(node),
    BooleanValue: (c, node) => c.appendBooleanValue(node.expr),
    IsTrue: (c, node) => c.appendIsTrue(node.expr),
    Aggregate: (c, node) => {
      c.append(`${node.fn}(${node.distinct ? 'DISTINCT ' : ''}`);
      if (node.arg) c.visit(node.arg);
      else c.append('*');
      c.append(')');
    },
  };
}
