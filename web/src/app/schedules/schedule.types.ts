import type { ScheduleBody, ScheduleRunView, ScheduleView } from '@aurora/query-model';

/**
 * The portal's view of schedules: @aurora/query-model's types, plus what deliveries add (docs/API.md,
 * "Deliveries"): an email's `attach`, a webhook's server-made `secret`, and each run's delivery outcomes.
 * They are optional so the portal works against a server that does not send them yet.
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

export interface DeliveryOutcome {
  readonly kind?: string;
  readonly status?: string;
  readonly attempts?: number;
  readonly reason?: string | null;
}

export interface ScheduleRun extends ScheduleRunView {
  readonly deliveries?: readonly DeliveryOutcome[];
}
