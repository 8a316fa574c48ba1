import type { ColumnType } from '@aurora/query-model';
import { ExpressionError, type Position } from './lexer';
import type { Expr } from './typed';

/** How types are named in messages. */
export const NAMES: Readonly<Record<ColumnType, string>> = {
  string: 'text',
  integer: 'number',
  number: 'number',
  boolean: 'true/false',
  date: 'date',
  timestamp: 'timestamp',
};

export function numeric(type: ColumnType): boolean {
  return type === 'integer' || type === 'number';
}

export function truth(expr: Expr, word: string, at: Position): Expr {
  if (expr.type !== 'boolean')
    throw new ExpressionError(`${word} needs true/false, not ${NAMES[expr.type]}`, at);
  return expr;
}

/**
 * The one type values of these types share: numbers mix (integer with decimal is decimal), anything else must
 * be the same type. `doing` words the error: "compare", "mix", or '' (only numbers reach it).
 */
export function unify(exprs: readonly Expr[], doing: string, at: Position): ColumnType {
  const [first, ...rest] = exprs;
  if (!first) throw new Error('unify needs a value');
  let type = first.type;
  for (const expr of rest) {
    if (numeric(type) && numeric(expr.type)) {
      if (expr.type === 'number') type = 'number';
      continue;
    }
    if (expr.type !== type) {
      throw new ExpressionError(`cannot ${doing || 'combine'} ${NAMES[type]} and ${NAMES[expr.type]}`, at);
    }
  }
  return type;
}

export function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
