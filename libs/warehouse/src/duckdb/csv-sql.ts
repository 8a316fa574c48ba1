import {
  DuckDBDateValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { shaperFor } from './shape';

/**
 * How COPY writes one result column so that its text is, byte for byte, what `csvRecord` makes of the cell
 * `stream` gives: `prepare` runs in an inner projection (so that `text`, which names its input many times, reads
 * a computed value rather than computing it again), `text` gives the field as it is written.
 */
export interface CsvColumn {
  readonly prepare: (ref: string) => string;
  readonly text: (ref: string) => string;
}

const same = (ref: string): string => ref;

/** Integers, booleans and UUIDs: the engine's text is JavaScript's (`String(n)`, `String(bigint)`, true/false). */
const AS_IS: CsvColumn = { prepare: same, text: same };

/**
 * RFC 4180 as `csvRecord` quotes: only a field with `"`, `,`, CR or LF, quotes doubled. COPY's own quoting
 * cannot be used: it also quotes every field with a `#` and writes '' as `""`; with QUOTE '' it writes both
 * raw ('' and NULL as an empty field, as `csvRecord` does). The driver decodes each string with a default
 * `TextDecoder`, which drops one leading byte order mark (U+FEFF): so does `prepare`. (Four `contains` cost
 * less CPU than one regular expression on short text, measured.)
 */
const QUOTED: CsvColumn = {
  prepare: (ref) => `CASE WHEN starts_with(${ref}, chr(65279)) THEN substring(${ref}, 2) ELSE ${ref} END`,
  text: (ref) =>
    `CASE WHEN contains(${ref}, '"') OR contains(${ref}, ',') OR contains(${ref}, chr(13)) OR contains(${ref}, chr(10))` +
    ` THEN '"' || replace(${ref}, '"', '""') || '"' ELSE ${ref} END`,
};

/**
 * JavaScript's `String(x)` for a DOUBLE. The engine's text has the same shortest round-trip digits; it only lays
 * them out otherwise (Python's repr: `100.0`, `1e+16`, `1e-05`, `nan`, `inf`): integers below 1e16 are exact
 * BIGINT text (their shortest digits are all of them), the engine's fixed form between 1e-4 and 1e16 is
 * JavaScript's, and the rest is rebuilt from the engine's exponent form: plain digits and zeros up to 1e21,
 * `0.0000ddd` down to 1e-6, and an exponent without the engine's zero padding beyond.
 */
function jsNumber(x: string): string {
  const text = `CAST(${x} AS VARCHAR)`;
  const sign = `CASE WHEN ${x} < 0 THEN '-' ELSE '' END`;
  const digits = `replace(replace(split_part(${text}, 'e', 1), '-', ''), '.', '')`;
  const exponent = `CAST(split_part(${text}, 'e', 2) AS INTEGER)`;
  return [
    'CASE',
    `WHEN abs(${x}) < 1e16 AND ${x} = trunc(${x}) THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR)`,
    `WHEN abs(${x}) >= 1e-4 AND abs(${x}) < 1e16 THEN ${text}`,
    `WHEN isnan(${x}) THEN 'NaN'`,
    `WHEN ${x} = 'inf'::DOUBLE THEN 'Infinity'`,
    `WHEN ${x} = '-inf'::DOUBLE THEN '-Infinity'`,
    `WHEN abs(${x}) >= 1e16 AND abs(${x}) < 1e21 THEN ${sign} || ${digits} || repeat('0', ${exponent} + 1 - length(${digits}))`,
    `WHEN abs(${x}) >= 1e-6 AND abs(${x}) < 1e-4 THEN ${sign} || '0.' || repeat('0', -1 - ${exponent}) || ${digits}`,
    `ELSE replace(${text}, 'e-0', 'e-')`,
    'END',
  ].join(' ');
}

/**
 * A decimal becomes `Number(String(d))` on the JavaScript path: the double nearest to its exact value. The
 * engine's DECIMAL → DOUBLE cast divides the unscaled integer by 10^scale, one correctly rounded division that
 * gives that double while both operands are exact doubles (here: below 10^15, scale at most 15); beyond, the
 * decimal's text is parsed, as JavaScript does.
 */
function decimalToDouble(width: number, scale: number): (ref: string) => string {
  if (width <= 15) return (ref) => `CAST(${ref} AS DOUBLE)`;
  const viaText = (ref: string): string => `CAST(CAST(${ref} AS VARCHAR) AS DOUBLE)`;
  if (scale > 15) return viaText;
  const exactBelow = `1${'0'.repeat(15 - scale)}`;
  return (ref) =>
    `CASE WHEN abs(${ref}) < ${exactBelow} THEN CAST(${ref} AS DOUBLE) ELSE ${viaText(ref)} END`;
}

const NUMBER: CsvColumn = { prepare: (ref) => `CAST(${ref} AS DOUBLE)`, text: jsNumber };

/**
 * Dates and timestamps: the engine's text is the driver's (`String(value)` of its value objects; checked for far
 * and BC years and every precision), except at ±infinity, where the driver prints a date computed from the
 * sentinel; those two are written as the JavaScript path writes them.
 */
function temporal(
  type: DuckDBType,
  infinities: readonly [DuckDBValue, DuckDBValue],
  finite: (ref: string) => string,
): CsvColumn {
  const shape = shaperFor(type);
  const [positive, negative] = infinities.map((value) => sqlString(String(shape(value))));
  return {
    prepare: same,
    text: (ref) =>
      `CASE WHEN ${ref} = 'infinity' THEN ${positive} WHEN ${ref} = '-infinity' THEN ${negative} ELSE ${finite(ref)} END`,
  };
}

/**
 * `shape.ts`'s `.replace(' ', 'T')` replaces the first space only. Only a BC instant's text has a second one
 * (`0044-03-15 (BC) 12:00:00`), so the cheaper replace-all serves every other (measured: a regular expression
 * costs about twice the cast itself).
 */
const isoT = (instant: string, text: string, firstAD: string): string =>
  `CASE WHEN ${instant} >= ${firstAD} THEN replace(${text}, ' ', 'T') ELSE regexp_replace(${text}, ' ', 'T') END`;
const timestampText = (ref: string): string =>
  isoT(ref, `CAST(${ref} AS VARCHAR)`, "TIMESTAMP '0001-01-01 00:00:00'");
/** TIMESTAMP_NS spans 1677 to 2262: never BC. */
const timestampNsText = (ref: string): string => `replace(CAST(${ref} AS VARCHAR), ' ', 'T')`;
/**
 * In UTC, as the driver prints a TIMESTAMPTZ whatever the session's TimeZone, then `+00` → `+00:00`. Through
 * its epoch microseconds: converting the zone (ICU) overflows near the ends of the range.
 */
const timestampTzText = (ref: string): string =>
  `${isoT(ref, `CAST(make_timestamp(epoch_us(${ref})) AS VARCHAR)`, "TIMESTAMPTZ '0001-01-01 00:00:00+00'")} || '+00:00'`;

/** How COPY writes each column, or null when a column's type has no engine-side formatting here. */
export function csvColumns(types: readonly DuckDBType[]): CsvColumn[] | null {
  const columns = types.map(csvColumn);
  return columns.every((column) => column !== null) ? columns : null;
}

function csvColumn(type: DuckDBType): CsvColumn | null {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.UUID:
      return AS_IS;
    case DuckDBTypeId.VARCHAR:
      return QUOTED;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return NUMBER;
    case DuckDBTypeId.DECIMAL:
      return { prepare: decimalToDouble(type.width, type.scale), text: jsNumber };
    case DuckDBTypeId.DATE:
      return temporal(
        type,
        [DuckDBDateValue.PosInf, DuckDBDateValue.NegInf],
        (ref) => `CAST(${ref} AS VARCHAR)`,
      );
    case DuckDBTypeId.TIMESTAMP:
      return temporal(type, [DuckDBTimestampValue.PosInf, DuckDBTimestampValue.NegInf], timestampText);
    case DuckDBTypeId.TIMESTAMP_NS:
      return temporal(
        type,
        [DuckDBTimestampNanosecondsValue.PosInf, DuckDBTimestampNanosecondsValue.NegInf],
        timestampNsText,
      );
    case DuckDBTypeId.TIMESTAMP_TZ:
      return temporal(type, [DuckDBTimestampTZValue.PosInf, DuckDBTimestampTZValue.NegInf], timestampTzText);
    // TIMESTAMP_S and TIMESTAMP_MS hold instants beyond the microsecond range (the second that rounding the
    // largest TIMESTAMP to seconds gives, and any from a file) that the engine can neither print nor convert,
    // while the driver prints them: those, and every other type, go the JavaScript way.
    default:
      return null;
  }
}

/**
 * `COPY (…) TO path` of `sql`'s result, formatted column by column: no header (written by the caller, as
 * `csvRecord` writes it), CRLF, no quoting of the engine's own (see `QUOTED`). Columns are renamed by position,
 * so duplicate or odd result names do not matter; the line break before `)` ends a trailing `--` comment.
 */
export function copyCsvSql(sql: string, columns: readonly CsvColumn[], path: string): string {
  const name = (i: number): string => `c${i}`;
  const prepared = columns.map((column, i) => `${column.prepare(name(i))} AS ${name(i)}`);
  const texts = columns.map((column, i) => column.text(name(i)));
  const names = columns.map((_, i) => name(i));
  return (
    `COPY (SELECT ${texts.join(', ')} FROM (SELECT ${prepared.join(', ')} FROM (\n${sql}\n) AS q(${names.join(', ')})) AS p)` +
    ` TO ${sqlString(path)} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '', NEW_LINE '\\r\\n', USE_TMP_FILE false)`
  );
}

/** The result's column types without running it: the engine plans `LIMIT 0` to an empty result. */
export function resultTypesSql(sql: string): string {
  return `SELECT * FROM (\n${sql}\n) AS q LIMIT 0`;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
