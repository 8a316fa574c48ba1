import { QUERY_LIMITS } from '@aurora/query-model';
import type { SourceColumn } from '../resolved';
import { castOrUndefined } from '../typed-value';
import { checkCall } from './functions';
import { ExpressionError, type Position } from './lexer';
import type { ArithmeticOperator, Syntax } from './syntax';
import { NAMES, numeric, short, truth, unify } from './type-rules';
import type { Expr } from './typed';

/** Binds a name (`column` or `dataset.column`) to the catalog, or throws an ExpressionError at `at`. */
export type ColumnLookup = (name: string, at: Position) => SourceColumn;

/**
 * Types an expression against the catalog: names resolve only through `lookup`, functions only from the fixed
 * list below, and every operator and function gets operands of the types it is defined for.
 */
export function typecheck(syntax: Syntax, lookup: ColumnLookup): Expr {
  return new Checker(lookup).check(syntax, 1);
}

const VERBS: Readonly<Record<ArithmeticOperator, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
};
class Checker {
  constructor(private readonly lookup: ColumnLookup) {}

  check(syntax: Syntax, depth: number): Expr {
    if (depth > QUERY_LIMITS.maxExpressionDepth) {
      throw new ExpressionError(
        `the expression is nested too deeply (at most ${QUERY_LIMITS.maxExpressionDepth} levels)`,
        syntax.at,
      );
    }
    const sub = (child: Syntax): Expr => this.check(child, depth + 1);
    switch (syntax.kind) {
      case 'number': {
        const integer = /^\d+$/.test(syntax.text);
        const value = castOrUndefined(integer ? 'integer' : 'number', syntax.text);
        if (!value) throw new ExpressionError(`${syntax.text} is out of range`, syntax.at);
        return { kind: 'literal', type: value.type, value };
      }
      case 'string':
        return { kind: 'literal', type: 'string', value: { type: 'string', value: syntax.value } };
      case 'boolean':
        return { kind: 'literal', type: 'boolean', value: { type: 'boolean', value: syntax.value } };
      case 'typed': {
        const value = castOrUndefined(syntax.type, syntax.text);
        if (!value)
          throw new ExpressionError(`'${short(syntax.text)}' is not a valid ${syntax.type}`, syntax.at);
        return { kind: 'literal', type: syntax.type, value };
      }
      case 'name': {
        const column = this.lookup(syntax.name, syntax.at);
        return { kind: 'column', type: column.column.type, column };
      }
      case 'unary': {
        const operand = sub(syntax.operand);
        if (syntax.op === 'not')
          return { kind: 'not', type: 'boolean', operand: truth(operand, 'NOT', syntax.at) };
        if (!numeric(operand.type))
          throw new ExpressionError(`cannot negate ${NAMES[operand.type]}`, syntax.at);
        return { kind: 'negate', type: operand.type, operand };
      }
      case 'binary': {
        const left = sub(syntax.left);
        const right = sub(syntax.right);
        switch (syntax.op) {
          case 'and':
          case 'or': {
            const word = syntax.op.toUpperCase();
            return {
              kind: 'logical',
              type: 'boolean',
              op: syntax.op,
              left: truth(left, word, syntax.at),
              right: truth(right, word, syntax.at),
            };
          }
          case '+':
          case '-':
          case '*':
          case '/': {
            if (!numeric(left.type) || !numeric(right.type)) {
              throw new ExpressionError(
                `cannot ${VERBS[syntax.op]} ${NAMES[left.type]} and ${NAMES[right.type]}`,
                syntax.at,
              );
            }
            // `/` is always decimal division (1 / 2 is 0.5), in every dialect.
            const type = syntax.op === '/' ? 'number' : unify([left, right], '', syntax.at);
            return { kind: 'arithmetic', type, op: syntax.op, left, right };
          }
          default: {
            const kind = unify([left, right], 'compare', syntax.at);
            if (kind === 'boolean' && syntax.op !== '=' && syntax.op !== '<>') {
              throw new ExpressionError(`true/false values can only be compared with = or <>`, syntax.at);
            }
            return { kind: 'compare', type: 'boolean', op: syntax.op, left, right };
          }
        }
      }
      case 'case': {
        const whens = syntax.whens.map(({ when, then }) => ({
          when: truth(sub(when), 'WHEN', when.at),
          then: sub(then),
        }));
        const otherwise = syntax.otherwise && sub(syntax.otherwise);
        const results = [...whens.map((w) => w.then), ...(otherwise ? [otherwise] : [])];
        return { kind: 'case', type: unify(results, 'mix', syntax.at), whens, otherwise };
      }
      case 'call':
        return checkCall(syntax, sub);
    }
  }
}
