import { QUERY_LIMITS } from '@aurora/query-model';
import { ExpressionError, tokenize } from '../../src/expression/lexer';
import { parseExpression } from '../../src/expression/parser';
import type { Syntax } from '../../src/expression/syntax';

/** The expression with its positions left out, as a compact S-expression. */
function shape(syntax: Syntax): string {
  switch (syntax.kind) {
    case 'number':
      return syntax.text;
    case 'string':
      return JSON.stringify(syntax.value);
    case 'boolean':
      return String(syntax.value);
    case 'typed':
      return `${syntax.type}:${syntax.text}`;
    case 'name':
      return syntax.name;
    case 'unary':
      return `(${syntax.op} ${shape(syntax.operand)})`;
    case 'binary':
      return `(${syntax.op} ${shape(syntax.left)} ${shape(syntax.right)})`;
    case 'case':
      return `(case ${syntax.whens.map((w) => `${shape(w.when)}→${shape(w.then)}`).join(' ')}${
        syntax.otherwise ? ` else ${shape(syntax.otherwise)}` : ''
      })`;
    case 'call':
      return `${syntax.fn}(${syntax.args.map(shape).join(', ')})`;
  }
}

function errorOf(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('parsing expressions', () => {
  it.each([
    ['amount - quantity * unit_price', '(- amount (* quantity unit_price))'],
    ['(amount - quantity) * unit_price', '(* (- amount quantity) unit_price)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['-a * -2', '(* (- a) (- 2))'],
    ['a = 1 OR b < 2 AND NOT c >= 3', '(or (= a 1) (and (< b 2) (not (>= c 3))))'],
    ['NOT a AND b', '(and (not a) b)'],
    ['a != b', '(<> a b)'],
    ['sales.amount + 1.5e3', '(+ sales.amount 1.5e3)'],
    ["'it''s' = name", '(= "it\'s" name)'],
    [
      "DATE '2026-01-31' < TIMESTAMP '2026-01-31 10:00:00'",
      '(< date:2026-01-31 timestamp:2026-01-31 10:00:00)',
    ],
    ['date + 1', '(+ date 1)'],
    ['true AND FALSE', '(and true false)'],
    ["CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END", '(case (> a 1)→"x" (> a 0)→"y" else "z")'],
    ['Coalesce(a, 0)', 'coalesce(a, 0)'],
    ["date_diff('day', a, b)", 'date_diff("day", a, b)'],
    ['f()', 'f()'],
  ])('%s', (text, expected) => {
    expect(shape(parseExpression(text))).toBe(expected);
  });

  it.each([
    ['amount +', 'the expression ends too early at 1:9'],
    ['(amount', 'expected ")" but found the end at 1:8'],
    ['amount amount', 'unexpected "amount" at 1:8'],
    ['a < b < c', 'comparisons cannot be chained: use AND at 1:7'],
    ["'open", 'unterminated text literal at 1:1'],
    ['a;DROP TABLE t', 'unexpected character ";" at 1:2'],
    // No comments: `--` is two minus signs, `/*` a division missing its left side.
    ['a --', 'the expression ends too early at 1:5'],
    ['/* x */ 1', 'unexpected "/" at 1:1'],
    ['"quoted"', 'unexpected character "\\"" at 1:1'],
    ['a\n  + @', 'unexpected character "@" at 2:5'],
    ['CASE END', 'CASE needs at least one WHEN at 1:6'],
    ['CASE WHEN a THEN b', 'expected END but found the end at 1:19'],
    ['NULL', 'NULL is not a value here: use nullif or a CASE without ELSE at 1:1'],
    ['then + 1', 'unexpected THEN at 1:1'],
  ])('refuses %j: %s', (text, message) => {
    expect(errorOf(text).message).toBe(message);
  });

  it(`nests at most ${QUERY_LIMITS.maxExpressionDepth} levels, whatever the length`, () => {
    const depth = QUERY_LIMITS.maxExpressionDepth;
    expect(() => parseExpression('('.repeat(depth - 1) + '1' + ')'.repeat(depth - 1))).not.toThrow();
    expect(errorOf('('.repeat(depth + 1) + '1' + ')'.repeat(depth + 1)).message).toMatch(/nested too deeply/);
    // A hostile text far longer than a body allows still fails cleanly, not with a stack overflow.
    expect(errorOf('-'.repeat(100_000) + '1').message).toMatch(/nested too deeply/);
    expect(errorOf('abs('.repeat(100_000)).message).toMatch(/nested too deeply/);
  });

  it('tokenizes with 1-based line and column positions', () => {
    expect(tokenize("a\n 'b'").map((token) => token.at)).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 2 },
      { line: 2, column: 5 },
    ]);
  });
});
