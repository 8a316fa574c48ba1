import type {
  DashboardFilterValues,
  DashboardFormat,
  ExportFormat,
  ScheduleTarget,
} from '@aurora/query-model';
import type { FilterValue } from '../dashboards/dashboard.types';
import { CRON_PRESETS, browserZone, cronProblem, isTimeZone } from './cron';
import type {
  EmailDelivery,
  Schedule,
  ScheduleDelivery,
  ScheduleFormat,
  ScheduleInput,
  ScheduleTrigger,
  WebhookDelivery,
} from './schedule.types';

export type SubjectKind = ScheduleTarget['kind'];

/** The files each kind of document is scheduled as (docs/API.md, "Schedules"); the first is the default. */
export const SCHEDULE_FORMATS: {
  readonly report: readonly { readonly value: ExportFormat; readonly label: string }[];
  readonly dashboard: readonly { readonly value: DashboardFormat; readonly label: string }[];
} = {
  report: [
    { value: 'csv', label: 'CSV' },
    { value: 'xlsx', label: 'Excel (XLSX)' },
  ],
  dashboard: [
    { value: 'pdf', label: 'PDF' },
    { value: 'png', label: 'PNG' },
  ],
};

/** The bounds the server checks on deliveries (libs/query-model/src/schedule.ts, SCHEDULE_LIMITS). */
export const DELIVERY_LIMITS = {
  maxDeliveries: 10,
  maxRecipients: 100,
  maxRecipient: 200,
  maxUrl: 2_000,
} as const;

/** When it runs, as the trigger fields edit it (schedules and alerts alike). */
export interface TriggerForm {
  readonly when: 'cron' | 'vintage';
  readonly cron: string;
  readonly timeZone: string;
}

/** Where it goes, as the deliveries editor edits it: one email entry and any webhooks. */
export interface DeliveriesForm {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly attach: boolean;
  readonly webhooks: readonly string[];
}

/** What the dialog edits; `toInput` makes the request body of it. */
export interface ScheduleForm extends TriggerForm, DeliveriesForm {
  readonly format: ScheduleFormat;
  readonly paused: boolean;
}

/**
 * A field of the dialog an error is shown at: the server's paths (`trigger.cron`), with every email path
 * under `email` and each webhook's under `webhooks.<i>` (its position among the webhooks).
 */
export type FieldErrors = Readonly<Record<string, string>>;

export function newTrigger(timeZone = browserZone()): TriggerForm {
  return { when: 'cron', cron: CRON_PRESETS[0]?.cron ?? '0 7 * * 1-5', timeZone };
}

export const NO_DELIVERIES: DeliveriesForm = { users: [], groups: [], attach: false, webhooks: [] };

export function newForm(kind: SubjectKind, timeZone = browserZone()): ScheduleForm {
  const format = SCHEDULE_FORMATS[kind][0]?.value ?? 'csv';
  return { format, ...newTrigger(timeZone), ...NO_DELIVERIES, paused: false };
}

/** The document a saved schedule exports. */
export function targetOf(schedule: Schedule): ScheduleTarget {
  return 'dashboardId' in schedule
    ? { kind: 'dashboard', id: schedule.dashboardId, filters: schedule.filters }
    : { kind: 'report', id: schedule.reportId };
}

/** The dashboard page's filter values as a schedule keeps them (the API's type; lists copied). */
export function scheduleFilters(values: Readonly<Record<string, FilterValue>>): DashboardFilterValues {
  return Object.fromEntries(
    Object.entries(values).map(([id, value]) => [
      id,
      'values' in value ? { values: [...value.values] } : value,
    ]),
  );
}

const isEmail = (delivery: ScheduleDelivery): delivery is EmailDelivery => 'email' in delivery;
const isWebhook = (delivery: ScheduleDelivery): delivery is WebhookDelivery => 'webhook' in delivery;

export function triggerFormOf(trigger: ScheduleTrigger): TriggerForm {
  return {
    when: 'onVintage' in trigger ? 'vintage' : 'cron',
    cron: 'cron' in trigger ? trigger.cron : (CRON_PRESETS[0]?.cron ?? ''),
    timeZone: 'cron' in trigger ? trigger.timeZone : browserZone(),
  };
}

/** Saved deliveries in the editor; several email entries (made through the API) merge into the one it edits. */
export function deliveriesFormOf(deliveries: readonly ScheduleDelivery[]): DeliveriesForm {
  const emails = deliveries.filter(isEmail);
  return {
    users: [...new Set(emails.flatMap((e) => e.email.users))],
    groups: [...new Set(emails.flatMap((e) => e.email.groups))],
    attach: emails.some((e) => e.email.attach === true),
    webhooks: deliveries.filter(isWebhook).map((w) => w.webhook.url),
  };
}

/** A saved schedule in the dialog. */
export function formOf(schedule: Schedule): ScheduleForm {
  return {
    format: schedule.format,
    ...triggerFormOf(schedule.trigger),
    ...deliveriesFormOf(schedule.deliveries),
    paused: schedule.paused,
  };
}

