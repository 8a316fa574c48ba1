import { recordDeliveryAttempt, recordDeliveryFailure } from '@aurora/observability';
import type { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import type { WebhookPolicy } from './config';
import { backoffDelay, sleep, type RetryPolicy } from './retry';
import type { DeliveryMessage, DeliveryOutcome, WebhookTarget } from './run';
import { guardWebhookUrl, systemResolver, type GuardedTarget, type Resolver } from './url-guard';
import { webhookMessageId, webhookPayload } from './webhook-payload';
import { postOnce, type WebhookResponse } from './webhook-request';

export interface WebhookChannelOptions {
  readonly policy: WebhookPolicy;
  readonly retry: RetryPolicy;
  readonly resolve?: Resolver;
  readonly wait?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  readonly registry?: Registry;
  /** PEM CA certificates trusted instead of Node's roots (tests, a private CA). */
  readonly ca?: string;
}

/** What one attempt's answer means for the next. */
type Verdict =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly reason: string };

/** Posts a run's payload, signed per Standard Webhooks, to an allow-listed endpoint, retrying what may pass. */
export class WebhookChannel {
  private readonly wait: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: WebhookChannelOptions) {
    this.wait = options.wait ?? sleep;
    this.now = options.now ?? (() => new Date());
  }

  async deliver(run: DeliveryMessage, target: WebhookTarget): Promise<DeliveryOutcome> {
    const { policy, retry, registry } = this.options;
    let signer: Webhook;
    try {
      signer = new Webhook(target.secret);
    } catch {
      return this.failed(0, 'refused', 'the endpoint secret is not a valid whsec_ secret');
    }
    const message = { id: webhookMessageId(run), body: JSON.stringify(webhookPayload(run)), signer };
    for (let attempt = 1; ; attempt += 1) {
      // Checked again at each attempt: the name is resolved anew, and the request is pinned to this answer.
      const guard = await guardWebhookUrl(target.url, policy, this.options.resolve ?? systemResolver);
      if (guard.kind === 'refused') return this.failed(attempt - 1, 'refused', `refused: ${guard.reason}`);
      const verdict: Verdict =
        guard.kind === 'unresolved'
          ? { kind: 'retry', reason: guard.reason }
          : judge(await this.post(guard.target, message));
      switch (verdict.kind) {
        case 'delivered':
          recordDeliveryAttempt('webhook', 'delivered', registry);
          return { channel: 'webhook', status: 'delivered', attempts: attempt };
        case 'permanent':
          return this.failed(attempt, 'permanent', verdict.reason);
        case 'retry': {
          if (attempt >= retry.attempts)
            return this.failed(attempt, 'exhausted', `failed after ${attempt} attempts: ${verdict.reason}`);
          const delay = Math.max(backoffDelay(retry, attempt), verdict.retryAfterMs ?? 0);
          if (delay > retry.maxDelayMs)
            return this.failed(
              attempt,
              'exhausted',
              `${verdict.reason}; the receiver asked to wait ${Math.ceil(delay / 1000)} s, past the ${Math.ceil(retry.maxDelayMs / 1000)} s retry limit`,
            );
          recordDeliveryAttempt('webhook', 'retry', registry);
          await this.wait(delay);
        }
      }
    }
  }

  /** One POST; the timestamp and the signature over it are made anew for each attempt. */
  private post(
    target: GuardedTarget,
    message: { id: string; body: string; signer: Webhook },
  ): Promise<WebhookResponse> {
    const sentAt = this.now();
    const { policy, ca } = this.options;
    return postOnce(target, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Aurora-Webhooks/1',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': message.signer.sign(message.id, sentAt, message.body),
      },
      body: message.body,
      timeoutMs: policy.timeoutMs,
      maxBytes: policy.responseMaxBytes,
      ...(ca === undefined ? {} : { ca }),
    });
  }

  /** A refusal ends the delivery without an attempt of its own: only a failed request counts as one. */
  private failed(
    attempts: number,
    kind: 'refused' | 'permanent' | 'exhausted',
    reason: string,
  ): DeliveryOutcome {
    if (kind !== 'refused') recordDeliveryAttempt('webhook', 'failed', this.options.registry);
    recordDeliveryFailure('webhook', kind, this.options.registry);
    return { channel: 'webhook', status: 'failed', attempts, reason };
  }
}

/**
 * 2xx: delivered. Network errors, timeouts, 5xx, 408 and 429: worth another attempt (429 and 503 with their
 * Retry-After). Any other status, a redirect included (never followed: it could point inside), is final.
 */
export function judge(response: WebhookResponse): Verdict {
  if (response.kind === 'no-answer') return { kind: 'retry', reason: response.reason };
  const { status } = response;
  const detail = response.body.trim().replace(/\s+/g, ' ').slice(0, 200);
  const reason = `the receiver answered ${status}${detail === '' ? '' : `: ${detail}`}`;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status >= 300 && status < 400)
    return {
      kind: 'permanent',
      reason: `the receiver answered ${status}, a redirect, which is not followed`,
    };
  if (status >= 500 || status === 408 || status === 429) {
    const retryAfterMs = retryAfter(response.headers['retry-after']);
    return { kind: 'retry', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'permanent', reason };
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
