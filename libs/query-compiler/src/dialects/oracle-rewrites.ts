import { sql, type ComparisonOperator, type ExpressionNode, type SelectNode, type ValueNode } from '../nodes';
import { rewriteExpressions } from '../transform';

/** Splits IN lists longer than `max` into an OR of lists (Oracle accepts at most 1,000 items in one list). */
export function chunkInLists(select: SelectNode, max: number): SelectNode {
  return rewriteExpressions(select, (node) => {
    if (node.kind !== 'In' || node.values.length <= max) return node;
    const chunks = [];
    for (let i = 0; i < node.values.length; i += max)
      chunks.push(sql.in(node.expr, node.values.slice(i, i + max)));
    return sql.logical('or', chunks);
  });
}

/**
 * Oracle stores '' as NULL, so a bound '' compares as NULL and `x <> ''` would match nothing. There, every
 * stored string is non-empty, which settles each comparison with '' for a non-null `x`; a NULL `x` stays
 * unknown. `x = x` (true, or unknown on NULL) and `x <> x` (false, or unknown) say exactly that.
 */
export function compareEmptyStringsAsOracle(select: SelectNode): SelectNode {
  const always = (expr: ExpressionNode, truth: boolean): ExpressionNode =>
    sql.compare(truth ? '=' : '<>', expr, expr);
  // '' is below every other string: x = '', x < '', x <= '' are false; x <> '', x > '', x >= '' true.
  const against: Record<ComparisonOperator, boolean> = {
    '=': false,
    '<': false,
    '<=': false,
    '<>': true,
    '>': true,
    '>=': true,
  };
  return rewriteExpressions(select, (node) => {
    switch (node.kind) {
      case 'Comparison':
        return isEmptyString(node.right) ? always(node.left, against[node.op]) : node;
      case 'In': {
        const values = node.values.filter((value) => !isEmptyString(value));
        if (values.length === node.values.length) return node;
        return values.length > 0 ? sql.in(node.expr, values) : always(node.expr, false);
      }
      case 'Between':
        if (isEmptyString(node.high)) return always(node.expr, false);
        return isEmptyString(node.low) ? sql.compare('<=', node.expr, node.high) : node;
      default:
        return node;
    }
  });
}

function isEmptyString(node: ExpressionNode | ValueNode): boolean {
  return node.kind === 'Value' && node.value.type === 'string' && node.value.value === '';
}
