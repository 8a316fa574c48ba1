import { randomBytes } from 'node:crypto';
import type { FinishedRun } from './run';

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
    readonly reportName: string;
    readonly format: FinishedRun['format'];
    readonly status: FinishedRun['status'];
    readonly rows: number;
    readonly bytes: number;
    readonly fileName: string;
    readonly link: string;
    readonly error?: { readonly code: string; readonly detail: string };
  };
}

export function webhookPayload(run: FinishedRun): ScheduleRunWebhook {
  return {
    type: 'io.aurora.schedule.run.finished',
    timestamp: run.finishedAt,
    data: {
      scheduleId: run.scheduleId,
      runId: run.runId,
      jobId: run.exportId,
      reportName: run.reportName,
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

/** The `webhook-id` of a run's message: the same on every retry, so a receiver can drop duplicates. */
export const webhookMessageId = (run: FinishedRun): string => `msg_${run.runId}`;

/** A new endpoint secret in the spec's form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
