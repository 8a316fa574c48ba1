import { sql, type ExpressionNode, type SelectNode } from './nodes';
import type { PlanOptions } from './plan';
import { conjuncts, orderItems, paging, predicateExpression } from './plan';
import type { Comparison, Operand, ResolvedQuery, ResultColumn, Vintage } from './resolved';
import { operandKey } from './resolve';

const BASE = 'base';
const TARGET = 'target';
/** Each side's row count: never NULL on a side that has the key, so it tells added and removed keys apart. */
const ROWS = 'n';
const key = (i: number): string => `k${i}`;
const measure = (i: number): string => `m${i}`;

/**
 * A vintage comparison: the query grouped twice, once per vintage of the primary dataset (each side planned as
 * any query, so its scans carry the row policies and masks), then the two joined FULL on the keys, matching
 * NULL keys too. Result filters, sort and paging apply to the joined rows.
 */
export function planComparison(
  query: ResolvedQuery,
  comparison: Comparison,
  options: PlanOptions,
  planRows: (query: ResolvedQuery, options: PlanOptions) => SelectNode,
): SelectNode {
  const side = (vintage: Vintage, alias: string) =>
    sql.subquery(planRows(sideQuery(query, comparison, vintage), { ...options, peekOneMore: false }), alias);
  const keys = query.groupBy.map((_, i) => sql.same(sql.column(BASE, key(i)), sql.column(TARGET, key(i))));
  const outer = compareExpression(query, comparison);
  const where = conjuncts(query.resultFilter).map((p) => predicateExpression(p, outer));
  const { limit, offset } = paging(query, options.peekOneMore);
  return sql.select({
    items: query.outputs.map((output) => ({ expr: outer(output.operand), alias: output.name })),
    from: side(comparison.base, BASE),
    joins: [sql.join('full', side(comparison.target, TARGET), sql.logical('and', keys))],
    where: where.length > 0 ? sql.logical('and', where) : null,
    orderBy: orderItems(query, outer),
    limit,
    offset,
  });
}

/** One side: the primary dataset at `vintage`, its keys `k<i>`, measures `m<i>` and row count, unordered. */
function sideQuery(query: ResolvedQuery, comparison: Comparison, vintage: Vintage): ResolvedQuery {
  const column = (name: string, operand: Operand): ResultColumn => ({
    name,
    label: name,
    type: 'integer',
    operand,
  });
  return {
    ...query,
    sources: query.sources.map((source, i) => (i === 0 ? { ...source, vintage } : source)),
    outputs: [
      ...query.groupBy.map((operand, i) => column(key(i), operand)),
      ...comparison.measures.map((operand, i) => column(measure(i), operand)),
      column(ROWS, { kind: 'measure', fn: 'count', column: null }),
    ],
    resultFilter: null,
    sort: [],
    limit: null,
    page: null,
    compare: null,
  };
}

/** The joined row's columns: a key from whichever side has it, each measure's sides, difference and change. */
function compareExpression(
  query: ResolvedQuery,
  comparison: Comparison,
): (operand: Operand) => ExpressionNode {
  const keyIndex = new Map(query.groupBy.map((operand, i) => [operandKey(operand), i]));
  const base = (i: number) => sql.column(BASE, measure(i));
  const target = (i: number) => sql.column(TARGET, measure(i));
  // A side without the key (or with a NULL measure) counts as 0 in the difference.
  const diff = (i: number) =>
    sql.arithmetic('-', sql.coalesce([target(i), sql.number(0)]), sql.coalesce([base(i), sql.number(0)]));
  const text = (value: string) => sql.value({ type: 'string', value });
  return (operand) => {
    switch (operand.kind) {
      case 'source':
      case 'computed':
      case 'bucket': {
        const i = keyIndex.get(operandKey(operand));
        if (i === undefined) throw new Error('a comparison reads only its keys');
        return sql.coalesce([sql.column(BASE, key(i)), sql.column(TARGET, key(i))]);
      }
      case 'measure':
      case 'pivot':
        throw new Error('a comparison reads its measures through compare columns');
      case 'compare':
        break;
    }
    const i = operand.index;
    switch (operand.part) {
      case 'base':
        return base(i);
      case 'target':
        return target(i);
      case 'diff':
        return diff(i);
      case 'pct':
        // NULL when the base is 0 or NULL (a comparison with NULL is not true: ELSE NULL).
        return sql.case([
          {
            when: sql.compare('<>', base(i), sql.number(0)),
            then: sql.arithmetic('/', sql.arithmetic('*', diff(i), sql.number(100)), base(i)),
          },
        ]);
      case 'status':
        return sql.case(
          [
            { when: sql.isNull(sql.column(BASE, ROWS)), then: text('added') },
            { when: sql.isNull(sql.column(TARGET, ROWS)), then: text('removed') },
            {
              when: sql.logical(
                'and',
                comparison.measures.map((_, m) => sql.same(base(m), target(m))),
              ),
              then: text('same'),
            },
          ],
          text('changed'),
        );
    }
  };
}
