import type { TimeBucket } from '@aurora/query-model';
import { ORACLE_MAX_IN_LIST, ORACLE_SQL } from '@aurora/sql-dialect';
import { SqlCompiler } from '../compiler';
import type { Dialect } from '../dialect';
import type { BucketNode, ExpressionNode, MaskNode } from '../nodes';
import { MASK_SHOWN_FROM } from './duckdb';
import { rememberQuoting } from '../quoting';
import type { TypedValue } from '../typed-value';
import { chunkInLists, compareEmptyStringsAsOracle } from './oracle-rewrites';

const quoteIdentifier = rememberQuoting((name) => ORACLE_SQL.quoteIdentifier(name));

const ORACLE_BUCKETS = {
  hour: 'HH24',
  day: 'DD',
  week: 'IW',
  month: 'MM',
  quarter: 'Q',
  year: 'YYYY',
} as const satisfies Record<TimeBucket, string>;

const ORACLE_TEXT_FORMAT = {
  integer: `, 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''`,
  number: `, 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''`,
  boolean: '',
  date: `, 'YYYY-MM-DD'`,
  timestamp: `, 'YYYY-MM-DD HH24:MI:SS.FF6'`,
} as const;

/** Oracle stores '' as NULL, has no SQL boolean before 23ai, and allows at most 1,000 items in one IN list. */
export const ORACLE: Dialect = {
  ...ORACLE_SQL,
  rewrite: (select) => chunkInLists(compareEmptyStringsAsOracle(select), ORACLE_MAX_IN_LIST),
  createCompiler: () => new OracleCompiler(),
};

/**
 * Oracle (12c+): `:n` parameters, `OFFSET … FETCH NEXT`, no `AS` before a table alias, booleans as 1/0
 * (NUMBER(1) columns), explicit date/timestamp formats so NLS settings cannot change a comparison.
 */
export class OracleCompiler extends SqlCompiler {
  protected override readonly aliasKeyword = ' ';

  protected placeholder(index: number): string {
    return `:${index}`;
  }

  /** Quoted, so the catalog's case stands; a name Oracle cannot quote is refused (see ORACLE_SQL). */
  protected quoteIdentifier(name: string): string {
    return quoteIdentifier(name);
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

  /**
   * The value's text with explicit formats, so that NLS settings cannot change a hash; `STANDARD_HASH` (12c+)
   * gives SHA-256 as RAW, shown as lower-case hex like DuckDB's.
   */
  protected appendMask(node: MaskNode): void {
    const text = (): void => {
      if (node.type === 'string') {
        this.visit(node.expr);
        return;
      }
      this.append('TO_CHAR(');
      this.visit(node.expr);
      this.append(ORACLE_TEXT_FORMAT[node.type]);
      this.append(')');
    };
    this.append('CASE WHEN ');
    this.visit(node.expr);
    this.append(' IS NULL THEN NULL ');
    if (node.mode === 'hashed') {
      this.append(`ELSE LOWER(RAWTOHEX(STANDARD_HASH(${this.addSecretParameter(node.key ?? '')} || `);
      text();
      this.append(", 'SHA256'))) END");
      return;
    }
    this.append('WHEN LENGTH(');
    text();
    this.append(`) > ${MASK_SHOWN_FROM} THEN '****' || SUBSTR(`);
    text();
    this.append(`, -4) ELSE '****' END`);
  }

  /** `TRUNC` with a format (`IW`: ISO weeks) gives a DATE; an hour is cast back to a TIMESTAMP. */
  protected appendBucket(node: BucketNode): void {
    const hour = node.unit === 'hour';
    this.append(hour ? 'CAST(TRUNC(' : 'TRUNC(');
    this.visit(node.expr);
    this.append(`, '${ORACLE_BUCKETS[node.unit]}')${hour ? ' AS TIMESTAMP)' : ''}`);
  }

  protected appendIsEmpty(expr: ExpressionNode): void {
    this.visit(expr);
    this.append(' IS NULL');
  }
}
