import type { ColumnType } from '@aurora/query-model';
import fc from 'fast-check';

/**
 * A random calculated column as a tree, written out as text for the compiler and evaluated as a tree by the
 * reference (reference.ts): the compiler's parser and type-checker are not involved in what is expected.
 */
export type RefExpr =
  | { readonly kind: 'column'; readonly type: ColumnType; readonly ref: string }
  | { readonly kind: 'literal'; readonly type: ColumnType; readonly value: string | number | boolean }
  | { readonly kind: 'op'; readonly type: ColumnType; readonly op: RefOp; readonly args: readonly RefExpr[] }
  | {
      readonly kind: 'call';
      readonly type: ColumnType;
      readonly fn: string;
      readonly unit: string | null;
      readonly args: readonly RefExpr[];
    }
  | {
      readonly kind: 'case';
      readonly type: ColumnType;
      readonly whens: readonly (readonly [RefExpr, RefExpr])[];
      readonly otherwise: RefExpr | null;
    };

export type RefOp =
  '+' | '-' | '*' | '/' | 'neg' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | 'not';

/** Every expression text the arbitrary wrote, with its tree: the reference looks calculated columns up here. */
export const EXPRESSION_TREES = new Map<string, RefExpr>();

export type ExprType = 'integer' | 'number' | 'string' | 'boolean' | 'date';

export interface ExprField {
  readonly ref: string;
  readonly type: ColumnType;
}

const LITERALS: Readonly<Record<ExprType, readonly (string | number | boolean)[]>> = {
  integer: [0, 1, 2, 3, -2],
  number: [0.5, 2.25, -1.5, 10],
  string: ['', 'a', 'AB', "o'k", ' x ', '%_', 'é'],
  boolean: [true, false],
  date: ['2026-01-31', '2024-02-29', '1999-12-31', '2026-11-20'],
};

const sameFamily = (type: ExprType): ExprType[] => (type === 'number' ? ['integer', 'number'] : [type]);

/** A random expression of `type` over `fields`, at most `depth` operators deep. */
export function exprArbitrary(
  fields: readonly ExprField[],
  type: ExprType,
  depth: number,
): fc.Arbitrary<RefExpr> {
  // Each (type, depth) is built once: built afresh per use, the arbitraries would multiply with the depth.
  const cache = new Map<string, fc.Arbitrary<RefExpr>>();
  const of = (t: ExprType, d: number): fc.Arbitrary<RefExpr> => {
    const key = `${t}:${d}`;
    let arbitrary = cache.get(key);
    if (!arbitrary) {
      arbitrary = build(fields, t, d, of);
      cache.set(key, arbitrary);
    }
    return arbitrary;
  };
  return of(type, depth);
}

