import type { RunDeliveryView, ScheduleBody, ScheduleRunView, ScheduleView } from '@aurora/query-model';

/**
 * The portal's view of schedules: @aurora/query-model's types, plus what deliveries add (docs/API.md,
 * "Deliveries"): an email's `attach` and a webhook's server-made `secret`, optional in what the portal sends.
 */
export interface EmailDelivery {
  readonly email: {
    readonly users: readonly string[];
    readonly groups: readonly string[];
    readonly attach?: boolean;
  };
}
export interface WebhookDelivery {
  readonly webhook: { readonly url: string; readonly secret?: string };
}
export type ScheduleDelivery = EmailDelivery | WebhookDelivery;

export type ScheduleFormat = ScheduleBody['format'];

export interface ScheduleInput extends Omit<ScheduleBody, 'deliveries'> {
  readonly deliveries: readonly ScheduleDelivery[];
}

export interface Schedule extends Omit<ScheduleView, 'deliveries'> {
  readonly deliveries: readonly ScheduleDelivery[];
}

/** How one delivery of a run went (docs/API.md, "Deliveries"). */
export type DeliveryOutcome = RunDeliveryView;

export type ScheduleRun = ScheduleRunView;

/** When a schedule (or an alert) runs: a cron expression in a zone, or each new vintage. */
export type ScheduleTrigger = ScheduleBody['trigger'];
