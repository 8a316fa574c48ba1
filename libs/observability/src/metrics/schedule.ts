import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** How a schedule run ended: its export succeeded or failed, or it failed before it became one (`failed`, with the reason). */
export type ScheduleRunOutcome = 'succeeded' | 'failed';

/** A schedule run that ended, by its trigger (`cron`, `vintage`, `manual`) and outcome. */
export function recordScheduleRun(
  cause: string,
  outcome: ScheduleRunOutcome,
  registry: Registry = metricsRegistry(),
): void {
  counter(registry, 'aurora_schedule_runs_total', 'Schedule runs ended, by trigger and outcome', [
    'cause',
    'outcome',
  ]).inc({ cause, outcome });
}

/** Runs the scheduler queued: one per due instant, however many replicas saw it. */
export function recordScheduleRunQueued(cause: string, registry: Registry = metricsRegistry()): void {
  counter(registry, 'aurora_schedule_runs_queued_total', 'Schedule runs queued, by trigger', ['cause']).inc({
    cause,
  });
}
