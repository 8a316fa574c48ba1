import { TIME_BUCKETS, type ColumnType } from '@aurora/query-model';
import { ExpressionError, type Position } from './lexer';
import type { Syntax } from './syntax';
import { NAMES, numeric, short, unify } from './type-rules';
import { DATE_UNITS, SCALAR_FUNCTIONS, type DateUnit, type Expr } from './typed';

/** Functions with a unit first (a text literal from a fixed list), beside SCALAR_FUNCTIONS. */
const EXTRA_FUNCTIONS = ['date_trunc', 'date_diff', 'date_add'] as const;

/**
 * A call of one of the functions of calculated columns, its arguments' number and types checked; a name outside
 * the list is an unknown function, whatever the engine would accept.
 */
export function checkCall(syntax: Extract<Syntax, { kind: 'call' }>, sub: (child: Syntax) => Expr): Expr {
  const { fn, at } = syntax;
  const arity = (min: number, max: number): void => {
    const n = syntax.args.length;
    if (n < min || n > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
      throw new ExpressionError(`${fn} takes ${wanted} argument${max === 1 ? '' : 's'}, not ${n}`, at);
    }
  };
  if (isOneOf(EXTRA_FUNCTIONS, fn)) return dateFunction(fn, syntax, sub, arity);
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

function dateFunction(
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