function build(
  fields: readonly ExprField[],
  type: ExprType,
  depth: number,
  of: (type: ExprType, depth: number) => fc.Arbitrary<RefExpr>,
): fc.Arbitrary<RefExpr> {
  const columns = fields.filter((field) => field.type === type);
  const leaves: fc.Arbitrary<RefExpr>[] = [
    fc.constantFrom(...LITERALS[type]).map((value): RefExpr => ({ kind: 'literal', type, value })),
  ];
  if (columns.length > 0) {
    const column = fc
      .constantFrom(...columns)
      .map((field): RefExpr => ({ kind: 'column', type, ref: field.ref }));
    leaves.push(column, column);
  }
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = (t: ExprType): fc.Arbitrary<RefExpr> => of(t, depth - 1);
  const op = (o: RefOp, ...args: fc.Arbitrary<RefExpr>[]): fc.Arbitrary<RefExpr> =>
    fc.tuple(...args).map((a): RefExpr => ({ kind: 'op', type, op: o, args: a }));
  const call = (fn: string, unit: string | null, ...args: fc.Arbitrary<RefExpr>[]): fc.Arbitrary<RefExpr> =>
    fc.tuple(...args).map((a): RefExpr => ({ kind: 'call', type, fn, unit, args: a }));
  const anyOf = (types: readonly ExprType[]): fc.Arbitrary<RefExpr> => fc.constantFrom(...types).chain(sub);
  const caseOf = fc
    .record({
      whens: fc.array(fc.tuple(sub('boolean'), anyOf(sameFamily(type))), { minLength: 1, maxLength: 2 }),
      otherwise: fc.option(anyOf(sameFamily(type)), { nil: null }),
    })
    .map(({ whens, otherwise }): RefExpr => ({ kind: 'case', type, whens, otherwise }));
  const common = [
    caseOf,
    call('coalesce', null, anyOf(sameFamily(type)), anyOf(sameFamily(type))),
    call('nullif', null, sub(type), anyOf(sameFamily(type))),
  ];
  const date = sub('date');
  const whole = (n: number): fc.Arbitrary<RefExpr> =>
    fc.constant<RefExpr>({ kind: 'literal', type: 'integer', value: n });
  // Small factors and amounts keep products exact in a double and dates within the calendar.
  const small = fc.oneof(
    ...[0, 1, 2, 3, -2].map(whole),
    ...fields
      .filter((field) => field.ref.endsWith('k'))
      .map((field) => fc.constant<RefExpr>({ kind: 'column', type: 'integer', ref: field.ref })),
  );
  const options: Record<ExprType, fc.Arbitrary<RefExpr>[]> = {
    integer: [
      op('+', sub('integer'), sub('integer')),
      op('-', sub('integer'), sub('integer')),
      op('*', sub('integer'), small),
      op('neg', sub('integer')),
      ...['abs', 'floor', 'ceil', 'round'].map((fn) => call(fn, null, sub('integer'))),
      call('length', null, sub('string')),
      ...['year', 'quarter', 'month', 'day'].map((fn) => call(fn, null, date)),
      fc.constantFrom('day', 'month', 'quarter', 'year').chain((unit) => call('date_diff', unit, date, date)),
    ],
    number: [
      ...(['+', '-', '*'] as const).map((o) => op(o, anyOf(['integer', 'number']), sub('number'))),
      // Divisors of powers of two keep quotients exact, so sums over them cannot differ by summation order
      // (and sorting by such a sum cannot tie differently); 0 gives NULL.
      op(
        '/',
        anyOf(['integer', 'number']),
        fc.constantFrom<RefExpr>(
          ...[2, 4, 0, -2].map((value): RefExpr => ({ kind: 'literal', type: 'integer', value })),
          ...[0.5, 0.25].map((value): RefExpr => ({ kind: 'literal', type: 'number', value })),
        ),
      ),
      op('neg', sub('number')),
      ...['abs', 'floor', 'ceil', 'round'].map((fn) => call(fn, null, sub('number'))),
      // Digits only on stored values, to tens: whole results, so sums over them are exact in any order.
      ...fields
        .filter((field) => field.type === 'number')
        .map((field) =>
          call(
            'round',
            null,
            fc.constant<RefExpr>({ kind: 'column', type: 'number', ref: field.ref }),
            whole(-1),
          ),
        ),
    ],
    string: [
      fc
        .array(sub('string'), { minLength: 2, maxLength: 3 })
        .map((args): RefExpr => ({ kind: 'call', type, fn: 'concat', unit: null, args })),
      ...['upper', 'lower', 'trim'].map((fn) => call(fn, null, sub('string'))),
      fc
        .tuple(sub('string'), fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 0, max: 3 })))
        .map(([text, start, length]): RefExpr => ({
          kind: 'call',
          type,
          fn: 'substring',
          unit: null,
          args: [
            text,
            { kind: 'literal', type: 'integer', value: start },
            ...(length === null
              ? []
              : [{ kind: 'literal' as const, type: 'integer' as const, value: length }]),
          ],
        })),
    ],
    boolean: [
      fc
        .tuple(
          fc.constantFrom('=', '<>', '<', '<=', '>', '>='),
          fc.constantFrom<ExprType>('integer', 'number', 'string', 'date'),
        )
        .chain(([o, t]) => op(o as RefOp, anyOf(sameFamily(t)), anyOf(sameFamily(t)))),
      op('=', sub('boolean'), sub('boolean')),
      op('and', sub('boolean'), sub('boolean')),
      op('or', sub('boolean'), sub('boolean')),
      op('not', sub('boolean')),
    ],
    date: [
      fc
        .constantFrom('day', 'week', 'month', 'quarter', 'year')
        .chain((unit) => call('date_trunc', unit, date)),
      fc
        .tuple(fc.constantFrom('day', 'week', 'month', 'quarter', 'year'), small)
        .chain(([unit, amount]) => call('date_add', unit, fc.constant(amount), date)),
    ],
  };
  return fc.oneof(...leaves, ...common, ...options[type]);
}

