import type { Position } from './lexer';

/** The parsed text of an expression, before any name is looked up. */
export type Syntax =
  | { readonly kind: 'number'; readonly text: string; readonly at: Position }
  | { readonly kind: 'string'; readonly value: string; readonly at: Position }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly at: Position }
  /** `DATE '2026-01-31'` or `TIMESTAMP '2026-01-31 12:00:00'`. */
  | {
      readonly kind: 'typed';
      readonly type: 'date' | 'timestamp';
      readonly text: string;
      readonly at: Position;
    }
  | { readonly kind: 'name'; readonly name: string; readonly at: Position }
  | { readonly kind: 'unary'; readonly op: '-' | 'not'; readonly operand: Syntax; readonly at: Position }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOperator;
      readonly left: Syntax;
      readonly right: Syntax;
      readonly at: Position;
    }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: Syntax; readonly then: Syntax }[];
      readonly otherwise: Syntax | null;
      readonly at: Position;
    }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Syntax[]; readonly at: Position };

export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type ComparisonSymbol = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BinaryOperator = ArithmeticOperator | ComparisonSymbol | 'and' | 'or';
