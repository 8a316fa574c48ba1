import type { ExpressionNode } from '../nodes';
import { SqlCompiler } from '../compiler';
import type { TypedValue } from '../typed-value';

/** Oracle stores '' as NULL, has no SQL boolean before 23ai, and allows at most 1,000 items in one IN list. */
export const ORACLE_MAX_IN_LIST = 1000;
/** Oracle 12.2+: identifiers up to 128 bytes. */
export const ORACLE_MAX_IDENTIFIER_BYTES = 128;

/**
 * Oracle (12c+): `:n` parameters, `OFFSET … FETCH NEXT`, no `AS` before a table alias, booleans as 1/0
 * (NUMBER(1) columns), explicit date/timestamp formats so NLS settings cannot change a comparison.
 */
export class OracleCompiler extends SqlCompiler {
  protected override readonly aliasKeyword = ' ';

  protected placeholder(index: number): string {
    return `:${index}`;
  }

  /**
   * Quoted, so the catalog's case stands. Oracle allows no `"` (not even doubled) and no NUL in a quoted
   * identifier, and at most 128 bytes: such a catalog name is a configuration error, never SQL text.
   */
  protected override appendIdentifier(name: string): void {
    if (/["\0]/.test(name) || Buffer.byteLength(name, 'utf8') > ORACLE_MAX_IDENTIFIER_BYTES) {
      throw new Error(`catalog error: ${JSON.stringify(name)} is not a valid Oracle identifier`);
    }
    this.append(`"${name}"`);
  }

  protected appendValue(value: TypedValue): void {
    switch (value.type) {
      case 'date':
        this.append(`TO_DATE(${this.addParameter(value.value)}, 'YYYY-MM-DD')`);
        return;
      case 'timestamp':
        this.append(`TO_TIMESTAMP(${this.addParameter(value.value)}, 'YYYY-MM-DD HH24:MI:SS.FF6')`);
        return;
      case 'boolean':
        this.append(this.addParameter(value.value ? 1 : 0));
        return;
      case 'integer':
        // Beyond 2^53 an integer travels as text, which Oracle converts to NUMBER exactly.
        this.append(
          this.addParameter(typeof value.value === 'bigint' ? value.value.toString() : value.value),
        );
        return;
      case 'string':
      case 'number':
        this.append(this.addParameter(value.value));
        return;
    }
  }

  protected appendPaging(limit: number | null, offset: number | null): void {
    if (offset !== null) this.append(` OFFSET ${offset} ROWS`);
    if (limit !== null) this.append(` FETCH NEXT ${limit} ROWS ONLY`);
  }

  protected appendTruth(value: boolean): void {
    this.append(value ? '1 = 1' : '1 = 0');
  }

  protected appendIsEmpty(expr: ExpressionNode): void {
    this.visit(expr);
    this.append(' IS NULL');
  }
}
