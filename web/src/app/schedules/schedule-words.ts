import type { DashboardFilter, DashboardFilterValues } from '@aurora/query-model';
import { describeFilterValues } from '@aurora/query-model/dashboard-filters';
import { cronInWords, inZone } from './cron';
import type { DeliveryOutcome, Schedule, ScheduleRun } from './schedule.types';

/**
 * A dashboard schedule's filter values as its file prints them ("Month-end: 2026-10-31 · Region: EMEA"), named by
 * the dashboard's labels; a value whose label is not known here is named by its filter's id. '' when none is set.
 */
export function filterValuesInWords(
  values: DashboardFilterValues,
  labels: readonly Pick<DashboardFilter, 'id' | 'label'>[] = [],
): string {
  const known = new Set(labels.map((filter) => filter.id));
  const unlabelled = Object.keys(values)
    .filter((id) => !known.has(id))
    .map((id) => ({ id, label: id }));
  return describeFilterValues([...labels, ...unlabelled], values);
}

/** "Every weekday at 07:00 (Europe/Berlin)" or "When a new vintage arrives". */
export function triggerInWords(schedule: Schedule): string {
  const trigger = schedule.trigger;
  return 'cron' in trigger
    ? `${cronInWords(trigger.cron)} (${trigger.timeZone})`
    : 'When a new vintage arrives';
}

/** "next run Mon, 14 Dec 2026, 07:00 CET" (in the schedule's zone), or why there is none. */
export function nextRunInWords(schedule: Schedule): string {
  if (schedule.paused) return 'no runs while paused';
  const trigger = schedule.trigger;
  if (!('cron' in trigger)) return 'next run at the next vintage';
  return schedule.nextRunAt
    ? `next run ${inZone(new Date(schedule.nextRunAt), trigger.timeZone)}`
    : 'no next run';
}

/** "4.2 s", "1 min 5 s"; empty until the run has started and finished. */
export function duration(run: ScheduleRun): string {
  if (!run.startedAt || !run.finishedAt) return '';
  const ms = new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "email to users alice delivered (1 attempt)", "webhook to https://… failed (3 attempts): the host is not allowed". */
export function deliveryInWords(delivery: DeliveryOutcome): string {
  const attempts = ` (${delivery.attempts} ${delivery.attempts === 1 ? 'attempt' : 'attempts'})`;
  const reason = delivery.reason ? `: ${delivery.reason}` : '';
  return `${delivery.kind} to ${delivery.target} ${delivery.status}${attempts}${reason}`;
}
