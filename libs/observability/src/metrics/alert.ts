import type { Registry } from 'prom-client';
import { counter, metricsRegistry } from './registry';

/** How an alert check ended: its condition held (`triggered`), did not (`ok`), or it could not be evaluated. */
export type AlertCheckOutcome = 'ok' | 'triggered' | 'failed';
export type AlertTransitionKind = 'fired' | 'cleared';

const CAUSES = ['cron', 'vintage', 'manual'] as const;
const OUTCOMES: readonly AlertCheckOutcome[] = ['ok', 'triggered', 'failed'];
const TRANSITIONS: readonly AlertTransitionKind[] = ['fired', 'cleared'];

/** Every series at 0 from the start (the metadata service calls this at boot), as registerScheduleMetrics does. */
export function registerAlertMetrics(registry: Registry = metricsRegistry()): void {
  for (const cause of CAUSES) for (const outcome of OUTCOMES) checks(registry).inc({ cause, outcome }, 0);
  for (const transition of TRANSITIONS) transitions(registry).inc({ transition }, 0);
}

/** An alert check that ended, by its trigger (`cron`, `vintage`, `manual`) and outcome. */
export function recordAlertCheck(
  cause: string,
  outcome: AlertCheckOutcome,
  registry: Registry = metricsRegistry(),
): void {
  checks(registry).inc({ cause, outcome });
}

/** An alert's state change: `fired` (its condition became true) or `cleared` (it became false). */
export function recordAlertTransition(
  transition: AlertTransitionKind,
  registry: Registry = metricsRegistry(),
): void {
  transitions(registry).inc({ transition });
}

function checks(registry: Registry) {
  return counter(registry, 'aurora_alert_checks_total', 'Alert checks ended, by trigger and outcome', [
    'cause',
    'outcome',
  ]);
}

function transitions(registry: Registry) {
  return counter(
    registry,
    'aurora_alert_transitions_total',
    'Alert state changes that notified: fired (became true) or cleared (became false)',
    ['transition'],
  );
}
