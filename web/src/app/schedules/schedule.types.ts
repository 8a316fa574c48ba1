import type {
  DashboardFilter,
  DashboardFilterValues,
  RunDeliveryView,
  ScheduleBody,
  ScheduleRunView,
  ScheduleTarget,
  ScheduleView,
} from '@aurora/query-model';

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

/** CSV or Excel for a report, PDF or PNG for a dashboard. */
export type ScheduleFormat = ScheduleBody['format'];

/** Omit kept apart on each member of a union (a schedule of a report, of a dashboard). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type ScheduleSettings = Omit<ScheduleBody, 'reportId' | 'dashboardId' | 'filters' | 'deliveries'> & {
  readonly deliveries: readonly ScheduleDelivery[];
};

/** The body of POST and PUT /schedules: a report's, or a dashboard's with the filter values of every run. */
export type ScheduleInput = ScheduleSettings &
  ({ readonly reportId: string } | { readonly dashboardId: string; readonly filters: DashboardFilterValues });

/** A schedule as the server answers it: `reportId`, or `dashboardId` and `filters`. */
export type Schedule = OmitEach<ScheduleView, 'deliveries'> & {
  readonly deliveries: readonly ScheduleDelivery[];
};

/**
 * What the dialog schedules: a saved report, or a dashboard with the filter values its runs use. `labels` names a
 * dashboard's filters (its definitions, in their order); a value whose filter is not among them is named by its id.
 */
export type ScheduleSubject =
  | (Extract<ScheduleTarget, { kind: 'report' }> & { readonly name: string })
  | (Extract<ScheduleTarget, { kind: 'dashboard' }> & {
      readonly name: string;
      readonly labels: readonly Pick<DashboardFilter, 'id' | 'label'>[];
    });

/** How one delivery of a run went (docs/API.md, "Deliveries"). */
export type DeliveryOutcome = RunDeliveryView;

export type ScheduleRun = ScheduleRunView;

/** When a schedule (or an alert) runs: a cron expression in a zone, or each new vintage. */
export type ScheduleTrigger = ScheduleBody['trigger'];