/** The expression as text, every operation parenthesised, keywords and functions in random-looking case. */
export function render(expr: RefExpr): string {
  switch (expr.kind) {
    case 'column':
      return expr.ref;
    case 'literal':
      return literal(expr);
    case 'op': {
      const [a, b] = expr.args.map(render);
      if (expr.op === 'neg') return `(-${a ?? ''})`;
      if (expr.op === 'not') return `(NOT ${a ?? ''})`;
      return `(${a ?? ''} ${expr.op === 'and' || expr.op === 'or' ? expr.op.toUpperCase() : expr.op} ${b ?? ''})`;
    }
    case 'call': {
      const args = [...(expr.unit === null ? [] : [`'${expr.unit}'`]), ...expr.args.map(render)];
      return `${expr.fn}(${args.join(', ')})`;
    }
    case 'case': {
      const whens = expr.whens.map(([when, then]) => ` WHEN ${render(when)} THEN ${render(then)}`).join('');
      return `CASE${whens}${expr.otherwise ? ` ELSE ${render(expr.otherwise)}` : ''} END`;
    }
  }
}

function literal(expr: Extract<RefExpr, { kind: 'literal' }>): string {
  const { value, type } = expr;
  switch (type) {
    case 'string':
      return `'${String(value).replaceAll("'", "''")}'`;
    case 'date':
      return `DATE '${String(value)}'`;
    case 'boolean':
      return value === true ? 'TRUE' : 'FALSE';
    default: {
      // A decimal literal keeps its point (10.0): written 10 it would be a whole number.
      const digits = String(Math.abs(Number(value)));
      const text = type === 'number' && !digits.includes('.') ? `${digits}.0` : digits;
      return Number(value) < 0 ? `(-${text})` : text;
    }
  }
}

/** A named calculated column of `type`, its tree remembered for the reference. */
export function computedArbitrary(
  fields: readonly ExprField[],
  type: ExprType,
  name: string,
): fc.Arbitrary<{ as: string; expr: string; type: ColumnType }> {
  return exprArbitrary(fields, type, 3).map((tree) => {
    const text = render(tree);
    EXPRESSION_TREES.set(text, tree);
    return { as: name, expr: text, type: numericType(tree) ?? type };
  });
}

/**
 * Whether a numeric expression is integer or decimal, by the contract: `/` and any decimal operand make a
 * decimal; an expression asked for as "number" may well be integer (`coalesce(k, k)`).
 */
function numericType(expr: RefExpr): 'integer' | 'number' | null {
  if (expr.type !== 'integer' && expr.type !== 'number') return null;
  const mix = (parts: readonly RefExpr[]): 'integer' | 'number' =>
    parts.some((part) => numericType(part) === 'number') ? 'number' : 'integer';
  switch (expr.kind) {
    case 'column':
    case 'literal':
      return expr.type;
    case 'op':
      return expr.op === '/' ? 'number' : mix(expr.args);
    case 'case':
      return mix([...expr.whens.map(([, then]) => then), ...(expr.otherwise ? [expr.otherwise] : [])]);
    case 'call':
      switch (expr.fn) {
        case 'coalesce':
          return mix(expr.args);
        case 'nullif':
        case 'round':
        case 'abs':
        case 'floor':
        case 'ceil':
          return mix(expr.args.slice(0, 1));
        default:
          return 'integer'; // length, year…, date_diff
      }
  }
}
