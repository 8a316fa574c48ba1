import type { ScheduleBody } from '@aurora/query-model';

/** A scheduled run once its export has finished: what a delivery tells its recipients about. */
export interface FinishedRun {
  readonly kind: 'scheduleRun';
  /** What the schedule exports: a report's rows, or a dashboard's page. */
  readonly document: 'report' | 'dashboard';
  /** The report's or dashboard's name. */
  readonly name: string;
  readonly scheduleId: string;
  readonly runId: string;
  /** The export job that wrote the file. */
  readonly exportId: string;
  readonly status: 'succeeded' | 'failed';
  readonly format: ScheduleBody['format'];
  /** Rows written (a report's file); a dashboard's page counts the rows its tiles read. */
  readonly rows: number;
  /** The file's name as a download offers it, e.g. `orders-2026-12-07.csv`. */
  readonly fileName: string;
  /** Bytes of the file (0 when the run failed). */
  readonly bytes: number;
  /**
   * The portal's link to the file: it opens through the portal, which checks the reader's own rights before
   * it hands out a download. Never a pre-signed object-store URL, which would let anyone holding it read the data.
   */
  readonly link: string;
  /** The file's bytes, read only when it is attached (below the size cap); absent: never attached. */
  readonly readFile?: () => Promise<Uint8Array>;
  readonly finishedAt: string;
  readonly error?: { readonly code: string; readonly detail: string };
}

/** One number of an alert check, as docs/API.md ("Alerts") shows it. */
export interface AlertNoticeValue {
  readonly row: Readonly<Record<string, unknown>> | null;
  readonly measure: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly changePercent: number | null;
  readonly zScore: number | null;
  readonly vintage: string | null;
}

/** An alert whose condition became true (fired) or false again (cleared): what its deliveries tell. */
export interface AlertNotice {
  readonly kind: 'alert';
  readonly alertId: string;
  readonly checkId: string;
  readonly alertName: string;
  readonly reportName: string;
  readonly transition: 'fired' | 'cleared';
  /** The numbers in one line: `total 812,345.50 < 1,000,000 for region EMEA`. */
  readonly summary: string;
  readonly values: readonly AlertNoticeValue[];
  readonly rowCount: number | null;
  /** The portal's page of the report: it opens with the reader's own rights. */
  readonly link: string;
  readonly finishedAt: string;
}

/** What a delivery is about: a scheduled run that finished, or an alert that changed state. */
export type DeliveryMessage = FinishedRun | AlertNotice;

/** Where a run goes: the `deliveries` of a schedule, with each webhook's signing secret. */
export type DeliveryTarget = EmailTarget | WebhookTarget;

export interface EmailTarget {
  readonly kind: 'email';
  /** User ids (the IdP's `sub`) and group names, resolved to addresses by the RecipientDirectory. */
  readonly users: readonly string[];
  readonly groups: readonly string[];
  /**
   * Attach the file too (below the size cap). Off unless asked: an attachment holds the rows its owner's run could
   * see, whoever reads it, while the link shows each reader only what their own access allows.
   */
  readonly attach?: boolean;
}

export interface WebhookTarget {
  readonly kind: 'webhook';
  readonly url: string;
  /** The endpoint's own Standard Webhooks secret, `whsec_` + base64 (newWebhookSecret). */
  readonly secret: string;
}

export type DeliveryChannel = DeliveryTarget['kind'];

/** How one target's delivery ended, for the run's history. `reason` says why it failed, in words. */
export interface DeliveryOutcome {
  readonly channel: DeliveryChannel;
  readonly status: 'delivered' | 'failed';
  readonly attempts: number;
  readonly reason?: string;
  /** Email: the addresses the server accepted. */
  readonly recipients?: readonly string[];
}
