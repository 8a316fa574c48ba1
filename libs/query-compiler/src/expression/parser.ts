import { QUERY_LIMITS } from '@aurora/query-model';
import { ExpressionError, tokenize, type Position, type Token } from './lexer';
import type { BinaryOperator, Syntax } from './syntax';

/** Binding power of each infix operator: OR < AND < comparisons < + - < * /. NOT sits between OR/AND and comparisons. */
const INFIX: Readonly<Record<string, { readonly op: BinaryOperator; readonly power: number }>> = {
  or: { op: 'or', power: 1 },
  and: { op: 'and', power: 2 },
  '=': { op: '=', power: 4 },
  '<>': { op: '<>', power: 4 },
  '!=': { op: '<>', power: 4 },
  '<': { op: '<', power: 4 },
  '<=': { op: '<=', power: 4 },
  '>': { op: '>', power: 4 },
  '>=': { op: '>=', power: 4 },
  '+': { op: '+', power: 5 },
  '-': { op: '-', power: 5 },
  '*': { op: '*', power: 6 },
  '/': { op: '/', power: 6 },
};
const NOT_POWER = 3;
const COMPARISON_POWER = 4;
const NEGATE_POWER = 7;
/** Words that cannot be column names, so `end` or `then` never reads as a column by mistake. */
const RESERVED = new Set([
  'and',
  'or',
  'not',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
  'null',
]);

/**
 * Parses an expression (a Pratt parser): at most `maxExpressionDepth` operators and calls nested, so a hostile
 * text cannot exhaust the stack; the text itself is bounded by the schema (`maxExpressionLength`).
 */
export function parseExpression(text: string): Syntax {
  const parser = new Parser(tokenize(text));
  const syntax = parser.expression(0, 0);
  parser.expectEnd();
  return syntax;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expression(minPower: number, depth: number): Syntax {
    let left = this.prefix(depth);
    for (;;) {
      const token = this.peek();
      const infix = INFIX[infixKey(token)];
      if (!infix || infix.power <= minPower) return left;
      this.next();
      // Comparisons do not chain: `a < b < c` is a mistake, not `(a < b) < c`.
      const right = this.expression(infix.power, depth + 1);
      if (infix.power === COMPARISON_POWER && INFIX[infixKey(this.peek())]?.power === COMPARISON_POWER) {
        throw new ExpressionError('comparisons cannot be chained: use AND', this.peek().at);
      }
      left = { kind: 'binary', op: infix.op, left, right, at: token.at };
    }
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw new ExpressionError(`unexpected ${describe(token)}`, token.at);
  }

  private prefix(depth: number): Syntax {
    if (depth > QUERY_LIMITS.maxExpressionDepth) {
      throw new ExpressionError(
        `the expression is nested too deeply (at most ${QUERY_LIMITS.maxExpressionDepth} levels)`,
        this.peek().at,
      );
    }
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', text: token.text, at: token.at };
      case 'string':
        return { kind: 'string', value: token.value, at: token.at };
      case 'end':
        throw new ExpressionError('the expression ends too early', token.at);
      case 'symbol':
        if (token.text === '(') {
          const inner = this.expression(0, depth + 1);
          this.expectSymbol(')');
          return inner;
        }
        if (token.text === '-') {
          const operand = this.expression(NEGATE_POWER - 1, depth + 1);
          return { kind: 'unary', op: '-', operand, at: token.at };
        }
        throw new ExpressionError(`unexpected ${describe(token)}`, token.at);
      case 'name':
        return this.named(token.text, token.at, depth);
    }
  }

  private named(text: string, at: Position, depth: number): Syntax {
    const word = text.toLowerCase();
    switch (word) {
      case 'true':
      case 'false':
        return { kind: 'boolean', value: word === 'true', at };
      case 'not':
        return { kind: 'unary', op: 'not', operand: this.expression(NOT_POWER - 1, depth + 1), at };
      case 'case':
        return this.caseExpression(at, depth);
      case 'date':
      case 'timestamp': {
        const literal = this.peek();
        if (literal.kind !== 'string') break; // a column named date
        this.next();
        return { kind: 'typed', type: word, text: literal.value, at };
      }
      case 'null':
        throw new ExpressionError('NULL is not a value here: use nullif or a CASE without ELSE', at);
    }
    if (RESERVED.has(word)) throw new ExpressionError(`unexpected ${word.toUpperCase()}`, at);
    const open = this.peek();
    if (open.kind !== 'symbol' || open.text !== '(') return { kind: 'name', name: text, at };
    this.next();
    const args: Syntax[] = [];
    const close = this.peek();
    if (close.kind === 'symbol' && close.text === ')') this.next();
    else {
      do args.push(this.expression(0, depth + 1));
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'call', fn: word, args, at };
  }

  private caseExpression(at: Position, depth: number): Syntax {
    const whens: { when: Syntax; then: Syntax }[] = [];
    while (this.acceptWord('when')) {
      const when = this.expression(0, depth + 1);
      this.expectWord('then');
      whens.push({ when, then: this.expression(0, depth + 1) });
    }
    if (whens.length === 0) throw new ExpressionError('CASE needs at least one WHEN', this.peek().at);
    const otherwise = this.acceptWord('else') ? this.expression(0, depth + 1) : null;
    this.expectWord('end');
    return { kind: 'case', whens, otherwise, at };
  }

  private peek(): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1];
    if (!token) throw new Error('tokenize always ends with an end token');
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private acceptSymbol(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== text) return false;
    this.next();
    return true;
  }

  private expectSymbol(text: string): void {
    if (!this.acceptSymbol(text)) {
      throw new ExpressionError(`expected "${text}" but found ${describe(this.peek())}`, this.peek().at);
    }
  }

  private acceptWord(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'name' || token.text.toLowerCase() !== word) return false;
    this.next();
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) {
      throw new ExpressionError(
        `expected ${word.toUpperCase()} but found ${describe(this.peek())}`,
        this.peek().at,
      );
    }
  }
}

/** The key of INFIX a token would be, if any: symbols as written, AND/OR in any case. */
function infixKey(token: Token): string {
  if (token.kind === 'symbol') return token.text;
  if (token.kind === 'name') {
    const word = token.text.toLowerCase();
    if (word === 'and' || word === 'or') return word;
  }
  return '';
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end';
    case 'symbol':
      return `"${token.text}"`;
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return 'a text literal';
    case 'name':
      return `"${token.text.length > 40 ? token.text.slice(0, 40) + '…' : token.text}"`;
  }
}
