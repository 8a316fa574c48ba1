import { Cron } from 'croner';
import { z } from 'zod';
import { DashboardFilterValuesSchema, type DashboardFilterValues } from './dashboard';
import { DASHBOARD_FORMATS, EXPORT_FORMATS } from './export-request';
import { parseBody } from './validate';

/** The bounds of a schedule (docs/API.md, "Schedules"). */
export const SCHEDULE_LIMITS = {
  maxCron: 100,
  maxTimeZone: 64,
  maxDeliveries: 10,
  maxRecipients: 100,
  maxRecipient: 200,
  maxUrl: 2_000,
  /** A cron schedule runs at most this often: each run is a whole export. */
  minIntervalMinutes: 5,
  maxSchedulesPerOwner: 500,
  /** Runs listed per schedule, newest first. */
  maxRunsListed: 100,
  /** This many failed runs in a row mark a schedule `failing`. */
  failingAfter: 3,
} as const;

/** How many upcoming instants are checked against the minimum interval (enough for a day of hourly runs). */
const INTERVAL_SAMPLE = 25;

const recipient = z.string().min(1).max(SCHEDULE_LIMITS.maxRecipient);
const recipients = z.array(recipient).max(SCHEDULE_LIMITS.maxRecipients);

/** One delivery of a schedule or an alert (the one rule for both). */
export const DeliverySchema = z.union([
  z.strictObject({
    email: z.strictObject({
      users: recipients,
      groups: recipients,
      /** Attach the file too (below the size cap): off unless asked, as an attachment holds the owner's rows. */
      attach: z.boolean().default(false),
    }),
  }),
  z.strictObject({
    webhook: z.strictObject({
      url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).max(SCHEDULE_LIMITS.maxUrl),
    }),
  }),
]);
/** A delivery as the owner writes it (no webhook secret: the server makes one). */
export type Delivery = z.infer<typeof DeliverySchema>;

/**
 * A delivery as stored and answered to the owner: each webhook carries its signing secret (`whsec_…`), made by
 * the server when the entry is created and kept while its URL stays the same.
 */
export type StoredDelivery =
  | Extract<Delivery, { email: unknown }>
  | { readonly webhook: { readonly url: string; readonly secret: string } };

const timeZone = z
  .string()
  .min(1)
  .max(SCHEDULE_LIMITS.maxTimeZone)
  .refine(isTimeZone, 'must be an IANA time zone, such as Europe/Berlin');

const CronTriggerSchema = z
  .strictObject({ cron: z.string().min(1).max(SCHEDULE_LIMITS.maxCron), timeZone })
  .superRefine((trigger, context) => {
    const problem = cronProblem(trigger.cron, trigger.timeZone);
    if (problem) context.addIssue({ code: 'custom', message: problem, path: ['cron'] });
  });

/** When a schedule runs or an alert is checked (the one rule for both). */
export const TriggerSchema = z.union([CronTriggerSchema, z.strictObject({ onVintage: z.literal(true) })]);
export type Trigger = z.infer<typeof TriggerSchema>;
export type CronTrigger = z.infer<typeof CronTriggerSchema>;

const REPORT_FORMATS: readonly string[] = EXPORT_FORMATS;

/**
 * A schedule of a saved report (CSV or Excel) or of a dashboard (its page as a PDF or PNG, with optional filter
 * values): exactly one of `reportId` and `dashboardId`, and a format that document exports to.
 */
export const ScheduleBodySchema = z
  .strictObject({
    reportId: z.uuid('must be a report id').optional(),
    dashboardId: z.uuid('must be a dashboard id').optional(),
    format: z.enum([...EXPORT_FORMATS, ...DASHBOARD_FORMATS]),
    /** A dashboard's filter values for every run (as POST /dashboards/{id}/export takes them). */
    filters: DashboardFilterValuesSchema.optional(),
    trigger: TriggerSchema,
    deliveries: z.array(DeliverySchema).max(SCHEDULE_LIMITS.maxDeliveries).default([]),
    paused: z.boolean().default(false),
  })
  .superRefine((body, context) => {
    const problem = scheduleBodyProblem(body);
    if (problem) context.addIssue({ code: 'custom', message: problem.message, path: [problem.path] });
  });
export type ScheduleBody = z.infer<typeof ScheduleBodySchema>;

/** The first way a body's document, format and filter values do not go together, if any. */
function scheduleBodyProblem(
  body: Pick<ScheduleBody, 'reportId' | 'dashboardId' | 'format' | 'filters' | 'trigger'>,
): { path: string; message: string } | undefined {
  if ((body.reportId === undefined) === (body.dashboardId === undefined))
    return {
      path: 'reportId',
      message: 'name exactly one of reportId (a report) and dashboardId (a dashboard)',
    };
  if (body.reportId !== undefined && !REPORT_FORMATS.includes(body.format))
    return { path: 'format', message: `a report is scheduled as ${EXPORT_FORMATS.join(' or ')}` };
  if (body.dashboardId !== undefined && REPORT_FORMATS.includes(body.format))
    return { path: 'format', message: `a dashboard is scheduled as ${DASHBOARD_FORMATS.join(' or ')}` };
  if (body.reportId !== undefined && body.filters !== undefined)
    return { path: 'filters', message: "are a dashboard's filter values: a report's schedule has none" };
  // A run on each new vintage must draw it: a pinned vintage would draw the same one every time.
  const pinned = 'onVintage' in body.trigger && pinnedVintage(body.filters ?? {});
  if (pinned)
    return {
      path: `filters.${pinned}`,
      message: 'pins a vintage, so each new vintage would draw the same one: leave it out to draw the newest',
    };
  return undefined;
}

