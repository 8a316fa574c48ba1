import { Cron } from 'croner';

/**
 * The cron side of a schedule in the browser: the same croner and options as the server's validation
 * (libs/query-model/src/schedule.ts), so the next runs shown are the ones the server will keep. That file pulls
 * zod in, so its few rules are repeated here rather than imported into the portal's bundle.
 */
export const CRON_LIMITS = { maxCron: 100, minIntervalMinutes: 5 } as const;

/** How many upcoming instants the server checks against the minimum interval (schedule.ts). */
const INTERVAL_SAMPLE = 25;

export interface CronPreset {
  readonly cron: string;
  readonly label: string;
}

export const CRON_PRESETS: readonly CronPreset[] = [
  { cron: '0 7 * * 1-5', label: 'Every weekday at 07:00' },
  { cron: '0 7 * * 1', label: 'Every Monday at 07:00' },
  { cron: '0 6 1 * *', label: 'First day of the month at 06:00' },
  { cron: '0 7 * * *', label: 'Every day at 07:00' },
];

function cron(pattern: string, timeZone: string): Cron {
  // No callback: croner then only computes instants and starts no timer (as on the server).
  return new Cron(pattern, { timezone: timeZone, mode: '5-part' });
}

export function isTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why the server would refuse this expression (the same words), or null. */
export function cronProblem(pattern: string, timeZone: string, now = new Date()): string | null {
  if (pattern.trim() === '') return 'Enter a cron expression.';
  if (pattern.length > CRON_LIMITS.maxCron) return `At most ${CRON_LIMITS.maxCron} characters.`;
  if (pattern.trim().split(/\s+/).length !== 5)
    return 'Must have five fields: minute hour day-of-month month day-of-week.';
  if (!isTimeZone(timeZone)) return null; // reported on the time zone
  let upcoming: Date[];
  try {
    upcoming = cron(pattern, timeZone).nextRuns(INTERVAL_SAMPLE, now);
  } catch {
    return 'Not a cron expression (minute hour day-of-month month day-of-week, such as "0 7 * * 1-5").';
  }
  if (upcoming.length === 0) return 'It never runs.';
  for (let i = 1; i < upcoming.length; i += 1) {
    const gap = (upcoming[i]?.getTime() ?? 0) - (upcoming[i - 1]?.getTime() ?? 0);
    if (gap < CRON_LIMITS.minIntervalMinutes * 60_000)
      return `It runs more often than every ${CRON_LIMITS.minIntervalMinutes} minutes.`;
  }
  return null;
}

/** The next `count` instants strictly after `after`, or [] for an expression that is refused. */
export function nextRuns(pattern: string, timeZone: string, count: number, after = new Date()): Date[] {
  if (cronProblem(pattern, timeZone, after) !== null || !isTimeZone(timeZone)) return [];
  return cron(pattern, timeZone).nextRuns(count, after);
}

/** An instant as the person reads it in the schedule's zone: "Mon, 29 Mar 2027, 07:00 CEST". */
export function inZone(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(instant);
}

/** A preset's words, or the expression itself. */
export function cronInWords(pattern: string): string {
  const normal = pattern.trim().split(/\s+/).join(' ');
  return CRON_PRESETS.find((preset) => preset.cron === normal)?.label ?? `Cron “${normal}”`;
}

/** The zones of the picker: the browser's list, with UTC and the current value always present. */
export function timeZones(current: string): readonly string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  zones.add('UTC');
  if (current) zones.add(current);
  return [...zones].sort();
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
