import { QUERY_LIMITS, TIME_BUCKETS, type ColumnType } from '@aurora/query-model';
import type { SourceColumn } from '../resolved';
import { castOrUndefined } from '../typed-value';
import { ExpressionError, type Position } from './lexer';
import type { ArithmeticOperator, Syntax } from './syntax';
import { DATE_UNITS, SCALAR_FUNCTIONS, type DateUnit, type Expr } from './typed';

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
const NAMES: Readonly<Record<ColumnType, string>> = {
  string: 'text',
  integer: 'number',
  number: 'number',
  boolean: 'true/false',
  date: 'date',
  timestamp: 'timestamp',
};
const EXTRA_FUNCTIONS = ['date_trunc', 'date_diff', 'date_add'] as const;

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
        return this.call(syntax, sub);
    }
  }

  private call(syntax: Extract<Syntax, { kind: 'call' }>, sub: (child: Syntax) => Expr): Expr {
    const { fn, at } = syntax;
    const arity = (min: number, max: number): void => {
      const n = syntax.args.length;
      if (n < min || n > max) {
        const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
        throw new ExpressionError(`${fn} takes ${wanted} argument${max === 1 ? '' : 's'}, not ${n}`, at);
      }
    };
    if (isOneOf(EXTRA_FUNCTIONS, fn)) return this.dateFunction(fn, syntax, sub, arity);
    if (!isOneOf(SCALAR_FUNCTIONS, fn)) throw new ExpressionError(`unknown function ${short(fn)}`, at);
    const scalar = (type: ColumnType, args: readonly Expr[]): Expr => ({ kind: 'call', type, fn, args });
    const argAt = (i: number): Position => syntax.args[i]?.at ?? at;
    const expect = (arg: Expr, i: number, allowed: (type: ColumnType) => boolean, what: string): Expr => {
      if (!allowed(arg.type)) {
        throw new ExpressionError(`${fn} needs ${what}, not ${NAMES[arg.type]}`, argAt(i));
      }
      return arg;
    };
    const isText = (type: ColumnType): boolean => type === 'string';
    const isDate = (type: ColumnType): boolean => type === 'date' || type === 'timestamp';
    switch (fn) {
      case 'coalesce': {
        arity(2, Infinity);
        const args = syntax.args.map(sub);
        return scalar(unify(args, 'mix', at), args);
      }
      case 'nullif': {
        arity(2, 2);
        const args = syntax.args.map(sub);
        unify(args, 'compare', at);
        return scalar(args[0]?.type ?? 'string', args);
      }
      case 'round': {
        arity(1, 2);
        const [value, digits] = syntax.args.map(sub);
        if (!value) throw new Error('arity checked');
        expect(value, 0, numeric, 'a number');
        // DuckDB rounds a decimal only to a constant number of digits: a literal, possibly negative.
        const written = syntax.args[1];
        const literal = written?.kind === 'unary' && written.op === '-' ? written.operand : written;
        if (written && (literal?.kind !== 'number' || !/^\d+$/.test(literal.text))) {
          throw new ExpressionError("round's digits must be a whole-number literal", written.at);
        }
        return scalar(value.type, digits ? [value, digits] : [value]);
      }
      case 'abs':
      case 'floor':
      case 'ceil': {
        arity(1, 1);
        const args = syntax.args.map((arg, i) => expect(sub(arg), i, numeric, 'a number'));
        return scalar(args[0]?.type ?? 'number', args);
      }
      case 'concat':
        arity(2, Infinity);
        return scalar(
          'string',
          syntax.args.map((arg, i) => expect(sub(arg), i, isText, 'text')),
        );
      case 'upper':
      case 'lower':
      case 'trim':
      case 'length':
        arity(1, 1);
        return scalar(
          fn === 'length' ? 'integer' : 'string',
          syntax.args.map((arg, i) => expect(sub(arg), i, isText, 'text')),
        );
      case 'substring': {
        arity(2, 3);
        const [text, ...counts] = syntax.args;
        if (!text) throw new Error('arity checked');
        // Engines disagree on a start below 1 or a negative length: only whole-number literals are taken.
        const bounds = counts.map((count, i) => {
          const least = i === 0 ? 1 : 0;
          if (count.kind !== 'number' || !/^\d+$/.test(count.text) || Number(count.text) < least) {
            throw new ExpressionError(
              `substring's ${i === 0 ? 'start' : 'length'} must be a whole number of at least ${least}`,
              count.at,
            );
          }
          return sub(count);
        });
        return scalar('string', [expect(sub(text), 0, isText, 'text'), ...bounds]);
      }
      case 'year':
      case 'quarter':
      case 'month':
      case 'day':
        arity(1, 1);
        return scalar(
          'integer',
          syntax.args.map((arg, i) => expect(sub(arg), i, isDate, 'a date or timestamp')),
        );
    }
  }

  private dateFunction(
    fn: (typeof EXTRA_FUNCTIONS)[number],
    syntax: Extract<Syntax, { kind: 'call' }>,
    sub: (child: Syntax) => Expr,
    arity: (min: number, max: number) => void,
  ): Expr {
    arity(fn === 'date_trunc' ? 2 : 3, fn === 'date_trunc' ? 2 : 3);
    const [unitSyntax, ...rest] = syntax.args;
    const args = rest.map(sub);
    const argAt = (i: number): Position => rest[i]?.at ?? syntax.at;
    const dateArg = (i: number, timestampToo: boolean): Expr => {
      const arg = args[i];
      if (!arg) throw new Error('arity checked');
      if (arg.type !== 'date' && !(timestampToo && arg.type === 'timestamp')) {
        const wanted = timestampToo ? 'a date or timestamp' : 'a date';
        throw new ExpressionError(`${fn} needs ${wanted}, not ${NAMES[arg.type]}`, argAt(i));
      }
      return arg;
    };
    switch (fn) {
      case 'date_trunc': {
        const unit = unitOf(unitSyntax, TIME_BUCKETS, fn, syntax.at);
        const operand = dateArg(0, true);
        if (unit === 'hour' && operand.type === 'date') {
          throw new ExpressionError(`a date has no hours: truncate it to a day or longer`, argAt(0));
        }
        return { kind: 'truncate', type: unit === 'hour' ? 'timestamp' : 'date', unit, operand };
      }
      case 'date_diff': {
        const unit = unitOf(unitSyntax, ['day', 'month', 'quarter', 'year'] as const, fn, syntax.at);
        return { kind: 'dateDiff', type: 'integer', unit, from: dateArg(0, false), to: dateArg(1, false) };
      }
      case 'date_add': {
        const unit: DateUnit = unitOf(unitSyntax, DATE_UNITS, fn, syntax.at);
        const amount = args[0];
        if (amount?.type !== 'integer') {
          throw new ExpressionError(`date_add needs a whole number of ${unit}s`, argAt(0));
        }
        return { kind: 'dateAdd', type: 'date', unit, amount, operand: dateArg(1, false) };
      }
    }
  }
}

/** A unit is a text literal from a fixed list: the dialect writes its own keyword, never the user's text. */
function unitOf<U extends string>(
  syntax: Syntax | undefined,
  units: readonly U[],
  fn: string,
  at: Position,
): U {
  const value = syntax?.kind === 'string' ? syntax.value.toLowerCase() : null;
  if (value === null || !isOneOf(units, value)) {
    throw new ExpressionError(
      `${fn}'s first argument is a unit: ${units.map((u) => `'${u}'`).join(', ')}`,
      syntax?.at ?? at,
    );
  }
  return value;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function numeric(type: ColumnType): boolean {
  return type === 'integer' || type === 'number';
}

function truth(expr: Expr, word: string, at: Position): Expr {
  if (expr.type !== 'boolean')
    throw new ExpressionError(`${word} needs true/false, not ${NAMES[expr.type]}`, at);
  return expr;
}

/**
 * The one type values of these types share: numbers mix (integer with decimal is decimal), anything else must
 * be the same type. `doing` words the error: "compare", "mix", or '' (only numbers reach it).
 */
function unify(exprs: readonly Expr[], doing: string, at: Position): ColumnType {
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

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
