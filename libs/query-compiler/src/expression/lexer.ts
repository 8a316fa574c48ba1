/** Where a token starts, 1-based, as error messages show it (`at 1:8`). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type Token =
  | { readonly kind: 'number'; readonly text: string; readonly at: Position }
  | { readonly kind: 'string'; readonly value: string; readonly at: Position }
  /** A name, or `dataset.column`; keywords are names too (the parser tells them apart, case-insensitively). */
  | { readonly kind: 'name'; readonly text: string; readonly at: Position }
  | { readonly kind: 'symbol'; readonly text: Punctuation; readonly at: Position }
  | { readonly kind: 'end'; readonly at: Position };

export type Punctuation =
  '+' | '-' | '*' | '/' | '(' | ')' | ',' | '=' | '<>' | '!=' | '<' | '<=' | '>' | '>=';

/** A mistake in an expression's text, with where it is. */
export class ExpressionError extends Error {
  constructor(
    readonly reason: string,
    readonly at: Position,
  ) {
    super(`${reason} at ${at.line}:${at.column}`);
  }
}

const SYMBOLS: readonly Punctuation[] = [
  '<>',
  '!=',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  ',',
  '=',
  '<',
  '>',
];
const NAME = /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/y;
const NUMBER = /(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/y;
const SPACE = /\s+/y;

/**
 * Splits an expression into tokens. Strings are single-quoted with `''` for a quote, as in SQL; there are no
 * comments, no double-quoted identifiers and no other escapes, so nothing can end a string early.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, column: offset - lineStart + 1 });
  const match = (pattern: RegExp): string | null => {
    pattern.lastIndex = offset;
    return pattern.exec(text)?.[0] ?? null;
  };
  while (offset < text.length) {
    const space = match(SPACE);
    if (space !== null) {
      for (let i = 0; i < space.length; i++) {
        if (space[i] === '\n') {
          line += 1;
          lineStart = offset + i + 1;
        }
      }
      offset += space.length;
      continue;
    }
    const at = here();
    const char = text[offset] ?? '';
    if (char === "'") {
      let value = '';
      let end = offset + 1;
      for (;;) {
        const quote = text.indexOf("'", end);
        if (quote < 0) throw new ExpressionError('unterminated text literal', at);
        value += text.slice(end, quote);
        if (text[quote + 1] !== "'") {
          end = quote + 1;
          break;
        }
        value += "'";
        end = quote + 2;
      }
      if (value.includes('\n')) throw new ExpressionError('a text literal cannot span lines', at);
      tokens.push({ kind: 'string', value, at });
      offset = end;
      continue;
    }
    const number = match(NUMBER);
    if (number !== null) {
      tokens.push({ kind: 'number', text: number, at });
      offset += number.length;
      continue;
    }
    const name = match(NAME);
    if (name !== null) {
      tokens.push({ kind: 'name', text: name, at });
      offset += name.length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, offset));
    if (!symbol) throw new ExpressionError(`unexpected character ${JSON.stringify(char)}`, at);
    tokens.push({ kind: 'symbol', text: symbol, at });
    offset += symbol.length;
  }
  tokens.push({ kind: 'end', at: here() });
  return tokens;
}
