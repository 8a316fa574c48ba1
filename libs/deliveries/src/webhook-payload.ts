import { randomBytes } from 'node:crypto';
import type { AlertNotice, DeliveryMessage, FinishedRun } from './run';

/**
 * The JSON body of a webhook (Standard Webhooks' `type`, `timestamp`, `data`). `data` follows the
 * export-completed CloudEvent's data (jobId, format, status, rows, bytes, error), with the schedule and run, and
 * the portal link in place of the bucket and key: the receiver opens the file with its own rights, if any.
 */
export interface ScheduleRunWebhook {
  readonly type: 'io.aurora.schedule.run.finished';
  readonly timestamp: string;
  readonly data: {
    readonly scheduleId: string;
    readonly runId: string;
    readonly jobId: string;
    /** A report's schedule names the report; a dashboard's, the dashboard. */
    readonly reportName?: string;
    readonly dashboardName?: string;
    readonly format: FinishedRun['format'];
    readonly status: FinishedRun['status'];
    readonly rows: number;
    readonly bytes: number;
    readonly fileName: string;
    readonly link: string;
    readonly error?: { readonly code: string; readonly detail: string };
  };
}

/** The JSON body of an alert's webhook: the alert, its transition and the numbers. */
export interface AlertWebhook {
  readonly type: 'io.aurora.alert.fired' | 'io.aurora.alert.cleared';
  readonly timestamp: string;
  readonly data: {
    readonly alertId: string;
    readonly checkId: string;
    readonly alertName: string;
    readonly reportName: string;
    readonly transition: AlertNotice['transition'];
    readonly summary: string;
    readonly values: AlertNotice['values'];
    readonly rowCount: number | null;
    readonly link: string;
  };
}

export function webhookPayload(message: DeliveryMessage): ScheduleRunWebhook | AlertWebhook {
  switch (message.kind) {
    case 'scheduleRun':
      return runPayload(message);
    case 'alert':
      return {
        type: `io.aurora.alert.${message.transition}`,
        timestamp: message.finishedAt,
        data: {
          alertId: message.alertId,
          checkId: message.checkId,
          alertName: message.alertName,
          reportName: message.reportName,
          transition: message.transition,
          summary: message.summary,
          values: message.values,
          rowCount: message.rowCount,
          link: message.link,
        },
      };
  }
}

function runPayload(run: FinishedRun): ScheduleRunWebhook {
  return {
    type: 'io.aurora.schedule.run.finished',
    timestamp: run.finishedAt,
    data: {
      scheduleId: run.scheduleId,
      runId: run.runId,
      jobId: run.exportId,
      ...(run.document === 'dashboard' ? { dashboardName: run.name } : { reportName: run.name }),
      format: run.format,
      status: run.status,
      rows: run.rows,
      bytes: run.bytes,
      fileName: run.fileName,
      link: run.link,
      ...(run.error ? { error: run.error } : {}),
    },
  };
}

/** The `webhook-id` of a run's or a check's message: the same on every retry, so a receiver can drop duplicates. */
export const webhookMessageId = (message: DeliveryMessage): string =>
  message.kind === 'scheduleRun' ? `msg_${message.runId}` : `msg_${message.checkId}`;

/** A new endpoint secret in the spec's form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
