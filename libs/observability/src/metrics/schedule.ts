import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** How a schedule run ended: its export succeeded or failed, or it failed before it became one (`failed`, with the reason). */
export type ScheduleRunOutcome = 'succeeded' | 'failed';

const CAUSES = ['cron', 'vintage', 'manual'] as const;
const OUTCOMES: readonly ScheduleRunOutcome[] = ['succeeded', 'failed'];

/**
 * Every series at 0 from the start (the scheduling service calls this at boot): `increase()` then sees the first
 * run, and a dashboard shows 0 rather than no data.
 */
export function registerScheduleMetrics(registry: Registry = metricsRegistry()): void {
  for (const cause of CAUSES) {
    queued(registry).inc({ cause }, 0);
    for (const outcome of OUTCOMES) ended(registry).inc({ cause, outcome }, 0);
  }
}

/** A schedule run that ended, by its trigger (`cron`, `vintage`, `manual`) and outcome. */
export function recordScheduleRun(
  cause: string,
  outcome: ScheduleRunOutcome,
  registry: Registry = metricsRegistry(),
): void {
  ended(registry).inc({ cause, outcome });
}

/** Runs the scheduler queued: one per due instant, however many replicas saw it. */
export function recordScheduleRunQueued(cause: string, registry: Registry = metricsRegistry()): void {
  queued(registry).inc({ cause });
}

function ended(registry: Registry) {
  return counter(registry, 'aurora_schedule_runs_total', 'Schedule runs ended, by trigger and outcome', [
    'cause',
    'outcome',
  ]);
}

function queued(registry: Registry) {
  return counter(registry, 'aurora_schedule_runs_queued_total', 'Schedule runs queued, by trigger', [
    'cause',
  ]);
}
