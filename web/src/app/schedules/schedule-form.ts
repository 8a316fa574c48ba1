import { CRON_PRESETS, browserZone, cronProblem, isTimeZone } from './cron';
import type {
  EmailDelivery,
  Schedule,
  ScheduleDelivery,
  ScheduleFormat,
  ScheduleInput,
  WebhookDelivery,
} from './schedule.types';

/** The bounds the server checks on deliveries (libs/query-model/src/schedule.ts, SCHEDULE_LIMITS). */
export const DELIVERY_LIMITS = {
  maxDeliveries: 10,
  maxRecipients: 100,
  maxRecipient: 200,
  maxUrl: 2_000,
} as const;

/** What the dialog edits; `toInput` makes the request body of it. */
export interface ScheduleForm {
  readonly format: ScheduleFormat;
  readonly when: 'cron' | 'vintage';
  readonly cron: string;
  readonly timeZone: string;
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly attach: boolean;
  readonly webhooks: readonly string[];
  readonly paused: boolean;
}

/**
 * A field of the dialog an error is shown at: the server's paths (`trigger.cron`), with every email path
 * under `email` and each webhook's under `webhooks.<i>` (its position among the webhooks).
 */
export type FieldErrors = Readonly<Record<string, string>>;

export function newForm(timeZone = browserZone()): ScheduleForm {
  return {
    format: 'csv',
    when: 'cron',
    cron: CRON_PRESETS[0]?.cron ?? '0 7 * * 1-5',
    timeZone,
    users: [],
    groups: [],
    attach: false,
    webhooks: [],
    paused: false,
  };
}

const isEmail = (delivery: ScheduleDelivery): delivery is EmailDelivery => 'email' in delivery;
const isWebhook = (delivery: ScheduleDelivery): delivery is WebhookDelivery => 'webhook' in delivery;

/** A saved schedule in the dialog; several email entries (made through the API) merge into the one it edits. */
export function formOf(schedule: Schedule): ScheduleForm {
  const emails = schedule.deliveries.filter(isEmail);
  const trigger = schedule.trigger;
  return {
    format: schedule.format,
    when: 'onVintage' in trigger ? 'vintage' : 'cron',
    cron: 'cron' in trigger ? trigger.cron : (CRON_PRESETS[0]?.cron ?? ''),
    timeZone: 'cron' in trigger ? trigger.timeZone : browserZone(),
    users: [...new Set(emails.flatMap((e) => e.email.users))],
    groups: [...new Set(emails.flatMap((e) => e.email.groups))],
    attach: emails.some((e) => e.email.attach === true),
    webhooks: schedule.deliveries.filter(isWebhook).map((w) => w.webhook.url),
    paused: schedule.paused,
  };
}

function hasEmail(form: ScheduleForm): boolean {
  return form.users.length > 0 || form.groups.length > 0;
}

/** The body: the email entry first (when it names anyone), then the webhooks, in the order shown. */
export function toInput(form: ScheduleForm, reportId: string): ScheduleInput {
  const email: ScheduleDelivery[] = hasEmail(form)
    ? [
        {
          // `attach` only when asked for: a server without deliveries refuses the unknown field.
          email: { users: form.users, groups: form.groups, ...(form.attach ? { attach: true } : {}) },
        },
      ]
    : [];
  return {
    reportId,
    format: form.format,
    trigger:
      form.when === 'vintage' ? { onVintage: true } : { cron: form.cron.trim(), timeZone: form.timeZone },
    deliveries: [...email, ...form.webhooks.map((url) => ({ webhook: { url: url.trim() } }))],
    paused: form.paused,
  };
}

/** The dialog's field for a server path (`deliveries[1].webhook.url` → `webhooks.0` after an email entry). */
export function fieldOf(path: string, form: ScheduleForm): string {
  const delivery = /^deliveries\[(\d+)\]/.exec(path);
  if (delivery) {
    const index = Number(delivery[1]);
    const offset = hasEmail(form) ? 1 : 0;
    if (index < offset) return 'email';
    return `webhooks.${index - offset}`;
  }
  if (path.startsWith('trigger.timeZone')) return 'trigger.timeZone';
  if (path.startsWith('trigger')) return 'trigger.cron';
  if (path.startsWith('format')) return 'format';
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

/** What the server would refuse, by field; empty when the form may be sent. */
export function validate(form: ScheduleForm, now = new Date()): FieldErrors {
  const errors: Record<string, string> = {};
  if (form.when === 'cron') {
    if (!isTimeZone(form.timeZone)) errors['trigger.timeZone'] = 'Pick a time zone, such as Europe/Berlin.';
    const cron = cronProblem(form.cron, form.timeZone, now);
    if (cron) errors['trigger.cron'] = cron;
  }
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
