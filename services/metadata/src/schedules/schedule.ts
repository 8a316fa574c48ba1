import { newWebhookSecret } from '@aurora/deliveries';
import type { Principal } from '@aurora/proto';
import {
  SCHEDULE_LIMITS,
  type Delivery,
  type RunDeliveryView,
  type ScheduleBody,
  type ScheduleTarget,
  type StoredDelivery,
  type Trigger,
} from '@aurora/query-model';
import { nextCronRun } from '@aurora/query-model';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RunCause = 'cron' | 'vintage' | 'manual';

export interface RunError {
  readonly code: string;
  readonly detail: string;
}

export interface StoredSchedule {
  readonly id: string;
  /** The report, or the dashboard with its filter values, that each run exports. */
  readonly target: ScheduleTarget;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly format: ScheduleBody['format'];
  readonly trigger: Trigger;
  readonly deliveries: readonly StoredDelivery[];
  readonly paused: boolean;
  /** Bumped on every change: the ETag `If-Match` compares. */
  readonly version: number;
  /** The next cron instant (null: onVintage, or no instant left). */
  readonly nextRunAt: Date | null;
  readonly consecutiveFailures: number;
  /** The last SCHEDULE_LIMITS.failingAfter runs all failed. */
  readonly failing: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * One run of a schedule: the record a delivery or a notification subscribes to. `finishedAt` set means its
 * outcome (`succeeded` with `rows`, or `failed` with `error`) is final.
 */
export interface StoredRun {
  readonly id: string;
  readonly scheduleId: string;
  readonly scheduledFor: Date;
  readonly cause: RunCause;
  readonly status: RunStatus;
  readonly exportId: string | null;
  readonly rows: number | null;
  readonly error: RunError | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** Its deliveries' outcomes, in the schedule's order (the owner's notice of lost access last). */
  readonly deliveries: readonly RunDeliveryView[];
}

/** A queued run with what its dispatch needs: the owner to run as, the report or dashboard and the format. */
export interface DueRun {
  readonly run: StoredRun;
  readonly target: ScheduleTarget;
  readonly format: ScheduleBody['format'];
  readonly owner: Principal;
}

/** The schedule's next instant after `now`: cron triggers only; a vintage trigger has none. */
export function nextRunAfter(trigger: Trigger, now: Date): Date | null {
  return 'cron' in trigger ? nextCronRun(trigger, now) : null;
}

export function isFailing(consecutiveFailures: number): boolean {
  return consecutiveFailures >= SCHEDULE_LIMITS.failingAfter;
}

/**
 * The deliveries to store: each webhook keeps the secret it had when its URL is unchanged (receivers hold it),
 * and a new URL gets a new secret, which only the owner sees.
 */
export function withSecrets(
  deliveries: readonly Delivery[],
  previous: readonly StoredDelivery[],
): StoredDelivery[] {
  const secrets = new Map<string, string>();
  for (const entry of previous) if ('webhook' in entry) secrets.set(entry.webhook.url, entry.webhook.secret);
  return deliveries.map((entry) =>
    'webhook' in entry
      ? { webhook: { url: entry.webhook.url, secret: secrets.get(entry.webhook.url) ?? newWebhookSecret() } }
      : entry,
  );
}
