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

/** '00' … '99'. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => pad(i, 2));
/** 1000-01-01 and 9999-12-31 in days since 1970-01-01: the years of four digits, no sign, no padding. */
const FIRST_4_DIGIT_DAY = -354_285;
const LAST_4_DIGIT_DAY = 2_932_896;

/** Days since 1970-01-01 → `YYYY-MM-DD`, or `YYYY-MM-DD (BC)` before year 1. */
export function dateText(days: number): string {
  if (days >= FIRST_4_DIGIT_DAY && days <= LAST_4_DIGIT_DAY) {
    // H. Hinnant's civil_from_days, without a Date: several times faster, for nearly every date there is.
    const z = days + 719_468;
    const era = Math.floor(z / DAYS_IN_400_YEARS);
    const dayOfEra = z - era * DAYS_IN_400_YEARS;
    const yearOfEra = Math.floor(
      (dayOfEra -
        Math.floor(dayOfEra / 1460) +
        Math.floor(dayOfEra / 36_524) -
        Math.floor(dayOfEra / 146_096)) /
        365,
    );
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const shifted = Math.floor((5 * dayOfYear + 2) / 153); // months from March
    const month = shifted < 10 ? shifted + 3 : shifted - 9;
    const year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
    const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
    return `${year}-${TWO_DIGITS[month] as string}-${TWO_DIGITS[day] as string}`;
  }
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
  const hours = TWO_DIGITS[Math.floor(seconds / 3600)] as string;
  const minutes = TWO_DIGITS[Math.floor(seconds / 60) % 60] as string;
  return `${hours}:${minutes}:${TWO_DIGITS[seconds % 60] as string}${fraction}`;
}

/**
 * Microseconds since the epoch (no zone) → `YYYY-MM-DD HH:MM:SS[.ffffff]` (`separator` between date and time);
 * ±infinity as DuckDB spells them. A number must be a safe integer.
 */
export function timestampText(micros: bigint | number, separator = ' '): string {
  if (typeof micros === 'number') {
    // Within ±285 years of 1970 doubles are exact, and several times faster than bigint arithmetic.
    const days = Math.floor(micros / US_PER_DAY);
    return `${dateText(days)}${separator}${timeText(micros - days * US_PER_DAY)}`;
  }
  if (micros === INFINITY_US) return 'infinity';
  if (micros === -INFINITY_US) return '-infinity';
  const asNumber = Number(micros);
  if (Number.isSafeInteger(asNumber)) return timestampText(asNumber, separator);
  let days = micros / US_PER_DAY_BIG;
  let rest = micros % US_PER_DAY_BIG;
  if (rest < 0n) {
    days--;
    rest += US_PER_DAY_BIG;
  }
  return `${dateText(Number(days))}${separator}${timeText(Number(rest))}`;
}
