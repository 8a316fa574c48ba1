/**
 * Excel serial dates in the 1900 date system: day 1 is 1900-01-01 and, as in Lotus 1-2-3, day 60 is the
 * fictitious 1900-02-29, so from 1900-03-01 on a serial is the number of days since 1899-12-30.
 */

const MS_PER_DAY = 86_400_000;
/** The serial of 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
/** 9999-12-31 is the last day Excel shows; serials beyond are not dates to it. */
const MAX_SERIAL = 2_958_466;

/** A parsed date or timestamp: its serial, and whether it carries a fraction of a second. */
export interface ExcelDate {
  serial: number;
  fractionalSeconds: boolean;
}

/** 'YYYY-MM-DD' → serial, or undefined when it is not a valid date Excel can show (1900-01-01 … 9999-12-31). */
export function dateSerial(text: string): number | undefined {
  if (text.length !== 10) return undefined;
  const day = parseDay(text);
  return day === undefined ? undefined : serialOfMs(day * MS_PER_DAY);
}

/**
 * ISO 8601 timestamp → serial: 'YYYY-MM-DD', then 'T' or a space, 'HH:MM', optional ':SS', optional fraction,
 * optional zone ('Z', '±HH', '±HHMM', '±HH:MM'). Excel has no time zones: a zoned timestamp is written as
 * its UTC time; one without a zone as the wall-clock time it states. A bare date is midnight.
 */
export function timestampSerial(text: string): ExcelDate | undefined {
  const day = text.length >= 10 ? parseDay(text) : undefined;
  if (day === undefined) return undefined;
  if (text.length === 10) {
    const serial = serialOfMs(day * MS_PER_DAY);
    return serial === undefined ? undefined : { serial, fractionalSeconds: false };
  }
  const sep = text.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || text.length < 16 || text.charCodeAt(13) !== 58) return undefined; // 'T' ' ' ':'
  const hours = digits(text, 11, 2);
  const minutes = digits(text, 14, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  let ms = day * MS_PER_DAY + hours * 3_600_000 + minutes * 60_000;
  let fraction = 0;
  let i = 16;
  if (text.charCodeAt(i) === 58) {
    const seconds = digits(text, i + 1, 2);
    if (seconds < 0 || seconds > 59) return undefined; // Excel has no leap second either
    ms += seconds * 1000;
    i += 3;
    if (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44) {
      const start = ++i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      if (i === start) return undefined;
      fraction = Number(`0.${text.slice(start, i)}`);
    }
  }
  if (i < text.length) {
    const offset = zoneOffsetMinutes(text, i);
    if (offset === undefined) return undefined;
    ms -= offset * 60_000;
  }
  const serial = serialOfMs(ms + fraction * 1000);
  return serial === undefined ? undefined : { serial, fractionalSeconds: fraction !== 0 };
}

/** Days since 1970-01-01 of 'YYYY-MM-DD' at the start of text, or undefined when it is not a real date. */
function parseDay(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function zoneOffsetMinutes(text: string, i: number): number | undefined {
  const rest = text.length - i;
  const sign = text.charCodeAt(i);
  if (sign === 90 || sign === 122) return rest === 1 ? 0 : undefined; // 'Z' 'z'
  if (sign !== 43 && sign !== 45) return undefined; // '+' '-'
  let hours: number;
  let minutes = 0;
  if (rest === 3) {
    hours = digits(text, i + 1, 2);
  } else if (rest === 5) {
    hours = digits(text, i + 1, 2);
    minutes = digits(text, i + 3, 2);
  } else if (rest === 6 && text.charCodeAt(i + 3) === 58) {
    hours = digits(text, i + 1, 2);
    minutes = digits(text, i + 4, 2);
  } else {
    return undefined;
  }
  if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) return undefined;
  const offset = hours * 60 + minutes;
  return sign === 45 ? -offset : offset;
}

/** Milliseconds since 1970-01-01 → serial, or undefined outside 1900-01-01 … 9999-12-31. */
export function serialOfMs(msSinceEpoch: number): number | undefined {
  let serial = msSinceEpoch / MS_PER_DAY + UNIX_EPOCH_SERIAL;
  if (serial < 61) serial -= 1; // before 1900-03-01 Excel counts the phantom 1900-02-29 out
  return serial >= 1 && serial < MAX_SERIAL ? serial : undefined;
}

/** The value of `count` ASCII digits at `start`, or -1 when any is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
