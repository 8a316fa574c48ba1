import type { TimeBucket } from '@aurora/query-model';
import type { DateUnit } from '../expression/typed';
import { DUCKDB_SQL } from '@aurora/sql-dialect';
import { SqlCompiler } from '../compiler';
import type { Dialect } from '../dialect';
import { LIKE_ESCAPE, likePattern } from '../like-pattern';
import type {
  BucketNode,
  DateAddNode,
  DateDiffNode,
  ExpressionNode,
  FunctionNode,
  MaskNode,
  TextMatchNode,
} from '../nodes';
import { rememberQuoting } from '../quoting';
import type { TypedValue } from '../typed-value';

const quoteIdentifier = rememberQuoting((name) => DUCKDB_SQL.quoteIdentifier(name));
/** A masked value shows its last 4 characters only when it has more than this many (so most stays hidden). */
export const MASK_SHOWN_FROM = 8;
const DUCKDB_BUCKETS = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
} as const satisfies Record<TimeBucket, string>;

const INT32_MAX = 2 ** 31 - 1;
const DUCKDB_LITERAL_TYPES = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
} as const;
/** date_add's units as a DuckDB interval function and a multiplier. */
const DUCKDB_DATE_STEPS = {
  day: ['TO_DAYS', 1],
  week: ['TO_DAYS', 7],
  month: ['TO_MONTHS', 1],
  quarter: ['TO_MONTHS', 3],
  year: ['TO_MONTHS', 12],
} as const satisfies Record<DateUnit, readonly [string, number]>;

/** DuckDB needs no rewrite: it compiles the tree as planned. */
export const DUCKDB: Dialect = {
  ...DUCKDB_SQL,
  rewrite: (select) => select,
  createCompiler: () => new DuckDbCompiler(),
};

/** DuckDB: `$n` parameters, `LIMIT`/`OFFSET`, native booleans, typed casts for dates and timestamps. */
export class DuckDbCompiler extends SqlCompiler {
  protected placeholder(index: number): string {
    return `$${index}`;
  }

  protected quoteIdentifier(name: string): string {
    return quoteIdentifier(name);
  }

  protected appendValue(value: TypedValue): void {
    const placeholder = this.addParameter(value.value);
    if (value.type === 'date') this.append(`CAST(${placeholder} AS DATE)`);
    else if (value.type === 'timestamp') this.append(`CAST(${placeholder} AS TIMESTAMP)`);
    else this.append(placeholder);
  }

  protected appendPaging(limit: number | null, offset: number | null): void {
    if (limit !== null) this.append(` LIMIT ${limit}`);
    if (offset !== null) this.append(` OFFSET ${offset}`);
  }

  protected appendTruth(value: boolean): void {
    this.append(value ? 'TRUE' : 'FALSE');
  }

  /**
   * Case-sensitive matches use DuckDB's prefix/contains/suffix functions on the literal text, which its
   * optimizer runs far faster than `LIKE … ESCAPE`; case-insensitive ones use ILIKE, with an ESCAPE clause
   * only when the text holds a wildcard or the escape character.
   */
  protected override appendTextMatch(node: TextMatchNode): void {
    if (node.caseSensitive) {
      this.append(`${node.match}(`); // DuckDB's function names are the operators' names
      this.visit(node.expr);
      this.append(`, ${this.addParameter(node.text)})`);
      return;
    }
    this.visit(node.expr);
    this.append(` ILIKE ${this.addParameter(likePattern(node.match, node.text))}`);
    if (/[%_\\]/.test(node.text)) this.append(` ESCAPE '${LIKE_ESCAPE}'`);
  }

  /** `DATE_TRUNC` (its weeks are ISO weeks), cast back to a date except for hours. */
  protected appendBucket(node: BucketNode): void {
    const hour = node.unit === 'hour';
    this.append(`${hour ? '' : 'CAST('}DATE_TRUNC('${DUCKDB_BUCKETS[node.unit]}', `);
    this.visit(node.expr);
    this.append(hour ? ')' : ') AS DATE)');
  }

