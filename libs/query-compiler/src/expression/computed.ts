import { AuroraError, ErrorCode } from '@aurora/errors';
import type { Computed } from '@aurora/query-model';
import type { ComputedOperand, SourceColumn } from '../resolved';
import { ExpressionError } from './lexer';
import { parseExpression } from './parser';
import { typecheck } from './typecheck';

/**
 * Parses and type-checks a calculated column. Its names are catalog columns only (not other calculated
 * columns), so what it reads is exactly what the principal's catalog view shows; a masked or hashed column is
 * refused, as arithmetic on it could reveal more than its mask. Errors point at `path.expr`, with the position.
 */
export function computedColumn(
  item: Computed,
  path: string,
  find: (ref: string) => SourceColumn | 'ambiguous' | undefined,
): ComputedOperand {
  const exprPath = `${path}.expr`;
  try {
    const expr = typecheck(parseExpression(item.expr), (name, at) => {
      const found = find(name);
      if (found === 'ambiguous') {
        throw new ExpressionError(`\`${name}\` is ambiguous with joins: write it as dataset.column`, at);
      }
      if (!found) throw new ExpressionError(`unknown column \`${name}\``, at);
      const masking = found.column.masking;
      if (masking) {
        throw new AuroraError(
          ErrorCode.COLUMN_MASKED,
          `${found.column.label} is ${masking.mode} for you: it cannot be used in a calculation, as that would reveal its values (at ${at.line}:${at.column}).`,
          exprPath,
        );
      }
      return found;
    });
    return { kind: 'computed', name: item.as, type: expr.type, expr };
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new AuroraError(ErrorCode.INVALID_QUERY, error.message, exprPath);
    throw error;
  }
}
