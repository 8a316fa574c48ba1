import type { ScheduleDelivery, ScheduleTrigger } from '../schedules/schedule.types';

/**
 * The portal's view of alerts (docs/API.md, "Alerts"; issue 17): a condition on a saved summary report, checked on
 * a schedule's trigger, notifying once when it becomes true and once when it clears.
 */

/** A named row: group-by result column → its value. Absent: any row. */
export type AlertRow = Readonly<Record<string, string | number | boolean | null>>;

export type ThresholdOp = '>' | '>=' | '<' | '<=';

export type AlertCondition =
  | {
      readonly kind: 'threshold';
      readonly measure: string;
      readonly op: ThresholdOp;
      readonly value: number;
      readonly row?: AlertRow;
    }
  | { readonly kind: 'rowCount'; readonly op: '>' | '<'; readonly value: number }
  | {
      readonly kind: 'change';
      readonly measure: string;
      readonly against: 'previousVintage' | 'previousPeriod';
      readonly percent: number;
      readonly direction: 'up' | 'down' | 'either';
      readonly row?: AlertRow;
    }
  | {
      readonly kind: 'outlier';
      readonly measure: string;
      readonly vintages: number;
      readonly zScore: number;
      readonly row?: AlertRow;
    };

export type AlertConditionKind = AlertCondition['kind'];

export interface AlertInput {
  readonly reportId: string;
  readonly name: string;
  readonly condition: AlertCondition;
  readonly trigger: ScheduleTrigger;
  readonly deliveries: readonly ScheduleDelivery[];
  readonly paused: boolean;
}

export type AlertState = 'unknown' | 'ok' | 'triggered';

/** One number of a check: the ones that made it true (≤ 20), or the latest when it is not. */
export interface CheckValue {
  readonly row: AlertRow | null;
  readonly measure: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly changePercent: number | null;
  readonly mean: number | null;
  readonly stdDev: number | null;
  readonly zScore: number | null;
  readonly vintage: string | null;
}

export type CheckStatus = 'queued' | 'running' | 'ok' | 'triggered' | 'failed';
export type CheckTransition = 'fired' | 'cleared' | null;

export interface AlertCheck {
  readonly id: string;
  readonly alertId: string;
  readonly scheduledFor: string;
  readonly cause: 'cron' | 'vintage' | 'manual';
  readonly status: CheckStatus;
  readonly transition: CheckTransition;
  readonly values: readonly CheckValue[];
  readonly rowCount: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly detail: string } | null;
}

export interface Alert extends AlertInput {
  readonly id: string;
  readonly owner: { readonly sub: string; readonly name: string };
  readonly version: number;
  readonly nextRunAt: string | null;
  readonly state: AlertState;
  readonly lastCheckedAt: string | null;
  readonly lastTriggeredAt: string | null;
  readonly lastCheck: AlertCheck | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}