  /** `CAST(x AS VARCHAR)` is the same text on every connection, whatever the type. */
  protected appendMask(node: MaskNode): void {
    const text = (): void => {
      this.append('CAST(');
      this.visit(node.expr);
      this.append(' AS VARCHAR)');
    };
    this.append('CASE WHEN ');
    this.visit(node.expr);
    this.append(' IS NULL THEN NULL ');
    if (node.mode === 'hashed') {
      this.append(`ELSE SHA256(${this.addSecretParameter(node.key ?? '')} || `);
      text();
      this.append(') END');
      return;
    }
    this.append('WHEN LENGTH(');
    text();
    this.append(`) > ${MASK_SHOWN_FROM} THEN '****' || RIGHT(`);
    text();
    this.append(`, 4) ELSE '****' END`);
  }

  /** `IS NOT DISTINCT FROM`: DuckDB hash-joins on it, where the portable OR form would loop. */
  protected override appendSame(left: ExpressionNode, right: ExpressionNode): void {
    this.visit(left);
    this.append(' IS NOT DISTINCT FROM ');
    this.visit(right);
  }

  /** A parameter alone has no type DuckDB can always infer (`$1 + $2`, `ROUND(x, $1)`): each literal is cast. */
  protected override appendLiteral(value: TypedValue, narrow: boolean): void {
    if (value.type === 'date' || value.type === 'timestamp') {
      this.appendValue(value);
      return;
    }
    // A BIGINT beside a DECIMAL widens the result past 18 digits, into 128-bit decimals several times slower
    // (`amount * (1 - discount)`: 5x); where no integer arithmetic can overflow, a number that fits is an INTEGER.
    const type =
      narrow && typeof value.value === 'number' && Math.abs(value.value) <= INT32_MAX
        ? 'INTEGER'
        : DUCKDB_LITERAL_TYPES[value.type];
    this.append(`CAST(${this.addParameter(value.value)} AS ${type})`);
  }

  /** An integer out of range, or a date beyond the calendar, is NULL rather than an error. */
  protected override appendChecked(write: () => void): void {
    this.append('TRY(');
    write();
    this.append(')');
  }

  /** DuckDB's `/` already divides integers as decimals; the cast says so whatever the version. */
  protected override appendDividend(node: ExpressionNode): void {
    this.append('CAST(');
    this.visit(node);
    this.append(' AS DOUBLE)');
  }

  protected appendFunction(node: FunctionNode): void {
    const [first, ...rest] = node.args;
    switch (node.fn) {
      case 'year':
      case 'quarter':
      case 'month':
      case 'day':
        if (!first) throw new Error(`${node.fn} takes one argument`);
        this.append(`EXTRACT(${node.fn.toUpperCase()} FROM `);
        this.visit(first);
        this.append(')');
        return;
      case 'round':
      case 'substring':
        // Their counts are BIGINT literals; DuckDB's functions take INTEGER ones.
        if (!first) throw new Error(`${node.fn} takes arguments`);
        this.append(`${node.fn.toUpperCase()}(`);
        this.visit(first);
        for (const count of rest) {
          this.append(', TRY_CAST(');
          this.visit(count);
          this.append(' AS INTEGER)');
        }
        this.append(')');
        return;
      case 'abs':
        this.appendChecked(() => this.appendCall('ABS', node.args));
        return;
      default:
        this.appendCall(node.fn.toUpperCase(), node.args);
    }
  }

  /** DuckDB's DATE_DIFF counts the boundaries crossed, as the contract does. */
  protected appendDateDiff(node: DateDiffNode): void {
    this.append(`DATE_DIFF('${node.unit}', `);
    this.visit(node.from);
    this.append(', ');
    this.visit(node.to);
    this.append(')');
  }

  /** Date plus an interval clamps month ends (2026-01-31 plus a month is 2026-02-28); the cast keeps a date. */
  protected appendDateAdd(node: DateAddNode): void {
    const [fn, factor] = DUCKDB_DATE_STEPS[node.unit];
    this.appendChecked(() => {
      this.append('CAST(');
      this.visit(node.expr);
      this.append(` + ${fn}(TRY_CAST(`);
      this.visit(node.amount);
      this.append(` AS INTEGER)${factor === 1 ? '' : ` * ${factor}`}) AS DATE)`);
    });
  }

  protected appendIsEmpty(expr: ExpressionNode, text: boolean): void {
    this.visit(expr);
    this.append(' IS NULL');
    if (!text) return;
    this.append(' OR LENGTH(');
    this.visit(expr);
    this.append(') = 0');
  }
}
