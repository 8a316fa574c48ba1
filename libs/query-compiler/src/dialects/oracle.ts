import type { TimeBucket } from '@aurora/query-model';
import { ORACLE_MAX_IN_LIST, ORACLE_SQL } from '@aurora/sql-dialect';
import { SqlCompiler } from '../compiler';
import type { Dialect } from '../dialect';
import type { BucketNode, DateAddNode, DateDiffNode, ExpressionNode, FunctionNode, MaskNode } from '../nodes';
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

  /** No boolean values before 23ai: a predicate as a value is 1, 0 or (unknown) NULL, like a NUMBER(1) column. */
  protected override appendBooleanValue(predicate: ExpressionNode): void {
    this.append('CASE WHEN ');
    this.visit(predicate);
    this.append(' THEN 1 WHEN NOT (');
    this.visit(predicate);
    this.append(') THEN 0 END');
  }

  protected override appendIsTrue(value: ExpressionNode): void {
    this.append('(');
    this.visit(value);
    this.append(' = 1)');
  }

  protected appendFunction(node: FunctionNode): void {
    const [first] = node.args;
    switch (node.fn) {
      case 'year':
      case 'month':
      case 'day':
        if (!first) throw new Error(`${node.fn} takes one argument`);
        this.append(`EXTRACT(${node.fn.toUpperCase()} FROM `);
        this.visit(first);
        this.append(')');
        return;
      case 'quarter':
        if (!first) throw new Error('quarter takes one argument');
        this.appendQuarter(first);
        return;
      case 'concat':
        // `||` reads NULL as empty text, as DuckDB's CONCAT does; CONCAT takes only two arguments here.
        this.append('(');
        this.list(node.args, ' || ');
        this.append(')');
        return;
      case 'substring':
        this.appendCall('SUBSTR', node.args);
        return;
      default:
        this.appendCall(node.fn.toUpperCase(), node.args);
    }
  }

  /** Boundaries crossed: days between the dates' midnights, or the difference of month, quarter or year numbers. */
  protected appendDateDiff(node: DateDiffNode): void {
    const index = (expr: ExpressionNode): void => {
      switch (node.unit) {
        case 'day':
          this.append('TRUNC(');
          this.visit(expr);
          this.append(')');
          return;
        case 'month':
          this.append('(EXTRACT(YEAR FROM ');
          this.visit(expr);
          this.append(') * 12 + EXTRACT(MONTH FROM ');
          this.visit(expr);
          this.append('))');
          return;
        case 'quarter':
          this.append('(EXTRACT(YEAR FROM ');
          this.visit(expr);
          this.append(') * 4 + ');
          this.appendQuarter(expr);
          this.append(')');
          return;
        case 'year':
          this.append('EXTRACT(YEAR FROM ');
          this.visit(expr);
          this.append(')');
          return;
      }
    };
    this.append('(');
    index(node.to);
    this.append(' - ');
    index(node.from);
    this.append(')');
  }

  /**
   * Days and weeks add days. Months add to the first of the month, then take the day back, clamped to the target
   * month's last day: ADD_MONTHS alone would move a month's last day to the next month's last (02-28 to 03-31).
   */
  protected appendDateAdd(node: DateAddNode): void {
    const factor = { day: 1, week: 7, month: 1, quarter: 3, year: 12 }[node.unit];
    const amount = (): void => {
      this.visit(node.amount);
      if (factor !== 1) this.append(` * ${factor}`);
    };
    if (node.unit === 'day' || node.unit === 'week') {
      this.append('(');
      this.visit(node.expr);
      this.append(' + ');
      amount();
      this.append(')');
      return;
    }
    const monthStart = (): void => {
      this.append('ADD_MONTHS(TRUNC(');
      this.visit(node.expr);
      this.append(", 'MM'), ");
      amount();
      this.append(')');
    };
    this.append('LEAST(');
    monthStart();
    this.append(' + (EXTRACT(DAY FROM ');
    this.visit(node.expr);
    this.append(') - 1), LAST_DAY(');
    monthStart();
    this.append('))');
  }

  private appendQuarter(expr: ExpressionNode): void {
    this.append('TO_NUMBER(TO_CHAR(');
    this.visit(expr);
    this.append(", 'Q'))");
  }

  protected appendIsEmpty(expr: ExpressionNode): void {
    this.visit(expr);
    this.append(' IS NULL');
  }
}
