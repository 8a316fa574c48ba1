import { sql, type ExpressionNode } from '../nodes';
import type { SourceColumn } from '../resolved';
import type { Expr } from './typed';

/**
 * The SQL tree of a type-checked expression, as a value. `column` writes a catalog column as the caller reads
 * it (qualified above the scans, where masks apply; bare inside one). Predicates (comparisons, AND, OR, NOT)
 * and true/false values are kept apart, because Oracle before 23ai has no boolean values.
 */
export function expressionValue(
  expr: Expr,
  column: (source: SourceColumn) => ExpressionNode,
): ExpressionNode {
  const value = (e: Expr): ExpressionNode => {
    switch (e.kind) {
      case 'compare':
      case 'logical':
      case 'not':
        return sql.booleanValue(predicate(e));
      case 'literal':
        return sql.literal(e.value);
      case 'column':
        return column(e.column);
      case 'negate':
        return sql.negate(value(e.operand));
      case 'arithmetic': {
        // In decimal or floating-point arithmetic a whole-number literal cannot overflow an integer type.
        const operand = (side: Expr): ExpressionNode =>
          e.type === 'number' && side.kind === 'literal' && side.type === 'integer'
            ? sql.literal(side.value, true)
            : value(side);
        return sql.arithmetic(e.op, operand(e.left), operand(e.right));
      }
      case 'case':
        return sql.case(
          e.whens.map(({ when, then }) => ({ when: predicate(when), then: value(then) })),
          e.otherwise && value(e.otherwise),
        );
      case 'call':
        return sql.fn(e.fn, e.args.map(value));
      case 'truncate':
        return sql.bucket(e.unit, value(e.operand));
      case 'dateDiff':
        return sql.dateDiff(e.unit, value(e.from), value(e.to));
      case 'dateAdd':
        return sql.dateAdd(e.unit, value(e.amount), value(e.operand));
    }
  };
  const predicate = (e: Expr): ExpressionNode => {
    switch (e.kind) {
      case 'compare':
        return sql.compare(e.op, value(e.left), value(e.right));
      case 'logical':
        return sql.logical(e.op, [predicate(e.left), predicate(e.right)]);
      case 'not':
        return sql.not(predicate(e.operand));
      default:
        return sql.isTrue(value(e));
    }
  };
  return value(expr);
}
