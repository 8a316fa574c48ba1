import {
  sql,
  type ColumnNode,
  type ExpressionNode,
  type JoinNode,
  type SelectNode,
  type SubqueryNode,
  type TableNode,
} from './nodes';

/** Rebuilds a query bottom-up, letting `rewrite` replace any expression (the children are rewritten first). */
export function rewriteExpressions(
  select: SelectNode,
  rewrite: (node: ExpressionNode) => ExpressionNode,
): SelectNode {
  const expr = (node: ExpressionNode): ExpressionNode => rewrite(rewriteChildren(node, expr));
  const relation = <T extends TableNode | SubqueryNode>(node: T): T =>
    node.kind === 'Subquery'
      ? (sql.subquery(rewriteExpressions(node.query, rewrite), node.alias) as T)
      : node;
  return sql.select({
    ...select,
    items: select.items.map((item) => ({ ...item, expr: expr(item.expr) })),
    from: relation(select.from),
    joins: select.joins.map((join): JoinNode => sql.join(join.type, relation(join.relation), expr(join.on))),
    where: select.where && expr(select.where),
    groupBy: select.groupBy.map(expr),
    having: select.having && expr(select.having),
    orderBy: select.orderBy.map((item) => ({ ...item, expr: expr(item.expr) })),
  });
}

function rewriteChildren(
  node: ExpressionNode,
  expr: (node: ExpressionNode) => ExpressionNode,
): ExpressionNode {
  switch (node.kind) {
    case 'Column':
    case 'Value':
    case 'Truth':
    case 'Number':
    case 'Literal':
      return node;
    case 'Case':
      return sql.case(
        node.whens.map((w) => ({ when: expr(w.when), then: expr(w.then) })),
        node.otherwise && expr(node.otherwise),
      );
    case 'Coalesce':
      return sql.coalesce(node.items.map(expr));
    case 'Arithmetic':
      return sql.arithmetic(node.op, expr(node.left), expr(node.right));
    case 'Same':
      return sql.same(expr(node.left), expr(node.right));
    case 'Comparison':
      return sql.compare(node.op, expr(node.left), expr(node.right));
    case 'Logical':
      return sql.logical(node.op, node.items.map(expr));
    case 'Not':
      return sql.not(expr(node.expr));
    case 'IsNull':
      return sql.isNull(expr(node.expr));
    case 'IsEmpty':
      return sql.isEmpty(expr(node.expr), node.text);
    case 'In':
      return sql.in(expr(node.expr), node.values);
    case 'Between':
      return sql.between(expr(node.expr), node.low, node.high);
    case 'TextMatch':
      return sql.textMatch(expr(node.expr), node.match, node.text, node.caseSensitive);
    case 'Aggregate':
      return sql.aggregate(node.fn, node.arg && expr(node.arg), node.distinct);
    case 'Mask':
      return sql.mask(node.mode, expr(node.expr), node.type, node.key);
    case 'Bucket':
      return sql.bucket(node.unit, expr(node.expr));
    case 'Negate':
      return sql.negate(expr(node.expr));
    case 'Function':
      return sql.fn(node.fn, node.args.map(expr));
    case 'DateDiff':
      return sql.dateDiff(node.unit, expr(node.from), expr(node.to));
    case 'DateAdd':
      return sql.dateAdd(node.unit, expr(node.amount), expr(node.expr));
    case 'BooleanValue':
      return sql.booleanValue(expr(node.expr));
    case 'IsTrue':
      return sql.isTrue(expr(node.expr));
  }
}

/** Calls `each` on every column the expression reads, left to right. */
export function forEachColumn(node: ExpressionNode, each: (column: ColumnNode) => void): void {
  switch (node.kind) {
    case 'Column':
      each(node);
      return;
    case 'Value':
    case 'Truth':
    case 'Number':
    case 'Literal':
      return;
    case 'Case':
      for (const w of node.whens) {
        forEachColumn(w.when, each);
        forEachColumn(w.then, each);
      }
      if (node.otherwise) forEachColumn(node.otherwise, each);
      return;
    case 'Coalesce':
      for (const item of node.items) forEachColumn(item, each);
      return;
    case 'Arithmetic':
    case 'Same':
    case 'Comparison':
      forEachColumn(node.left, each);
      forEachColumn(node.right, each);
      return;
    case 'Logical':
      for (const item of node.items) forEachColumn(item, each);
      return;
    case 'Aggregate':
      if (node.arg) forEachColumn(node.arg, each);
      return;
    case 'Function':
      for (const arg of node.args) forEachColumn(arg, each);
      return;
    case 'DateDiff':
      forEachColumn(node.from, each);
      forEachColumn(node.to, each);
      return;
    case 'DateAdd':
      forEachColumn(node.amount, each);
      forEachColumn(node.expr, each);
      return;
    case 'Negate':
    case 'BooleanValue':
    case 'IsTrue':
    case 'Not':
    case 'IsNull':
    case 'IsEmpty':
    case 'In':
    case 'Between':
    case 'TextMatch':
    case 'Mask':
    case 'Bucket':
      // Their other children are values, which read no column.
      forEachColumn(node.expr, each);
      return;
  }
}
