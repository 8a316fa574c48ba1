/**
 * Dates and timestamps as text, exactly as DuckDB (and its Node client) writes them: `2026-11-20`,
 * `2026-11-20 10:00:00.5` (fraction without trailing zeros), `0044-03-15 (BC)`, `infinity`. The cells of a
 * batch must equal what the warehouse adapter shaped before rows travelled in binary, so this follows
 * @duckdb/node-api's own conversion (conversion/dateTimeStringConversion.js), with a fast path in doubles.
 */

const DAYS_IN_400_YEARS = 146097;
const MS_PER_DAY = 86_400_000;
const US_PER_DAY = 86_400_000_000;
const US_PER_DAY_BIG = 86_400_000_000n;
const INFINITY_US = 9223372036854775807n;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Days since 1970-01-01 → `YYYY-MM-DD`, or `YYYY-MM-DD (BC)` before year 1. */
export function dateText(days: number): string {
  const absDays = Math.abs(days);
  const sign = days < 0 ? -1 : 1;
  // Whole 400-year cycles keep JavaScript's Date in range; month and day do not change across them.
  const cycles = Math.floor(absDays / DAYS_IN_400_YEARS);
  const date = new Date(sign * (absDays % DAYS_IN_400_YEARS) * MS_PER_DAY);
  let year = sign * cycles * 400 + date.getUTCFullYear();
  if (year < 0) year--; // there is no year zero
  const text = `${pad(Math.abs(year), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  return year < 0 ? `${text} (BC)` : text;
}

function timeText(microsInDay: number): string {
  const micros = microsInDay % 1_000_000;
  const seconds = (microsInDay - micros) / 1_000_000;
  const fraction = micros === 0 ? '' : `.${pad(micros, 6).replace(/0+$/, '')}`;
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}${fraction}`;
}

/** Microseconds since the epoch (no zone) → `YYYY-MM-DD HH:MM:SS[.ffffff]`; ±infinity as DuckDB spells them. */
export function timestampText(micros: bigint): string {
  if (micros === INFINITY_US) return 'infinity';
  if (micros === -INFINITY_US) return '-infinity';
  const asNumber = Number(micros);
  if (Number.isSafeInteger(asNumber)) {
    // Within ±285 years of 1970 doubles are exact, and several times faster than bigint arithmetic.
    const days = Math.floor(asNumber / US_PER_DAY);
    return `${dateText(days)} ${timeText(asNumber - days * US_PER_DAY)}`;
  }
  let days = micros / US_PER_DAY_BIG;
  let rest = micros % US_PER_DAY_BIG;
  if (rest < 0n) {
    days--;
    rest += US_PER_DAY_BIG;
  }
  return `${dateText(Number(days))} ${timeText(Number(rest))}`;
}
