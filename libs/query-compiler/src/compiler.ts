import type { ExpressionNode, Node, SelectNode, TextMatchNode } from './nodes';
import { LIKE_ESCAPE, likePattern } from './like-pattern';
import type { TypedValue } from './typed-value';

export type BindValue = string | number | bigint | boolean;

export interface CompiledSql {
  readonly sql: string;
  readonly params: readonly BindValue[];
}

type Visitors = { readonly [K in Node['kind']]: (node: Extract<Node, { kind: K }>) => void };

/**
 * Walks the SQL tree once, writing text and collecting bind parameters. A dialect is a subclass that overrides
 * the hooks (placeholders, value binding, paging, truth values, empty tests, quoting) and nothing else.
 */
export abstract class SqlCompiler {
  private text: string[] = [];
  private params: BindValue[] = [];

  compile(select: SelectNode): CompiledSql {
    this.text = [];
    this.params = [];
    this.visit(select);
    return { sql: this.text.join(''), params: [...this.params] };
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

  /** Portable form: `expr LIKE pattern ESCAPE '\'` (both sides lowered when case-insensitive). */
  protected appendTextMatch(node: TextMatchNode): void {
    const pattern = this.addParameter(likePattern(node.match, node.text));
    if (node.caseSensitive) {
      this.visit(node.expr);
      this.append(` LIKE ${pattern}`);
    } else {
      this.append('LOWER(');
      this.visit(node.expr);
      this.append(`) LIKE LOWER(${pattern})`);
    }
    this.append(` ESCAPE '${LIKE_ESCAPE}'`);
  }
  /** Between a subquery and its alias. */
  protected readonly aliasKeyword: string = ' AS ';

  protected append(text: string): void {
    this.text.push(text);
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
    (this.visitors[node.kind] as (node: Node) => void)(node);
  }

  private list<T>(items: readonly T[], each: (item: T) => void, separator = ', '): void {
    items.forEach((item, i) => {
      if (i > 0) this.append(separator);
      each(item);
    });
  }

  /** Logical operands are parenthesised; everything else binds tighter than AND/OR/NOT. */
  private operand(node: ExpressionNode): void {
    const wrap = node.kind === 'Logical' || node.kind === 'IsEmpty';
    if (wrap) this.append('(');
    this.visit(node);
    if (wrap) this.append(')');
  }

  private readonly visitors: Visitors = {
    Select: (node) => {
      this.append('SELECT ');
      this.list(node.items, (item) => {
        this.visit(item.expr);
        if (item.alias !== null) {
          this.append(' AS ');
          this.appendIdentifier(item.alias);
        }
      });
      this.append(' FROM ');
      this.visit(node.from);
      node.joins.forEach((join) => this.visit(join));
      if (node.where) {
        this.append(' WHERE ');
        this.visit(node.where);
      }
      if (node.groupBy.length > 0) {
        this.append(' GROUP BY ');
        this.list(node.groupBy, (expr) => this.visit(expr));
      }
      if (node.having) {
        this.append(' HAVING ');
        this.visit(node.having);
      }
      if (node.orderBy.length > 0) {
        this.append(' ORDER BY ');
        this.list(node.orderBy, (item) => {
          this.visit(item.expr);
          this.append(item.dir === 'asc' ? ' ASC NULLS LAST' : ' DESC NULLS LAST');
        });
      }
      this.appendPaging(node.limit, node.offset);
    },
    Table: (node) => {
      if (node.schema !== null) {
        this.appendIdentifier(node.schema);
        this.append('.');
      }
      this.appendIdentifier(node.name);
    },
    Subquery: (node) => {
      this.append('(');
      this.visit(node.query);
      this.append(')' + this.aliasKeyword);
      this.appendIdentifier(node.alias);
    },
    Join: (node) => {
      this.append(` ${node.type.toUpperCase()} JOIN `);
      this.visit(node.relation);
      this.append(' ON ');
      this.visit(node.on);
    },
    Column: (node) => {
      if (node.table !== null) {
        this.appendIdentifier(node.table);
        this.append('.');
      }
      this.appendIdentifier(node.name);
    },
    Value: (node) => this.appendValue(node.value),
    Truth: (node) => this.appendTruth(node.value),
    Comparison: (node) => {
      this.visit(node.left);
      this.append(` ${node.op} `);
      this.visit(node.right);
    },
    Logical: (node) =>
      this.list(node.items, (item) => this.operand(item), node.op === 'and' ? ' AND ' : ' OR '),
    Not: (node) => {
      this.append('NOT (');
      this.visit(node.expr);
      this.append(')');
    },
    IsNull: (node) => {
      this.visit(node.expr);
      this.append(' IS NULL');
    },
    IsEmpty: (node) => this.appendIsEmpty(node.expr, node.text),
    In: (node) => {
      this.visit(node.expr);
      this.append(' IN (');
      this.list(node.values, (value) => this.visit(value));
      this.append(')');
    },
    Between: (node) => {
      this.visit(node.expr);
      this.append(' BETWEEN ');
      this.visit(node.low);
      this.append(' AND ');
      this.visit(node.high);
    },
    TextMatch: (node) => this.appendTextMatch(node),
    Aggregate: (node) => {
      this.append(`${node.fn}(${node.distinct ? 'DISTINCT ' : ''}`);
      if (node.arg) this.visit(node.arg);
      else this.append('*');
      this.append(')');
    },
  };
}
