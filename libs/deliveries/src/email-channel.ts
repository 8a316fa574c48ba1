import { recordDeliveryAttempt, recordDeliveryFailure } from '@aurora/observability';
import type { Registry } from 'prom-client';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpSettings } from './config';
import { resolveRecipients, type RecipientDirectory, type ResolvedRecipients } from './directory';
import { attachmentPlan, composeAlertMail, composeMail, type AttachmentPlan } from './email-message';
import { backoffDelay, sleep, type RetryPolicy } from './retry';
import type { DeliveryMessage, DeliveryOutcome, EmailTarget, FinishedRun } from './run';

export interface EmailChannelOptions {
  readonly smtp: SmtpSettings;
  readonly attachMaxBytes: number;
  readonly retry: RetryPolicy;
  readonly directory: RecipientDirectory;
  readonly wait?: (ms: number) => Promise<void>;
  readonly registry?: Registry;
}

/** Sends a run's mail over SMTP: one message, recipients in Bcc so that they do not see one another. */
export class EmailChannel {
  private readonly transport: Transporter;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: EmailChannelOptions) {
    const { smtp } = options;
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTls,
      ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.password } } : {}),
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
    this.wait = options.wait ?? sleep;
  }

  async deliver(run: DeliveryMessage, target: EmailTarget): Promise<DeliveryOutcome> {
    let recipients: ResolvedRecipients;
    try {
      recipients = await resolveRecipients(this.options.directory, target.users, target.groups);
    } catch (error) {
      recordDeliveryFailure('email', 'no-recipients', this.options.registry);
      const why = error instanceof Error ? error.message : String(error);
      return {
        channel: 'email',
        status: 'failed',
        attempts: 0,
        reason: `the directory did not answer: ${why}`,
      };
    }
    const { addresses, unresolved } = recipients;
    if (addresses.length === 0) {
      recordDeliveryFailure('email', 'no-recipients', this.options.registry);
      const whom = unresolved.length > 0 ? `: no address for ${unresolved.join(', ')}` : '';
      return { channel: 'email', status: 'failed', attempts: 0, reason: `no recipients${whom}` };
    }
    const message = { ...(await this.compose(run, target.attach === true)), bcc: [...addresses] };
    const note = unresolved.length > 0 ? `; no address for ${unresolved.join(', ')}` : '';

    const { attempts } = this.options.retry;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const info = await this.transport.sendMail(message);
        recordDeliveryAttempt('email', 'delivered', this.options.registry);
        const rejected = (info.rejected ?? []).map(String);
        return {
          channel: 'email',
          status: 'delivered',
          attempts: attempt,
          recipients: (info.accepted ?? []).map(String),
          ...(rejected.length > 0 || note !== ''
            ? {
                reason: `${rejected.length > 0 ? `rejected by the server: ${rejected.join(', ')}` : ''}${note}`,
              }
            : {}),
        };
      } catch (error) {
        const failure = smtpFailure(error);
        const last = attempt >= attempts || failure.permanent;
        recordDeliveryAttempt('email', last ? 'failed' : 'retry', this.options.registry);
        if (last) {
          recordDeliveryFailure(
            'email',
            failure.permanent ? 'permanent' : 'exhausted',
            this.options.registry,
          );
          const why = failure.permanent ? 'refused by the mail server' : `failed after ${attempt} attempts`;
          return {
            channel: 'email',
            status: 'failed',
            attempts: attempt,
            reason: `${why}: ${failure.reason}`,
          };
        }
        await this.wait(backoffDelay(this.options.retry, attempt));
      }
    }
  }

  /** The message itself: a run's file attached only when asked, under the cap, and readable; an alert's numbers. */
  private async compose(message: DeliveryMessage, wanted: boolean) {
    switch (message.kind) {
      case 'alert':
        return { from: this.options.smtp.from, ...composeAlertMail(message), attachments: [] };
      case 'scheduleRun':
        return this.composeRun(message, wanted);
    }
  }

  private async composeRun(run: FinishedRun, wanted: boolean) {
    const plan = attachmentPlan(run, this.options.attachMaxBytes, wanted);
    const attachment =
      plan.kind === 'attach' && run.readFile
        ? await readCapped(run.readFile, this.options.attachMaxBytes)
        : undefined;
    const mail = composeMail(run, plan.kind === 'attach' && attachment === undefined ? UNREADABLE : plan);
    return {
      from: this.options.smtp.from,
      subject: mail.subject,
      text: mail.text,
      attachments: attachment ? [{ filename: run.fileName, content: Buffer.from(attachment) }] : [],
    };
  }

  close(): void {
    this.transport.close();
  }
}

/** A file that cannot be read, or turns out larger than it was said to be, is not attached: the link still is. */
async function readCapped(
  read: () => Promise<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const bytes = await read().catch(() => undefined);
  return bytes !== undefined && bytes.byteLength <= maxBytes ? bytes : undefined;
}

const UNREADABLE: AttachmentPlan = {
  kind: 'link-only',
  why: 'The file could not be attached; use the link.',
};

/**
 * SMTP's own split: a 4xx reply is transient (greylisting, a full queue), a 5xx is permanent and retrying it
 * only repeats the refusal. No reply at all (refused connection, timeout, TLS) counts as transient.
 */
export function smtpFailure(error: unknown): { permanent: boolean; reason: string } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    response?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const code = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const text =
    typeof fields.response === 'string'
      ? fields.response
      : typeof fields.message === 'string'
        ? fields.message
        : String(error);
  const tag = typeof fields.code === 'string' ? `${fields.code} ` : '';
  return { permanent: code !== undefined && code >= 500, reason: `${tag}${text}`.slice(0, 500) };
}
