import type { Principal } from '@aurora/proto';
import { SCHEDULE_LIMITS, type Delivery, type Trigger } from '@aurora/query-model';
import { nextCronRun } from '@aurora/query-model';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RunCause = 'cron' | 'vintage' | 'manual';

export interface RunError {
  readonly code: string;
  readonly detail: string;
}

export interface StoredSchedule {
  readonly id: string;
  readonly reportId: string;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly format: 'csv' | 'xlsx';
  readonly trigger: Trigger;
  readonly deliveries: readonly Delivery[];
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
}

/** A queued run with what its dispatch needs: the owner to run as, the report and the format. */
export interface DueRun {
  readonly run: StoredRun;
  readonly reportId: string;
  readonly format: 'csv' | 'xlsx';
  readonly owner: Principal;
}

/** The schedule's next instant after `now`: cron triggers only; a vintage trigger has none. */
export function nextRunAfter(trigger: Trigger, now: Date): Date | null {
  return 'cron' in trigger ? nextCronRun(trigger, now) : null;
}

export function isFailing(consecutiveFailures: number): boolean {
  return consecutiveFailures >= SCHEDULE_LIMITS.failingAfter;
}