function hasEmail(form: DeliveriesForm): boolean {
  return form.users.length > 0 || form.groups.length > 0;
}

export function triggerBody(form: TriggerForm): ScheduleTrigger {
  return form.when === 'vintage' ? { onVintage: true } : { cron: form.cron.trim(), timeZone: form.timeZone };
}

/** The deliveries: the email entry first (when it names anyone), then the webhooks, in the order shown. */
export function deliveriesBody(form: DeliveriesForm): ScheduleDelivery[] {
  const email: ScheduleDelivery[] = hasEmail(form)
    ? [
        {
          // `attach` only when asked for: a server without deliveries refuses the unknown field.
          email: { users: form.users, groups: form.groups, ...(form.attach ? { attach: true } : {}) },
        },
      ]
    : [];
  return [...email, ...form.webhooks.map((url) => ({ webhook: { url: url.trim() } }))];
}

/** The request body: the report, or the dashboard with the filter values every run uses, and the form's settings. */
export function toInput(form: ScheduleForm, target: ScheduleTarget): ScheduleInput {
  const settings = {
    format: form.format,
    trigger: triggerBody(form),
    deliveries: deliveriesBody(form),
    paused: form.paused,
  };
  return target.kind === 'dashboard'
    ? { dashboardId: target.id, filters: filtersForRuns(form, target.filters), ...settings }
    : { reportId: target.id, ...settings };
}

/**
 * The filter values a dashboard's runs use: all of them, except that a run on each new vintage draws the newest,
 * so a vintage set now is left out (the server refuses one: it would draw the same vintage every run).
 */
export function filtersForRuns(
  form: Pick<TriggerForm, 'when'>,
  filters: DashboardFilterValues,
): DashboardFilterValues {
  if (form.when !== 'vintage') return { ...filters };
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => !('loadId' in value)));
}

/**
 * The field of the trigger or deliveries a server path names (`deliveries[1].webhook.url` → `webhooks.0` after
 * an email entry), or null for a path of neither.
 */
export function sharedFieldOf(path: string, form: DeliveriesForm): string | null {
  const delivery = /^deliveries\[(\d+)\]/.exec(path);
  if (delivery) {
    const index = Number(delivery[1]);
    const offset = hasEmail(form) ? 1 : 0;
    if (index < offset) return 'email';
    return `webhooks.${index - offset}`;
  }
  if (path.startsWith('trigger.timeZone')) return 'trigger.timeZone';
  if (path.startsWith('trigger')) return 'trigger.cron';
  return null;
}

/** The dialog's field for a server path: a dashboard's filter values (`filters.region`) are told at their line. */
export function fieldOf(path: string, form: ScheduleForm): string {
  const shared = sharedFieldOf(path, form);
  if (shared !== null) return shared;
  if (path.startsWith('format')) return 'format';
  if (path === 'filters' || path.startsWith('filters.')) return 'filters';
  return 'form';
}

function webhookProblem(url: string): string | null {
  const text = url.trim();
  if (text === '') return 'Enter the webhook’s URL.';
  if (text.length > DELIVERY_LIMITS.maxUrl) return `At most ${DELIVERY_LIMITS.maxUrl} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return 'Not a URL, such as https://hooks.example.com/aurora.';
  }
  return parsed.protocol === 'https:' ? null : 'Must be an https:// URL.';
}

export function validateTrigger(form: TriggerForm, now = new Date()): FieldErrors {
  const errors: Record<string, string> = {};
  if (form.when === 'cron') {
    if (!isTimeZone(form.timeZone)) errors['trigger.timeZone'] = 'Pick a time zone, such as Europe/Berlin.';
    const cron = cronProblem(form.cron, form.timeZone, now);
    if (cron) errors['trigger.cron'] = cron;
  }
  return errors;
}

export function validateDeliveries(form: DeliveriesForm): FieldErrors {
  const errors: Record<string, string> = {};
  const recipients = [...form.users, ...form.groups];
  if (form.users.length > DELIVERY_LIMITS.maxRecipients || form.groups.length > DELIVERY_LIMITS.maxRecipients)
    errors['email'] =
      `At most ${DELIVERY_LIMITS.maxRecipients} users and ${DELIVERY_LIMITS.maxRecipients} groups.`;
  else if (recipients.some((r) => r.length > DELIVERY_LIMITS.maxRecipient))
    errors['email'] = `A name has at most ${DELIVERY_LIMITS.maxRecipient} characters.`;
  if ((hasEmail(form) ? 1 : 0) + form.webhooks.length > DELIVERY_LIMITS.maxDeliveries)
    errors['form'] = `At most ${DELIVERY_LIMITS.maxDeliveries} deliveries.`;
  form.webhooks.forEach((url, i) => {
    const problem = webhookProblem(url);
    if (problem) errors[`webhooks.${i}`] = problem;
  });
  return errors;
}

/** What the server would refuse, by field; empty when the form may be sent. */
export function validate(form: ScheduleForm, now = new Date()): FieldErrors {
  return { ...validateTrigger(form, now), ...validateDeliveries(form) };
}