/** The id of a filter value that pins a vintage (a Load ID), if any. */
function pinnedVintage(filters: DashboardFilterValues): string | undefined {
  return Object.entries(filters).find(([, value]) => 'loadId' in value)?.[0];
}

/** What a schedule exports: a report (CSV, Excel) or a dashboard (PDF, PNG) with its filter values. */
export type ScheduleTarget =
  | { readonly kind: 'report'; readonly id: string }
  | { readonly kind: 'dashboard'; readonly id: string; readonly filters: DashboardFilterValues };

/** The document a valid schedule body names (ScheduleBodySchema made sure it names exactly one). */
export function scheduleTarget(
  body: Pick<ScheduleBody, 'reportId' | 'dashboardId' | 'filters'>,
): ScheduleTarget {
  if (body.dashboardId !== undefined)
    return { kind: 'dashboard', id: body.dashboardId, filters: body.filters ?? {} };
  return { kind: 'report', id: body.reportId ?? '' };
}

/** Validates a schedule body (POST and PUT /schedules); INVALID_QUERY with the path of the first problem. */
export function parseScheduleBody(input: unknown): ScheduleBody {
  return parseBody(ScheduleBodySchema, input, 'a valid schedule');
}

/**
 * The first instant of `trigger` strictly after `after`, in real time, or null when there is none. Daylight
 * saving follows Vixie cron (croner): a fixed time in the spring-forward gap runs once, just after the gap;
 * a fixed time in the repeated fall-back hour runs once, at its first occurrence.
 */
export function nextCronRun(trigger: CronTrigger, after: Date): Date | null {
  return cron(trigger.cron, trigger.timeZone).nextRun(after);
}

/** The next `count` instants (the web's "next five runs" preview; tests). */
export function nextCronRuns(trigger: CronTrigger, count: number, after: Date): Date[] {
  return cron(trigger.cron, trigger.timeZone).nextRuns(count, after);
}

function cron(pattern: string, timeZone: string): Cron {
  // No callback: croner then only computes instants and starts no timer.
  return new Cron(pattern, { timezone: timeZone, mode: '5-part' });
}

/** Why a cron expression is refused, or undefined: five fields, valid, with a future, not too frequent. */
function cronProblem(pattern: string, timeZone: string): string | undefined {
  if (!isTimeZone(timeZone)) return undefined; // reported on timeZone
  if (pattern.trim().split(/\s+/).length !== 5)
    return 'must have five fields: minute hour day-of-month month day-of-week';
  let upcoming: Date[];
  try {
    upcoming = cron(pattern, timeZone).nextRuns(INTERVAL_SAMPLE, new Date());
  } catch {
    // croner's message quotes its internals; the five fields are what the person can act on.
    return 'is not a cron expression (minute hour day-of-month month day-of-week, such as "0 7 * * 1-5")';
  }
  if (upcoming.length === 0) return 'never runs';
  const minGap = SCHEDULE_LIMITS.minIntervalMinutes * 60_000;
  for (let i = 1; i < upcoming.length; i += 1) {
    const gap = (upcoming[i]?.getTime() ?? 0) - (upcoming[i - 1]?.getTime() ?? 0);
    if (gap < minGap) return `runs more often than every ${SCHEDULE_LIMITS.minIntervalMinutes} minutes`;
  }
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A schedule as docs/API.md shows it (GET /schedules/{id}). */
export type ScheduleView = (
  { readonly reportId: string } | { readonly dashboardId: string; readonly filters: DashboardFilterValues }
) & {
  readonly id: string;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly format: ScheduleBody['format'];
  readonly trigger: Trigger;
  readonly deliveries: readonly StoredDelivery[];
  readonly paused: boolean;
  readonly version: number;
  readonly nextRunAt: string | null;
  readonly consecutiveFailures: number;
  readonly failing: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export type ScheduleRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A run as docs/API.md shows it (GET /schedules/{id}/runs). */
export interface ScheduleRunView {
  readonly id: string;
  readonly scheduleId: string;
  readonly scheduledFor: string;
  readonly cause: 'cron' | 'vintage' | 'manual';
  readonly status: ScheduleRunStatus;
  readonly exportId: string | null;
  readonly rows: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
  /** One per entry of the schedule's deliveries (as it was when the run ended); empty until then. */
  readonly deliveries: readonly RunDeliveryView[];
}

/** How one delivery of a run went: `pending` until it was sent or given up. */
export interface RunDeliveryView {
  readonly kind: 'email' | 'webhook';
  /** Whom it went to, in words: `users alice; groups finance` or the webhook URL. */
  readonly target: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly reason: string | null;
}
