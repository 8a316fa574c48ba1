import type { CalendarUnit, RelativeRange } from '@aurora/query-model';

/**
 * Relative date ranges (docs/API.md, "Relative dates") as half-open ranges of calendar dates: `start` is the first
 * day in, `end` the first day after. Dates are `YYYY-MM-DD` in the deployment's time zone; the arithmetic is on
 * the calendar, so a range never depends on the hour it is asked at, only on today's date.
 * - `last n` units: the n whole units before the current one (the last 30 days end yesterday);
 * - `next n` units: the n whole units after the current one;
 * - `this` / `previous` unit: the current unit / the one before it, whole;
 * - `to_date`: the current month, quarter or year from its first day up to and including today.
 */
export function relativeDateRange(range: RelativeRange, today: string): { start: string; end: string } {
  const current = startOf(today, range.unit);
  switch (range.kind) {
    case 'last':
      return { start: add(current, -range.n, range.unit), end: current };
    case 'next': {
      const start = add(current, 1, range.unit);
      return { start, end: add(start, range.n, range.unit) };
    }
    case 'this':
      return { start: current, end: add(current, 1, range.unit) };
    case 'previous':
      return { start: add(current, -1, range.unit), end: current };
    case 'to_date':
      return { start: current, end: add(today, 1, 'day') };
  }
}

/** Today's date where the deployment is (`AURORA_TIME_ZONE`), at the instant `now`. */
export function todayIn(timeZone: string, now: Date): string {
  const { year, month, day } = zonedParts(timeZone, now.getTime());
  return dateText(Date.UTC(year, month - 1, day));
}

/**
 * The instant a local date begins in the time zone, as a UTC timestamp (`YYYY-MM-DD HH:MM:SS.000000`): the bound
 * of a relative range on a timestamp column, which holds UTC instants. Daylight-saving shifts are taken into
 * account (the offset is read at the instant itself).
 */
export function zoneMidnightUtc(date: string, timeZone: string): string {
  const [year = 1, month = 1, day = 1] = date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day);
  let instant = wall - offsetAt(timeZone, wall);
  instant = wall - offsetAt(timeZone, instant);
  const iso = new Date(instant).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.000000`;
}

function startOf(date: string, unit: CalendarUnit): string {
  const [year = 1, month = 1, day = 1] = date.split('-').map(Number);
  switch (unit) {
    case 'day':
      return date;
    case 'week': {
      const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7; // Monday 0
      return dateText(Date.UTC(year, month - 1, day - weekday));
    }
    case 'month':
      return dateText(Date.UTC(year, month - 1, 1));
    case 'quarter':
      return dateText(Date.UTC(year, month - 1 - ((month - 1) % 3), 1));
    case 'year':
      return dateText(Date.UTC(year, 0, 1));
  }
}

/** `n` units later (earlier when negative); months and longer only ever from a unit's first day. */
function add(date: string, n: number, unit: CalendarUnit): string {
  const [year = 1, month = 1, day = 1] = date.split('-').map(Number);
  const months = unit === 'month' ? n : unit === 'quarter' ? 3 * n : unit === 'year' ? 12 * n : 0;
  const days = unit === 'day' ? n : unit === 'week' ? 7 * n : 0;
  return dateText(Date.UTC(year, month - 1 + months, day + days));
}

function dateText(utc: number): string {
  return new Date(utc).toISOString().slice(0, 10);
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields in the zone at an instant. */
function zonedParts(timeZone: string, instant: number) {
  let format = FORMATTERS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    FORMATTERS.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at the instant, in ms. */
function offsetAt(timeZone: string, instant: number): number {
  const p = zonedParts(timeZone, instant);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}
